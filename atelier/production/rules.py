"""Pure rules for pieces: reading what a scanner typed, and item codes."""

import base64
import secrets
from urllib.parse import urlsplit

ITEM_CODE_DIGITS = 6
TAG_BYTES = 10  # 80 bits


def new_tag(token_bytes=secrets.token_bytes) -> str:
    """A random tag: 16 lower-case base32 characters (80 bits), URL-safe, never a dash."""
    return base64.b32encode(token_bytes(TAG_BYTES)).decode("ascii").lower()


def item_code(site_code: str, number: int) -> str:
    """The human code of the ``number``-th piece of an atelier: ``ORA-000123``."""
    return f"{site_code}-{number:0{ITEM_CODE_DIGITS}d}"


def parse_scan(text: str) -> tuple[str, str]:
    """What a scanner typed → ``("code", "ORA-000123")`` or ``("tag", "<tag>")``.

    Accepts the full QR URL (any host: labels printed before a domain change still scan),
    a bare tag, or an item code in any letter case. Raises ValueError for empty input.
    """
    value = (text or "").strip()
    if not value:
        raise ValueError("empty scan")
    if "://" in value:
        path = urlsplit(value).path.rstrip("/")
        head, _, last = path.rpartition("/")
        if head.endswith("/t") or head == "/t":
            return "tag", last
        value = last
    prefix, dash, digits = value.partition("-")
    if dash and prefix.isalnum() and digits.isdigit():
        return "code", f"{prefix.upper()}-{digits}"
    return "tag", value
