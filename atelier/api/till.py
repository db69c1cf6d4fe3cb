"""API calls for the till area (see API.md): sales and returns."""

from flask import jsonify
from flask_login import current_user
from pydantic import AliasPath, BaseModel, Field, field_validator

from atelier.api.core import Body, Out, api_route, parse, sized
from atelier.enums import TILL_PAYMENT_METHODS, ItemStatus, literal
from atelier.extensions import db
from atelier.till import returns, services
from atelier.till.models import Return, SaleLine

MAX_SALE_LINES = 500


class SaleLineBody(Body):
    """One piece: what the scanner read, and the price charged (default: list price)."""

    scan: str
    price_cents: int | None = None
    discount_reason: str = sized(SaleLine.discount_reason, "")


class SaleBody(Body):
    """``POST /sales``."""

    shop: str
    payment_method: literal(TILL_PAYMENT_METHODS)
    lines: list[SaleLineBody] = Field(min_length=1, max_length=MAX_SALE_LINES)
    client_id: str | None = None


class ReturnBody(Body):
    """``POST /returns``: restock true puts it back in the shop, false writes it off."""

    scan: str
    reason: str = sized(Return.reason)
    restock: bool = True


class SaleLineOut(BaseModel):
    """One piece sold, at the price paid."""

    item: str
    price_cents: int
    list_price_cents: int


class SaleOut(BaseModel):
    """A sale as the API shows it."""

    id: int
    shop: str
    total_cents: int
    currency: str
    sold_at: str
    payment_method: str
    lines: list[SaleLineOut]


class ReturnOut(Out):
    """A return: the refund and where the piece went."""

    item: str = Field(validation_alias=AliasPath("sale_line", "item", "code"))
    refund_cents: int
    currency: str
    status: literal((ItemStatus.IN_SHOP, ItemStatus.WRITTEN_OFF)) = Field(
        validation_alias="is_restocked"
    )
    reason: str

    @field_validator("status", mode="before")
    @classmethod
    def _where_it_went(cls, restocked: bool) -> str:
        return ItemStatus.IN_SHOP if restocked else ItemStatus.WRITTEN_OFF


@api_route(
    "/sales",
    "POST",
    "Sell pieces at a shop's till (200: a replayed client_id's first sale)",
    body=SaleBody,
    roles=("shop",),
    response=SaleOut,
    status=(201, 200),
    errors=(404, 409),
    light_caller=True,
)
def create_sale():
    """All or nothing; a replayed client_id returns the first sale with 200."""
    body = parse(SaleBody)
    user = current_user._get_current_object()  # once: each read through the proxy costs
    shop = services.shop_for(user, body.shop)
    sale, created = services.record_sale(
        user,
        shop,
        body.payment_method,
        [line.model_dump() for line in body.lines],
        client_id=body.client_id,
    )
    db.session.commit()
    return jsonify(services.sale_json(sale)), 201 if created else 200


@api_route(
    "/returns",
    "POST",
    "Take back a sold piece",
    body=ReturnBody,
    roles=("shop",),
    response=ReturnOut,
    status=201,
    errors=(404, 409),
)
def create_return():
    """Refund the price paid; the piece goes back in stock or is written off."""
    body = parse(ReturnBody)
    returned = returns.record_return(current_user, body.scan, body.reason, body.restock)
    db.session.commit()
    return jsonify(ReturnOut.of(returned)), 201
