"""Use cases after checkout: Stripe events (once each), selling, refunding, releasing pieces."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from atelier import audit
from atelier.catalog.rules import rule_on
from atelier.db import utcnow
from atelier.enums import ItemStatus
from atelier.errors import Invalid
from atelier.extensions import db
from atelier.production import lifecycle
from atelier.production.models import Item
from atelier.till.ledger import LineSpec, sell
from atelier.timeutil import local_date
from atelier.webshop import gateway, rules
from atelier.webshop.models import Order, StripeEvent

SOLD_MEANWHILE = "paid for a piece sold meanwhile"


def handle_event(event: dict, now: datetime | None = None) -> str:
    """Apply a verified Stripe event once; returns what happened (``duplicate`` on replays).

    The StripeEvent row is inserted in the same transaction as the effect: a replay,
    even a concurrent one, hits the unique event id and changes nothing. An event of an odd
    shape is refused (400) before that row is written: it is not marked processed, so the
    well-formed event, should Stripe send it, still takes effect.
    """
    now = now or utcnow()
    try:
        session = rules.session_event(event)
    except ValueError:
        raise Invalid(_("This Stripe event is not shaped as expected."), code="bad_event") from None
    if _already_handled(event, session.type):
        return "duplicate"
    action = rules.event_action(session.type, session.payment_status)
    order = _order_for(session) if action != "ignore" else None
    if order is None:
        return "ignored"
    if action == "fulfil":
        return fulfil(order, session.payment_intent, now)
    if action == "hold":
        order.expires_at = max(order.expires_at, now + rules.ASYNC_PAYMENT_HOLD)
        order.stripe_payment_intent = session.payment_intent or order.stripe_payment_intent
        return "awaiting_payment"
    if action == "fail":
        return release(order, "failed", now)
    return release(order, "expired", now)


def _already_handled(event: dict, kind: str) -> bool:
    """Insert the event's row; True if it was there already (a replay)."""
    db.session.add(StripeEvent(event_id=event["id"][:255], type=kind[:64]))
    try:
        db.session.flush()  # the first write of the transaction: nothing else to undo
    except IntegrityError:
        db.session.rollback()
        return True
    return False


def _order_for(session: rules.SessionEvent) -> Order | None:
    """The order of a Checkout Session (by session id, else metadata), locked for update."""
    matches = [Order.stripe_session_id == session.session_id] if session.session_id else []
    if session.reference is not None:
        matches.append(Order.reference == session.reference)
    if not matches:
        return None
    return db.session.scalar(sa.select(Order).where(sa.or_(*matches)).with_for_update())


def _claim(order: Order, now: datetime) -> set[int]:
    """Take the order's pieces: its own reservation, else pieces back on sale unsold."""
    ids = [line.item_id for line in order.lines]
    mine = lifecycle.take_reserved(ids, order.id, at=now)
    rest = [i for i in ids if i not in mine]
    if rest:  # released by the sweeper before a late payment: still here, still theirs
        mine |= lifecycle.move(
            rest,
            ItemStatus.IN_SHOP,
            ItemStatus.RESERVED,
            site_id=order.site_id,
            note=order.reference,
            at=now,
            reserved_order_id=None,
        )
    return mine


def fulfil(order: Order, payment_intent: str | None, now: datetime) -> str:
    """Paid: sell the order's pieces online; if one was sold meanwhile, flag and refund."""
    if order.status in ("paid", "flagged", "refunded"):
        return "already_" + order.status
    order.stripe_payment_intent = payment_intent or order.stripe_payment_intent
    claimed = _claim(order, now)
    if len(claimed) < len(order.lines):
        _put_back(claimed, order, now)
        return _flag_and_refund(order)
    day = local_date(now, line_site(order).timezone)
    specs = [
        LineSpec(
            item=line.item,
            price_cents=line.price_cents,
            list_price_cents=_list_price(line.item, day, line.price_cents),
        )
        for line in order.lines
    ]
    sell(
        specs,
        site=line_site(order),
        channel="online",
        payment_method="stripe",
        from_status="reserved",
        order_id=order.id,
        sold_at=now,
    )
    order.status, order.paid_at = "paid", now
    audit.record(
        "webshop.paid",
        order,
        reference=order.reference,
        total_cents=order.total_cents,
        currency=order.currency,
    )
    return "sold"


def line_site(order: Order):
    """The webshop site the order's pieces are at."""
    return order.lines[0].item.site


def _list_price(item: Item, day, fallback: int) -> int:
    """The list price in force on the day of sale (the order's price if none)."""
    rule = rule_on(item.product_type.rules, day)
    return rule.price_cents if rule else fallback


def _put_back(item_ids: set[int], order: Order, now: datetime) -> None:
    """Return pieces claimed for an order that cannot be fulfilled to the shelf."""
    lifecycle.move(
        item_ids,
        ItemStatus.RESERVED,
        ItemStatus.IN_SHOP,
        site_id=order.site_id,
        note=order.reference,
        at=now,
        reserved_order_id=None,
    )


def _flag_and_refund(order: Order) -> str:
    """Flag the order for a person, and refund the buyer in full through Stripe."""
    order.status, order.flag_reason = "flagged", SOLD_MEANWHILE
    db.session.flush()
    if order.stripe_payment_intent:
        order.stripe_refund_id = gateway.refund(
            order.stripe_payment_intent,
            f"refund-{order.reference}",
            {"order_id": order.reference},
        )
        order.status = "refunded"
    audit.record(
        "webshop.refund",
        order,
        reference=order.reference,
        reason=SOLD_MEANWHILE,
        refund_cents=order.total_cents,
        currency=order.currency,
        refund_id=order.stripe_refund_id,
    )
    return "refunded" if order.stripe_refund_id else "flagged"


def release(order: Order, status: str, now: datetime) -> str:
    """Let go of a pending order's pieces (expired or payment failed); paid orders stay."""
    if order.status != "pending":
        return "unchanged"
    lifecycle.move(
        None,
        ItemStatus.RESERVED,
        ItemStatus.IN_SHOP,
        site_id=order.site_id,
        where=[Item.reserved_order_id == order.id],
        note=order.reference,
        at=now,
        reserved_order_id=None,
    )
    order.status = status
    db.session.flush()
    return status


def expire_lapsed(now: datetime | None = None) -> int:
    """Release every pending order whose hold has lapsed (the webhook never came)."""
    now = now or utcnow()
    cutoff = now - rules.SWEEP_GRACE
    orders = db.session.scalars(
        sa.select(Order)
        .where(Order.status == "pending", Order.expires_at < cutoff)
        .with_for_update(skip_locked=True)
    ).all()
    for order in orders:
        release(order, "expired", now)
    return len(orders)
