"""Use cases for the catalogue: product types, their versioned rules, and photos."""

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from atelier import audit
from atelier.catalog import photos
from atelier.catalog.models import ProductRule, ProductType
from atelier.catalog.rules import SKU_PATTERN, check_rule_values, next_rule_values, rule_on
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.text import bidi_problem


class CatalogConflict(Conflict):
    """A product type or rule that already exists."""


def list_product_types(active_only: bool = False) -> list[ProductType]:
    """Every product type by name (rules loaded in one extra query)."""
    query = sa.select(ProductType).order_by(ProductType.name, ProductType.sku)
    if active_only:
        query = query.where(ProductType.is_active.is_(True))
    return list(db.session.scalars(query))


def product_by_sku(sku: str, *, field: str | None = None, with_photo: bool = False):
    """The product type with this SKU: NotFound, or a 400 naming ``field`` if given."""
    query = sa.select(ProductType).where(ProductType.sku == (sku or "").strip().upper())
    if with_photo:
        query = query.options(undefer(ProductType.photo))
    product = db.session.scalar(query)
    if product is None:
        if field:
            raise Invalid(
                _("Unknown product type: %(sku)s", sku=sku), {field: "unknown product type"}
            )
        raise NotFound(_("No such product type."))
    return product


def current_rule(product: ProductType, day: date):
    """The rule in force on ``day`` (None before the first)."""
    return rule_on(product.rules, day)


def create_product_type(
    sku, name, description, values: dict, effective_from: date, *, actor=None
) -> ProductType:
    """A new product type with its first price and wage rule."""
    sku = (sku or "").strip().upper()
    errors = check_rule_values(values)
    for key in ("price_cents", "price_currency", "piece_rate_cents", "maker_share_bp"):
        if values.get(key) is None:
            errors.setdefault(key, "required")
    if not re.match(SKU_PATTERN, sku):
        errors["sku"] = "2–32 capital letters, digits, - or _"
    if not (name or "").strip():
        errors["name"] = "required"
    elif problem := bidi_problem(name):
        errors["name"] = problem
    if errors:
        raise Invalid(_("The product type could not be saved."), errors)
    if db.session.scalar(sa.select(ProductType.id).where(ProductType.sku == sku)):
        raise CatalogConflict(_("A product type with that SKU exists."), {"sku": "taken"})
    product = ProductType(sku=sku, name=name.strip(), description=(description or "").strip())
    db.session.add(product)
    db.session.flush()
    db.session.add(
        ProductRule(
            product_type=product, effective_from=effective_from, **next_rule_values(None, values)
        )
    )
    db.session.flush()
    audit.record(
        "catalog.create", product, user=actor, sku=sku, effective_from=effective_from, **values
    )
    return product


def change_rule(
    product: ProductType, changes: dict, effective_from: date, *, actor=None
) -> ProductRule:
    """A new rule from ``effective_from``: earlier pieces and sales keep the old values.

    A rule that already starts on that date takes the changes (a second change for the same
    day completes the first). Closed pay periods keep what they paid; sales keep their price.
    """
    changes = {k: v for k, v in changes.items() if v is not None}
    errors = check_rule_values(changes)
    if not changes:
        errors["body"] = "give price_cents, piece_rate_cents or maker_share_bp"
    if errors:
        raise Invalid(_("The new price or wage rule is not valid."), errors)
    rule = next((r for r in product.rules if r.effective_from == effective_from), None)
    if rule is not None:
        for key, value in next_rule_values(rule, changes).items():
            setattr(rule, key, value)
    else:
        base = rule_on(product.rules, effective_from) or (
            product.rules[0] if product.rules else None
        )
        values = next_rule_values(base, changes)
        missing = [
            k
            for k in ("price_cents", "price_currency", "piece_rate_cents", "maker_share_bp")
            if k not in values
        ]
        if missing:
            raise Invalid(
                _("The new price or wage rule is not valid."), {k: "required" for k in missing}
            )
        rule = ProductRule(product_type=product, effective_from=effective_from, **values)
        db.session.add(rule)
    try:
        db.session.flush()
    except IntegrityError:  # another rule for that date saved at the same moment
        db.session.rollback()
        raise CatalogConflict(
            _("A rule already starts on that date."),
            {"effective_from": "a rule starts on that date already"},
        ) from None
    db.session.refresh(product, ["rules"])
    audit.record(
        "catalog.change_rule",
        product,
        user=actor,
        sku=product.sku,
        effective_from=effective_from,
        **changes,
    )
    return rule


def update_details(
    product: ProductType,
    name: str,
    description: str,
    is_active: bool,
    *,
    translations: dict | None = None,
    actor=None,
) -> None:
    """Rename, describe (also per language), or retire a product type."""
    if problem := "required" if not (name or "").strip() else bidi_problem(name):
        raise Invalid(_("The product type could not be saved."), {"name": problem})
    texts = {}
    for lang, given in (translations or {}).items():
        given_name = (given.get("name") or "").strip()
        if problem := bidi_problem(given_name):
            raise Invalid(_("The product type could not be saved."), {f"name_{lang}": problem})
        text = {"name": given_name, "description": (given.get("description") or "").strip()}
        if any(text.values()):
            texts[lang] = text
    product.name = name.strip()
    product.description = (description or "").strip()
    product.is_active = is_active
    if translations is not None:
        product.translations = texts
    db.session.flush()
    audit.record("catalog.update", product, user=actor, sku=product.sku)


def set_photo(product: ProductType, data: bytes, *, actor=None) -> None:
    """Store a validated, re-encoded photo; its URL changes so caches refresh."""
    try:
        encoded, mime = photos.reencode(data)
    except photos.PhotoError as exc:
        raise Invalid(
            _("The photo could not be used: %(why)s", why=str(exc)), {"photo": str(exc)}
        ) from None
    product.photo = encoded
    product.photo_mime = mime
    product.photo_version = (product.photo_version or 0) + 1
    db.session.flush()
    audit.record("catalog.photo", product, user=actor, sku=product.sku, bytes=len(encoded))
