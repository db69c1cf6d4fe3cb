"""Find pieces by what a scanner read (QR URL, tag or code), many at once in one query."""

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier.errors import Invalid
from atelier.extensions import db
from atelier.production.models import Item
from atelier.production.rules import parse_scan


def parse_scans(scans: list[str], field: str = "items") -> list[tuple[str, str]]:
    """Parse every scan; a blank one is a 400 naming its position."""
    parsed = []
    for index, text in enumerate(scans):
        try:
            parsed.append(parse_scan(text))
        except ValueError:
            raise Invalid(_("A scan is empty."), {f"{field}.{index}": "empty"}) from None
    return parsed


#: pieces by code or tag; the codes and tags are bound at each call (built once)
BY_CODE_OR_TAG = sa.select(Item).where(
    sa.or_(
        Item.code.in_(sa.bindparam("codes", expanding=True)),
        Item.tag.in_(sa.bindparam("tags", expanding=True)),
    )
)


def find_items(parsed: list[tuple[str, str]]) -> list[Item | None]:
    """The item for each parsed scan (None where unknown), loaded in one query."""
    codes, tags = scan_keys(parsed)
    if not codes and not tags:
        return []
    rows = db.session.scalars(BY_CODE_OR_TAG, {"codes": codes, "tags": tags}).unique().all()
    return match_scans(parsed, rows)


def scan_keys(parsed: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The distinct codes and tags among parsed scans (the ``codes`` and ``tags`` to bind)."""
    codes = {value for kind, value in parsed if kind == "code"}
    tags = {value for kind, value in parsed if kind == "tag"}
    return list(codes), list(tags)


def match_scans(parsed: list[tuple[str, str]], found) -> list:
    """For each parsed scan, the one of ``found`` (anything with ``code`` and ``tag``) it
    names, or None."""
    by_code = {piece.code: piece for piece in found}
    by_tag = {piece.tag: piece for piece in by_code.values()}
    return [(by_code if kind == "code" else by_tag).get(value) for kind, value in parsed]


def scan_label(text: str) -> str:
    """A short form of a scan to name it in a message (the code or tag, not the URL)."""
    try:
        return parse_scan(text)[1]
    except ValueError:
        return ""
