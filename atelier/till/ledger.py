"""The one way a piece becomes sold, shared by the till and the online shop.

Correctness lives in the database, not in Python: one conditional UPDATE moves every
piece from its expected state to ``sold`` (a concurrent buyer's UPDATE finds no row to
move), and a partial unique index allows one active sale line per item. If any piece
did not move, :class:`SaleConflict` is raised and the caller's transaction must be
rolled back, so a sale is all-or-nothing.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from atelier.db import utcnow
from atelier.errors import Conflict
from atelier.extensions import db
from atelier.production.models import Item, ItemEvent
from atelier.till.models import Sale, SaleLine


class SaleConflict(Conflict):
    """A piece is no longer available to sell (sold meanwhile, elsewhere, reserved…)."""

    code = "not_available"


@dataclass(frozen=True)
class LineSpec:
    """One piece to sell: the item, the price charged and its list price."""

    item: Item
    price_cents: int
    list_price_cents: int
    discount_reason: str = ""


def sell(
    lines: list[LineSpec],
    *,
    site,
    channel: str,
    payment_method: str,
    from_status: str = "in_shop",
    client_id: str | None = None,
    order_id: int | None = None,
    actor=None,
    sold_at=None,
) -> Sale:
    """Sell ``lines`` at ``site`` in one all-or-nothing step; returns the flushed Sale."""
    sold_at = sold_at or utcnow()
    ids = [spec.item.id for spec in lines]
    moved = set(
        db.session.scalars(
            sa.update(Item)
            .where(Item.id.in_(ids), Item.status == from_status, Item.site_id == site.id)
            .values(status="sold", updated_at=sold_at)
            .returning(Item.id)
            .execution_options(synchronize_session=False)
        )
    )
    refused = [spec.item.code for spec in lines if spec.item.id not in moved]
    if refused:
        raise SaleConflict(
            _("Not available to sell: %(codes)s", codes=", ".join(refused)),
            {code: "not available" for code in refused},
        )
    actor_id = getattr(actor, "id", None)
    currency = site.currency
    sale = Sale(
        site_id=site.id,
        channel=channel,
        payment_method=payment_method,
        currency=currency,
        total_cents=sum(spec.price_cents for spec in lines),
        sold_at=sold_at,
        client_id=client_id,
        order_id=order_id,
        created_by_id=actor_id,
    )
    sale.site = site
    db.session.add(sale)
    try:
        db.session.flush()
        # one INSERT for all the lines and one for all the events (not one per piece)
        sold = db.session.scalars(sa.insert(SaleLine).returning(SaleLine), [dict(
            sale_id=sale.id, item_id=spec.item.id, beneficiary_id=spec.item.beneficiary_id,
            list_price_cents=spec.list_price_cents, price_cents=spec.price_cents,
            currency=currency, discount_reason=spec.discount_reason, is_returned=False,
        ) for spec in lines]).all()
        db.session.execute(sa.insert(ItemEvent.__table__), [dict(
            item_id=spec.item.id, at=sold_at, kind="sold", site_id=site.id, user_id=actor_id,
            note=channel) for spec in lines])
    except IntegrityError:
        db.session.rollback()
        raise SaleConflict(_("A piece in this sale was sold at the same moment.")) from None
    items = {spec.item.id: spec.item for spec in lines}
    for line in sold:  # the pieces and the sale are at hand: no query to reload them
        set_committed_value(line, "item", items[line.item_id])
        set_committed_value(line, "sale", sale)
    set_committed_value(sale, "lines", sorted(sold, key=lambda line: line.id))
    for spec in lines:
        db.session.expire(spec.item, ["status", "updated_at"])
    return sale
