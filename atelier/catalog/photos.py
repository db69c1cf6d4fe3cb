"""Product photos: check an upload is a real image, re-encode it, draw demo photos, their URL."""

import io

from flask import url_for
from PIL import Image, ImageDraw, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1200
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class PhotoError(ValueError):
    """The upload is not an image we accept."""


def reencode(data: bytes) -> tuple[bytes, str]:
    """A validated upload → (JPEG bytes without metadata, mime). Raises PhotoError."""
    if not data:
        raise PhotoError("empty file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoError("larger than 5 MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise PhotoError("not a JPEG, PNG, WebP or GIF image")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("too many pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGB")  # drops alpha, palette and every metadata chunk
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise PhotoError("not a readable image") from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg"


def draw_demo_photo(kind: str, colour: tuple[int, int, int], size: int = 480) -> bytes:
    """A simple drawn picture of a product (demo data; nothing downloaded)."""
    image = Image.new("RGB", (size, size), (246, 241, 234))
    d = ImageDraw.Draw(image)
    s = size / 100
    dark = tuple(max(0, c - 60) for c in colour)
    if kind == "tote":
        d.rectangle([22 * s, 34 * s, 78 * s, 88 * s], fill=colour, outline=dark, width=int(s))
        d.arc([34 * s, 12 * s, 66 * s, 52 * s], 180, 360, fill=dark, width=int(3 * s))
    elif kind == "apron":
        d.polygon(
            [(30 * s, 20 * s), (70 * s, 20 * s), (80 * s, 90 * s), (20 * s, 90 * s)],
            fill=colour,
            outline=dark,
        )
        d.rectangle([36 * s, 55 * s, 64 * s, 72 * s], outline=dark, width=int(s))
        d.line(
            [(30 * s, 20 * s), (40 * s, 6 * s), (60 * s, 6 * s), (70 * s, 20 * s)],
            fill=dark,
            width=int(2 * s),
        )
    elif kind == "pouch":
        d.rounded_rectangle(
            [18 * s, 36 * s, 82 * s, 78 * s],
            radius=int(8 * s),
            fill=colour,
            outline=dark,
            width=int(s),
        )
        d.line([(22 * s, 42 * s), (78 * s, 42 * s)], fill=dark, width=int(2 * s))
        d.ellipse([74 * s, 38 * s, 82 * s, 46 * s], fill=dark)
    elif kind == "cushion":
        d.rounded_rectangle(
            [16 * s, 16 * s, 84 * s, 84 * s],
            radius=int(14 * s),
            fill=colour,
            outline=dark,
            width=int(s),
        )
        for i in range(3):
            d.line(
                [(16 * s, (34 + 16 * i) * s), (84 * s, (34 + 16 * i) * s)], fill=dark, width=int(s)
            )
    elif kind == "scarf":
        d.polygon([(10 * s, 30 * s), (90 * s, 30 * s), (50 * s, 85 * s)], fill=colour, outline=dark)
        for i in range(6):
            x = (42 + 3 * i) * s
            d.line([(x, 85 * s), (x, 94 * s)], fill=dark, width=int(s))
    else:  # oven glove and anything else
        d.rounded_rectangle(
            [30 * s, 14 * s, 70 * s, 86 * s],
            radius=int(18 * s),
            fill=colour,
            outline=dark,
            width=int(s),
        )
        d.ellipse([60 * s, 34 * s, 84 * s, 58 * s], fill=colour, outline=dark, width=int(s))
        d.rectangle([28 * s, 76 * s, 72 * s, 88 * s], fill=dark)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


def photo_url(product) -> str | None:
    """The versioned URL of a product's photo, or None if it has none.

    ``product`` is a ProductType, or anything with ``sku`` and ``photo_version`` (a row, a dict).
    """

    def get(name):
        return product.get(name) if isinstance(product, dict) else getattr(product, name)

    if not get("photo_version"):
        return None
    return url_for("catalog.photo", sku=get("sku"), version=get("photo_version"))
