"""API calls of the demand loop (API.md "Demand"): figures, shop requests, the production
plan and markdowns."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import AliasPath, Field

from atelier.api.core import Body, CodeOf, Instant, Out, api_route, parse
from atelier.db import db_int
from atelier.demand import services
from atelier.demand.models import ShopRequest
from atelier.errors import Invalid
from atelier.extensions import db


def _int_arg(name: str) -> int | None:
    """A whole-number query parameter, or None; 400 naming it if it is not one."""
    text = request.args.get(name)
    if text is None or text == "":
        return None
    try:
        return db_int(text)
    except ValueError:
        raise Invalid(_("Some fields are missing or invalid."), {name: "a whole number"}) from None


WEEKS = {"type": "integer", "minimum": 1, "maximum": 520}


class RequestOut(Out):
    """A shop's request for a product (API.md "Demand")."""

    id: int
    shop: str = Field(validation_alias=AliasPath("shop", "code"))
    product_type: str = Field(validation_alias=AliasPath("product_type", "sku"))
    quantity: int
    note: str | None = None
    status: str
    created_at: Instant


class AgedOut(Out):
    """On-hand pieces by whole weeks since they were received."""

    weeks_0_4: int = Field(alias="0_4")
    weeks_4_8: int = Field(alias="4_8")
    weeks_8_12: int = Field(alias="8_12")
    weeks_12_plus: int = Field(alias="12_plus")


class DemandRowOut(Out):
    """One shop × product type (API.md "Demand")."""

    shop: str
    product_type: str
    received: int
    sold: int
    returned: int
    on_hand: int
    in_transit: int
    sell_through_bp: int
    median_days_on_shelf: int | float | None
    aged: AgedOut


class DemandOut(Out):
    """The window's figures, a row per shop × product type with stock or movement."""

    from_: Instant = Field(serialization_alias="from", validation_alias="start")
    to: Instant = Field(validation_alias="end")
    weeks: int
    rows: list[DemandRowOut]


@api_route(
    "/demand",
    "GET",
    "What sells where",
    roles=("supervisor", "shop"),
    response=DemandOut,
    errors=(404,),
    query={"weeks": WEEKS, "shop": {"type": "string"}},
)
def get_demand():
    """A row per shop × product type with stock or movement in the window."""
    figures = services.demand(current_user, _int_arg("weeks"), request.args.get("shop"))
    return jsonify(DemandOut.of(figures))


class RequestBody(Body):
    """``POST /requests``: a shop asks for more of a product."""

    shop: str
    product_type: str
    quantity: int = Field(ge=1, le=500)
    note: str = Field("", max_length=ShopRequest.note.type.length)


class DecisionBody(Body):
    """``PATCH /requests/{id}``: what the atelier decided."""

    status: str = Field(pattern="^(planned|done|declined)$")


@api_route(
    "/requests",
    "POST",
    "Ask the atelier for a product",
    body=RequestBody,
    roles=("shop",),
    response=RequestOut,
    status=201,
    errors=(404,),
)
def create_request():
    """201 with the open request."""
    body = parse(RequestBody)
    made = services.create_request(
        current_user, body.shop, body.product_type, body.quantity, body.note
    )
    db.session.commit()
    return jsonify(RequestOut.of(made)), 201


@api_route(
    "/requests",
    "GET",
    "Shop requests",
    roles=("supervisor", "shop"),
    response=list[RequestOut],
    query={"status": {"type": "string", "enum": ["open", "planned", "done", "declined"]}},
)
def list_requests():
    """Supervisors and admins see all, shop staff their shops'."""
    found = services.list_requests(current_user, request.args.get("status") or None)
    return jsonify([RequestOut.of(r) for r in found])


@api_route(
    "/requests/<int:request_id>",
    "PATCH",
    "Mark a request planned, done or declined",
    body=DecisionBody,
    roles=("supervisor",),
    response=RequestOut,
    errors=(404, 409),
)
def decide_request(request_id: int):
    """200 with the request; 409 if it cannot move to that status."""
    body = parse(DecisionBody)
    decided = services.decide_request(current_user, request_id, body.status)
    db.session.commit()
    return jsonify(RequestOut.of(decided))


class PlanRowOut(Out):
    """One active product type in the plan: the figures and the suggested quantity
    (API.md), and what this week's saved plan says (null if not saved)."""

    product_type: str = Field(validation_alias=AliasPath("product_type", "sku"))
    name: str = Field(validation_alias=AliasPath("product_type", "name"))
    weekly_sales: str
    requested: int
    in_atelier: int
    in_transit: int
    in_shops: int
    suggested: int
    planned: int | None


class PlanOut(Out):
    """What an atelier should sew next."""

    site: CodeOf
    rows: list[PlanRowOut]


@api_route(
    "/production-plan",
    "GET",
    "What to sew next",
    roles=("supervisor",),
    response=PlanOut,
    errors=(404,),
    query={"site": {"type": "string"}, "weeks": WEEKS, "cover_weeks": WEEKS},
)
def get_production_plan():
    """A row per active product type with the suggested quantity (API.md)."""
    site = services.atelier(current_user, request.args.get("site", ""))
    rows = services.production_plan(site, _int_arg("weeks"), _int_arg("cover_weeks"))
    return jsonify(PlanOut.of({"site": site, "rows": rows}))


class MarkdownStep(Body):
    """One markdown step."""

    after_days: int = Field(ge=0)
    discount_bp: int = Field(gt=0, lt=10000)


class MarkdownsBody(Body):
    """``PUT /shops/{code}/markdowns``: the shop's steps (``[]`` clears)."""

    rules: list[MarkdownStep] = Field(max_length=50)


class MarkdownStepOut(Out):
    """One markdown step in force."""

    after_days: int
    discount_bp: int


class MarkdownsOut(Out):
    """A shop's markdown steps now in force."""

    shop: CodeOf
    rules: list[MarkdownStepOut]


@api_route(
    "/shops/<code>/markdowns",
    "PUT",
    "Set a shop's markdown rules",
    body=MarkdownsBody,
    response=MarkdownsOut,
    errors=(404,),
)
def put_markdowns(code: str):
    """200 with the rules now in force."""
    body = parse(MarkdownsBody)
    shop, added = services.set_markdowns(
        current_user, code, [(s.after_days, s.discount_bp) for s in body.rules]
    )
    db.session.commit()
    return jsonify(MarkdownsOut.of({"shop": shop, "rules": added}))
