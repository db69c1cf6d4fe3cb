"""API calls for the catalogue: product types and their versioned rules (see API.md)."""

from datetime import date

from flask import current_app, jsonify
from flask_login import current_user
from pydantic import Field

from atelier.api.core import Body, Out, api_route, parse, sized
from atelier.catalog import services
from atelier.catalog.models import ProductType
from atelier.catalog.rules import FROM_THE_START
from atelier.db import utcnow
from atelier.extensions import db
from atelier.timeutil import local_date


class ProductTypeRequest(Body):
    """A new product type with its first rule."""

    sku: str
    name: str = sized(ProductType.name)
    description: str = Field("", max_length=2000)
    price_cents: int
    price_currency: str
    piece_rate_cents: int
    maker_share_bp: int
    effective_from: date | None = None


class RuleChangeRequest(Body):
    """New values from ``effective_from`` on."""

    price_cents: int | None = None
    piece_rate_cents: int | None = None
    maker_share_bp: int | None = None
    effective_from: date


class RuleOut(Out):
    """A product type's price and wage rule from a date on."""

    effective_from: date
    price_cents: int
    price_currency: str
    piece_rate_cents: int
    maker_share_bp: int


class ProductTypeOut(Out):
    """A product type, its history, and the rule in force today (its four values null when
    none is in force yet); ``piece_rate_cents`` is in the payroll currency."""

    sku: str
    name: str
    description: str
    is_active: bool
    rules: list[RuleOut]
    piece_rate_currency: str
    price_cents: int | None
    price_currency: str | None
    piece_rate_cents: int | None
    maker_share_bp: int | None


def _today() -> date:
    """Today in the payroll timezone."""
    return local_date(utcnow(), current_app.config["PAYROLL_TIMEZONE"])


def product_json(product) -> dict:
    """A product type as the API shows it, with the rule in force today and its history."""
    rule = services.current_rule(product, _today())
    return ProductTypeOut.of(
        {
            "sku": product.sku,
            "name": product.name,
            "description": product.description,
            "is_active": product.is_active,
            "rules": product.rules,
            "piece_rate_currency": current_app.config["PAYROLL_CURRENCY"],
            "price_cents": rule and rule.price_cents,
            "price_currency": rule and rule.price_currency,
            "piece_rate_cents": rule and rule.piece_rate_cents,
            "maker_share_bp": rule and rule.maker_share_bp,
        }
    )


@api_route(
    "/product-types",
    "POST",
    "Create a product type.",
    body=ProductTypeRequest,
    response=ProductTypeOut,
    status=201,
    errors=(409,),
)
def create_product_type():
    """201 with the product type."""
    data = parse(ProductTypeRequest)
    values = data.model_dump(
        include={"price_cents", "price_currency", "piece_rate_cents", "maker_share_bp"}
    )
    product = services.create_product_type(
        data.sku,
        data.name,
        data.description,
        values,
        data.effective_from or FROM_THE_START,
        actor=current_user,
    )
    db.session.commit()
    return jsonify(product_json(product)), 201


@api_route(
    "/product-types/<sku>",
    "PATCH",
    "Change price or wage rule from a date.",
    body=RuleChangeRequest,
    response=ProductTypeOut,
    errors=(409,),
)
def change_product_type(sku):
    """200 with the product type and its new rule."""
    product = services.product_by_sku(sku)
    data = parse(RuleChangeRequest)
    changes = data.model_dump(exclude={"effective_from"})
    services.change_rule(product, changes, data.effective_from, actor=current_user)
    db.session.commit()
    return jsonify(product_json(product)), 200
