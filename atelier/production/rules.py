"""Pure rules for pieces: their lifecycle's table, reading what a scanner typed, item codes."""

import base64
import secrets
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from atelier.enums import ItemEventKind as Ev
from atelier.enums import ItemStatus as St

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


MAX_QUANTITY = 200


def codes_for(site_code: str, last_number: int, quantity: int) -> list[str]:
    """The codes of the ``quantity`` pieces ending at ``last_number``, in order."""
    first = last_number - quantity + 1
    return [item_code(site_code, n) for n in range(first, last_number + 1)]


def check_entry(quantity, made_on, today) -> dict[str, str]:
    """Field errors for a production entry: 1–200 pieces, made today or earlier."""
    errors: dict[str, str] = {}
    if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"from 1 to {MAX_QUANTITY}"
    if made_on is None:
        errors["made_on"] = "required"
    elif made_on > today:
        errors["made_on"] = "cannot be in the future"
    return errors


def can_void(statuses) -> bool:
    """An entry may be voided while none of its pieces has left the atelier."""
    statuses = list(statuses)
    return bool(statuses) and all(s in VOIDABLE for s in statuses)


def public_first_name(display_name: str, consent: bool, anonymised: bool = False) -> str | None:
    """The first name a story page may show: only with consent, never after erasure."""
    if not consent or anonymised:
        return None
    first = (display_name or "").strip().split()
    return first[0] if first else None


def is_client_id(value) -> bool:
    """True for a UUID string, the shape of a device's ``client_id``."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


#: (from, to) → the event written. ``None`` is "not yet made": a piece is born in_atelier
#: (QC passed) or rejected. A piece returned and restocked goes back on the shelf.
TRANSITIONS: dict[tuple[St | None, St], Ev] = {
    (None, St.IN_ATELIER): Ev.MADE,
    (None, St.REJECTED): Ev.REJECTED,
    (St.IN_ATELIER, St.VOIDED): Ev.VOIDED,
    (St.REJECTED, St.VOIDED): Ev.VOIDED,
    (St.IN_ATELIER, St.IN_TRANSIT): Ev.SHIPPED,
    (St.IN_TRANSIT, St.IN_SHOP): Ev.RECEIVED,
    (St.IN_SHOP, St.RESERVED): Ev.RESERVED,
    (St.RESERVED, St.IN_SHOP): Ev.RELEASED,
    (St.IN_SHOP, St.SOLD): Ev.SOLD,
    (St.RESERVED, St.SOLD): Ev.SOLD,
    (St.SOLD, St.IN_SHOP): Ev.RETURNED,
    (St.SOLD, St.WRITTEN_OFF): Ev.WRITTEN_OFF,
}
#: an event kind → the status it leaves a piece in (each kind leads to one status)
STATUS_AFTER: dict[Ev, St] = {kind: to for (_from, to), kind in TRANSITIONS.items()}
#: statuses in which a piece has not left the atelier, so its entry may still be voided
VOIDABLE = tuple(f for (f, to) in TRANSITIONS if to == St.VOIDED)


class IllegalMove(ValueError):
    """A move that is not in the table: a programming error, never a user's."""


def event_for(from_: St | None, to: St) -> Ev:
    """The event kind of a move, or :class:`IllegalMove`."""
    try:
        return TRANSITIONS[(from_, to)]
    except KeyError:
        raise IllegalMove(f"{from_} → {to} is not a move of a piece") from None


def replay(kinds: Iterable[str]) -> St | None:
    """The status a piece's events lead to, checking each step against the table; None for
    no events. Raises :class:`IllegalMove` for a history the table does not allow."""
    status: St | None = None
    for kind in kinds:
        to = STATUS_AFTER[Ev(kind)]
        if TRANSITIONS.get((status, to)) != Ev(kind):
            raise IllegalMove(f"{kind} after {status}")
        status = to
    return status
