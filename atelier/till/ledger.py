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
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from atelier.db import utcnow
from atelier.errors import Conflict
from atelier.extensions import db
from atelier.production.models import Item, ItemEvent
from atelier.till.models import Sale, SaleLine

ITEMS, SALES, LINES = Item.__table__, Sale.__table__, SaleLine.__table__
#: the statements of a sale, built once per process (building them costs more than SQLite
#: takes to run them); the guarantee is MOVE: only pieces still ``from_status`` at the site
MOVE = (ITEMS.update()
        .where(ITEMS.c.id.in_(sa.bindparam("b_ids", expanding=True)),
               ITEMS.c.status == sa.bindparam("b_status"),
               ITEMS.c.site_id == sa.bindparam("b_site"))
        .values(status="sold", updated_at=sa.bindparam("b_now", type_=ITEMS.c.updated_at.type))
        .returning(ITEMS.c.id))
ADD_SALE = SALES.insert().returning(SALES.c.id)
ADD_LINES = LINES.insert().returning(LINES.c.item_id, LINES.c.id)
ADD_EVENTS = ItemEvent.__table__.insert()


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
    """Sell ``lines`` at ``site`` in one all-or-nothing step; returns the flushed Sale.

    Five statements whatever the number of pieces, all Core (the ORM unit of work costs more
    than the SQL here): the conditional UPDATE, then one INSERT each for the sale, its lines
    and the pieces' events. The returned Sale and its lines are attached to the session as
    if loaded, so reading them costs no query."""
    sold_at = sold_at or utcnow()
    ids = [spec.item.id for spec in lines]
    db.session.flush()  # whatever the caller changed goes first; then straight to Core
    conn = db.session.connection()
    moved = set(conn.execute(MOVE, {"b_ids": ids, "b_status": from_status,
                                    "b_site": site.id, "b_now": sold_at}).scalars())
    refused = [spec.item.code for spec in lines if spec.item.id not in moved]
    if refused:
        raise SaleConflict(
            _("Not available to sell: %(codes)s", codes=", ".join(refused)),
            {code: "not available" for code in refused},
        )
    actor_id = getattr(actor, "id", None)
    currency = site.currency
    values = dict(site_id=site.id, channel=channel, payment_method=payment_method,
                  currency=currency, total_cents=sum(spec.price_cents for spec in lines),
                  sold_at=sold_at, client_id=client_id, order_id=order_id,
                  created_by_id=actor_id)
    rows = [dict(item_id=spec.item.id, beneficiary_id=spec.item.beneficiary_id,
                 list_price_cents=spec.list_price_cents, price_cents=spec.price_cents,
                 currency=currency, discount_reason=spec.discount_reason, is_returned=False)
            for spec in lines]
    try:
        sale_id = conn.execute(ADD_SALE, values).scalar_one()
        line_ids = dict(conn.execute(
            ADD_LINES, [dict(row, sale_id=sale_id) for row in rows]).all()) if rows else {}
        if ids:
            conn.execute(ADD_EVENTS, [dict(
                item_id=item_id, at=sold_at, kind="sold", site_id=site.id, user_id=actor_id,
                note=channel) for item_id in ids])
    except IntegrityError:
        db.session.rollback()
        raise SaleConflict(_("A piece in this sale was sold at the same moment.")) from None
    sale = _attach(Sale(id=sale_id, **values))
    set_committed_value(sale, "site", site)
    sold = []
    for spec, row in zip(lines, rows, strict=True):
        line = _attach(SaleLine(id=line_ids[spec.item.id], sale_id=sale_id, **row))
        set_committed_value(line, "item", spec.item)
        set_committed_value(line, "sale", sale)
        sold.append(line)
        db.session.expire(spec.item, ["status", "updated_at"])
    set_committed_value(sale, "lines", sorted(sold, key=lambda line: line.id))
    return sale


def _attach(instance):
    """Put a row just inserted with Core in the session as if it had been loaded."""
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance
