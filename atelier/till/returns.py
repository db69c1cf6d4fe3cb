"""Use case for returns: a sold piece comes back, and is restocked or written off."""

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.authz import can_access_site
from atelier.db import utcnow
from atelier.enums import ItemStatus
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.production import lifecycle
from atelier.production.models import Item
from atelier.stock.lookup import find_items, parse_scans
from atelier.till.models import Return, Sale, SaleLine
from atelier.webshop import gateway
from atelier.webshop.models import Order


class NotReturnable(Conflict):
    """The piece is not sold, so it cannot come back."""

    code = "not_sold"


def find_returnable(user, scan: str, shop=None) -> tuple[Item, SaleLine]:
    """The piece behind ``scan`` and its active sale line, if it was sold at a shop of
    ``user``'s (at ``shop``, on that shop's page) and not yet returned.

    The site first: a piece that is not this shop's (unknown, sold or stocked elsewhere)
    gets one and the same 404, so a shop learns nothing about other sites' pieces; this
    shop's piece that is not sold is a 409."""
    [item] = find_items(parse_scans([scan], field="scan"))
    line = (
        db.session.scalar(
            sa.select(SaleLine)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(SaleLine.item_id == item.id, SaleLine.is_active)
        )
        if item is not None
        else None
    )
    sold = line is not None and item.status == ItemStatus.SOLD

    def ours(site_id: int) -> bool:  # a shop of hers (this one, on its page)
        return can_access_site(user, site_id) and (shop is None or site_id == shop.id)

    if item is None or not ours(line.sale.site_id if sold else item.site_id):
        raise NotFound(_("Not a piece of this shop."), {"scan": "not found"})
    if not sold:
        raise NotReturnable(
            _("%(code)s is not sold, so it cannot be returned.", code=item.code),
            {"scan": "not sold"},
        )
    return item, line


def record_return(user, scan: str, reason: str, restock: bool, shop=None) -> Return:
    """Take a sold piece back at the shop that sold it; refund what was paid."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the piece came back."), {"reason": "required"})
    item, line = find_returnable(user, scan, shop)
    now = utcnow()
    flipped = db.session.execute(
        sa.update(SaleLine)
        .where(SaleLine.id == line.id, SaleLine.is_active)
        .values(is_returned=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    moved = lifecycle.move(
        [item.id],
        ItemStatus.SOLD,
        ItemStatus.IN_SHOP if restock else ItemStatus.WRITTEN_OFF,
        site_id=line.sale.site_id,
        actor=user,
        note=reason,
        at=now,
    )
    if flipped != 1 or not moved:
        raise NotReturnable(_("%(code)s was returned at the same moment.", code=item.code))
    returned = Return(
        sale_line_id=line.id,
        item_id=item.id,
        reason=reason[:200],
        is_restocked=restock,
        refund_cents=line.price_cents,
        currency=line.currency,
        returned_at=now,
        created_by_id=user.id,
    )
    db.session.add(returned)
    db.session.flush()
    refund_id = None
    if line.sale.channel == "online":
        returned.online_refund, refund_id = _refund_online(line)
    audit.record(
        "till.return",
        returned,
        user=user,
        item=item.code,
        refund_cents=line.price_cents,
        currency=line.currency,
        restock=restock,
        online_refund=returned.online_refund,
        refund_id=refund_id,
    )
    db.session.expire(item)
    return returned


def _refund_online(line: SaleLine) -> tuple[str, str | None]:
    """Pay an online buyer back what this line cost, through Stripe: ("sent", refund id),
    or ("failed", None) when Stripe cannot be reached or has no payment to refund. The
    piece is back either way, so the return is kept; a failed refund is done by hand. One
    refund per sale line, however often it is tried: the idempotency key is the line's."""
    order = db.session.get(Order, line.sale.order_id) if line.sale.order_id else None
    if order is None or not order.stripe_payment_intent:
        return "failed", None
    try:
        return "sent", gateway.refund(
            order.stripe_payment_intent,
            f"refund-line-{line.id}",
            {"order_id": order.reference, "item": line.item.code},
            amount_cents=line.price_cents,
        )
    except gateway.PaymentProviderError:
        return "failed", None
