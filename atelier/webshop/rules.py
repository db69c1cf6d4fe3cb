"""Pure rules of the online shop: expiry, cart, Stripe line items, what an event means."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

#: how long checkout holds the pieces: Stripe's shortest session life
RESERVATION = timedelta(minutes=30)
#: added to the session's expiry so Stripe (whose clock starts a little later) accepts it
CLOCK_MARGIN = timedelta(seconds=30)
#: a session completed with a delayed payment (bank debit) keeps its pieces this long
ASYNC_PAYMENT_HOLD = timedelta(days=14)
#: the sweeper waits this long after expiry for a late webhook before it releases pieces
SWEEP_GRACE = timedelta(minutes=5)
#: the most pieces one cart may hold
MAX_CART = 20

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$")


def basket_total(prices: list[int | None]) -> int:
    """What the basket costs: the sum of its priced pieces, in minor units."""
    return sum(price for price in prices if price is not None)


def reservation_expiry(now: datetime) -> datetime:
    """When a checkout started ``now`` lets go of its pieces (whole seconds, for Stripe)."""
    return (now + RESERVATION + CLOCK_MARGIN).replace(microsecond=0)


def is_lapsed(expires_at: datetime, now: datetime) -> bool:
    """True when a pending order's hold has passed, grace included."""
    return expires_at + SWEEP_GRACE < now


def new_reference() -> str:
    """A random public order reference (not the sequential id)."""
    return "W" + secrets.token_hex(6).upper()


def valid_email(text: str) -> bool:
    """A plausible email address (Stripe checks it properly)."""
    return bool(_EMAIL.match(text or "")) and len(text) <= 254


def cart_add(cart: list[str], tag: str) -> list[str]:
    """The cart with one more unique piece (each piece is one of a kind)."""
    if tag in cart or len(cart) >= MAX_CART:
        return list(cart)
    return [*cart, tag]


def cart_remove(cart: list[str], tag: str) -> list[str]:
    """The cart without ``tag``."""
    return [t for t in cart if t != tag]


def unique_scans(scans: list[str]) -> list[str]:
    """Trimmed, non-empty, first occurrence of each."""
    seen: list[str] = []
    for scan in scans:
        value = scan.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def line_items(lines: list[tuple[str, int]], currency: str) -> list[dict]:
    """Stripe Checkout line items from (label, price in cents) pairs priced by the database."""
    return [
        {
            "quantity": 1,
            "price_data": {
                "currency": currency.lower(),
                "unit_amount": price_cents,
                "product_data": {"name": label},
            },
        }
        for label, price_cents in lines
    ]


def event_action(event_type: str, payment_status: str | None) -> str:
    """What a Stripe event asks of an order: fulfil, hold, fail, release or ignore."""
    if event_type == "checkout.session.completed":
        return "fulfil" if payment_status in ("paid", "no_payment_required") else "hold"
    if event_type == "checkout.session.async_payment_succeeded":
        return "fulfil"
    if event_type == "checkout.session.async_payment_failed":
        return "fail"
    if event_type == "checkout.session.expired":
        return "release"
    return "ignore"


#: the Checkout Session events we act on (any other type is acknowledged and ignored)
SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)
#: Stripe ids and references are short; our columns hold 255 characters
MAX_STRIPE_TEXT = 255


@dataclass(frozen=True)
class SessionEvent:
    """What we read from a Stripe event: its type and, for a session event, the session."""

    type: str
    session_id: str | None = None
    reference: str | None = None
    payment_status: str | None = None
    payment_intent: str | None = None


def _text(value, what: str, *, required: bool = False) -> str | None:
    """A short string, or None when absent; ValueError for any other shape."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > MAX_STRIPE_TEXT:
        raise ValueError(f"{what} is not a short string")
    return value


def session_event(event: dict) -> SessionEvent:
    """Read a verified event; ValueError if it is not shaped as Stripe documents it.

    Only the session events we act on are read further than their type: Stripe sends many
    kinds, and an odd object in one we ignore does not concern us."""
    kind = _text(event.get("type"), "type", required=True)
    if kind not in SESSION_EVENTS:
        return SessionEvent(kind)
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise ValueError("data.object is not an object")
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata is not an object")
    return SessionEvent(
        kind,
        _text(obj.get("id"), "id"),
        _text((metadata or {}).get("order_id"), "metadata.order_id"),
        _text(obj.get("payment_status"), "payment_status"),
        _text(obj.get("payment_intent"), "payment_intent"),
    )


@dataclass(frozen=True)
class StoreCard:
    """One card of the storefront: identical pieces (same design, same price) shown once."""

    piece: object
    count: int


def group_identical(pieces: list) -> list[StoreCard]:
    """Group pieces that a buyer cannot tell apart (same SKU and price), in first-seen order;
    each card shows its first piece and how many are available."""
    cards: dict[tuple, list] = {}
    for piece in pieces:
        cards.setdefault((piece.sku, piece.price_cents, piece.currency), []).append(piece)
    return [StoreCard(group[0], len(group)) for group in cards.values()]
