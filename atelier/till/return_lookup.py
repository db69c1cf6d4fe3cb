"""What the returns page shows when a piece is scanned: is it this shop's sold piece, what was
paid and how, so the till knows how to refund before anything is written."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier.errors import NotFound
from atelier.extensions import db
from atelier.stock.lookup import find_items, parse_scans
from atelier.till.models import Sale, SaleLine
from atelier.till.returns import NotReturnable


@dataclass(frozen=True)
class ReturnablePiece:
    """A sold piece that can be taken back at this shop (never its maker)."""

    code: str
    product: str
    price_cents: int
    currency: str
    payment_method: str
    channel: str


def returnable(scan: str, shop) -> ReturnablePiece:
    """The piece behind ``scan`` if it was sold at ``shop`` and not yet returned.

    Anything that is not this shop's piece (unknown, or sold or stocked elsewhere) is one and
    the same 404, so a scan tells a shop nothing about other sites; this shop's piece that is
    not sold is a 409."""
    [item] = find_items(parse_scans([scan], field="scan"))
    not_here = NotFound(_("This piece was not sold here."), {"scan": "unknown"})
    if item is None:
        raise not_here
    line = db.session.execute(
        sa.select(SaleLine, Sale)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(SaleLine.item_id == item.id, SaleLine.is_returned.is_(False))
    ).first()
    if line is None:
        if item.site_id == shop.id:
            raise NotReturnable(
                _("%(code)s is not sold, so it cannot be returned.", code=item.code),
                {"scan": "not sold"},
            )
        raise not_here
    sale_line, sale = line
    if sale.site_id != shop.id:
        raise not_here
    return ReturnablePiece(
        code=item.code,
        product=item.product_type.name,
        price_cents=sale_line.price_cents,
        currency=sale_line.currency,
        payment_method=sale.payment_method,
        channel=sale.channel,
    )
