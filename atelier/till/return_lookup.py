"""What the returns page shows when a piece is scanned: is it this shop's sold piece, what was
paid and how, so the till knows how to refund before anything is written."""

from dataclasses import dataclass

from atelier.till.returns import find_returnable


@dataclass(frozen=True)
class ReturnablePiece:
    """A sold piece that can be taken back at this shop (never its maker)."""

    code: str
    product: str
    price_cents: int
    currency: str
    payment_method: str
    channel: str


def returnable(user, scan: str, shop) -> ReturnablePiece:
    """The piece behind ``scan`` if it can be taken back at ``shop`` (the same checks, and the
    same answers, as taking it back: one 404 for anything not this shop's)."""
    item, line = find_returnable(user, scan, shop)
    return ReturnablePiece(
        code=item.code,
        product=item.product_type.name,
        price_cents=line.price_cents,
        currency=line.currency,
        payment_method=line.sale.payment_method,
        channel=line.sale.channel,
    )
