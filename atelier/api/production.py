"""API calls for production, pieces and label sheets (see API.md)."""

from datetime import date

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, field_validator

from atelier import audit
from atelier.api.core import PDF, Body, Out, api_route, parse
from atelier.db import utcnow
from atelier.demand import markdowns
from atelier.enums import QC, literal
from atelier.errors import Invalid
from atelier.extensions import db
from atelier.production import items as item_services
from atelier.production import labels, services, web

MAX_LABELS = 500  # pieces on one label sheet request


class ProductionRequest(Body):
    """Pieces made by one maker."""

    beneficiary: str
    product_type: str
    quantity: int
    made_on: date | None = None
    qc: literal(QC) = "passed"
    client_id: str | None = None


class LabelsRequest(Body):
    """Pieces to print labels for, and optionally the grid."""

    items: list[str] = Field(min_length=1, max_length=MAX_LABELS)
    columns: int = 3
    rows: int = 8


class NewItemOut(Out):
    """A piece just logged: its code, tag, what its QR code carries, and its status."""

    code: str
    tag: str
    qr_url: str = Field(validation_alias="tag")
    status: str

    @field_validator("qr_url", mode="before")
    @classmethod
    def _qr(cls, tag):
        return qr_url(tag)


class ProductionOut(Out):
    """The entry logged and its pieces."""

    id: int
    client_id: str | None
    items: list[NewItemOut]


class ItemOut(Out):
    """A piece at today's price (after any markdown, with its reason); ``maker_code`` only
    for supervisors and admins."""

    code: str
    tag: str
    qr_url: str
    product_type: str
    product_name: str
    status: str
    site: str
    made_on: date
    price_cents: int | None
    list_price_cents: int | None
    price_reason: str
    currency: str | None
    maker_code: str | None = None


def qr_url(tag: str) -> str:
    """What a piece's QR code carries."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/t/{tag}"


def item_json(item, with_maker: bool) -> dict:
    """A piece as the API shows it; ``maker_code`` only for supervisors and admins."""
    rule = item_services.price_of(item, item_services.item_today(item))
    price_cents, reason = (rule.price_cents if rule else None), ""
    if rule and item.status in ("in_shop", "reserved"):
        price = markdowns.price_of_piece(item, rule.price_cents, utcnow())
        price_cents, reason = price.price_cents, price.reason
    out = ItemOut(
        code=item.code,
        tag=item.tag,
        qr_url=qr_url(item.tag),
        product_type=item.product_type.sku,
        product_name=item.product_type.name,
        status=item.status,
        site=item.site.code,
        made_on=item.made_on,
        price_cents=price_cents,
        list_price_cents=rule.price_cents if rule else None,
        price_reason=reason,
        currency=rule.price_currency if rule else None,
        maker_code=item.beneficiary.maker_code if with_maker else None,
    )
    return out.model_dump(mode="json", exclude=None if with_maker else {"maker_code"})


@api_route(
    "/production",
    "POST",
    "Log pieces made; one item per piece.",
    body=ProductionRequest,
    roles=("supervisor",),
    response=ProductionOut,
    status=(201, 200),
    errors=(404, 409),
)
def log_production():
    """201 with the new items; 200 with the first result for a replayed client_id."""
    data = parse(ProductionRequest)
    entry, created = services.log_production(
        current_user,
        data.beneficiary,
        data.product_type,
        data.quantity,
        data.made_on,
        data.qc,
        data.client_id,
    )
    db.session.commit()
    return jsonify(ProductionOut.of(entry)), 201 if created else 200


@api_route(
    "/items/<ref>",
    "GET",
    "A piece by code or tag.",
    roles=("supervisor", "shop"),
    response=ItemOut,
)
def get_item(ref):
    """200 with the piece; 404 for unknown pieces and for pieces of other sites alike."""
    item = item_services.find_item(current_user, ref)
    show_maker = item_services.may_see_maker(current_user, item)
    if show_maker:  # a staff read of who made it, as on the item page
        audit.record("production.view_item", item, code=item.code)
        db.session.commit()
    return jsonify(item_json(item, show_maker))


@api_route(
    "/labels",
    "POST",
    "A4 label sheet (PDF) for pieces.",
    body=LabelsRequest,
    roles=("supervisor",),
    media=PDF,
    errors=(404,),
)
def print_labels():
    """200 application/pdf; never names the maker."""
    data = parse(LabelsRequest)
    errors = labels.check_grid(data.columns, data.rows)
    if errors:
        raise Invalid(_("The label grid is not valid."), errors)
    pieces = item_services.items_for_labels(current_user, data.items)
    return web.label_sheet(pieces, labels.Grid(columns=data.columns, rows=data.rows))
