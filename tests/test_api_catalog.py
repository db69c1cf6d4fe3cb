"""API: POST /product-types and PATCH /product-types/{sku} with versioned rules."""

from datetime import date

import sqlalchemy as sa

from atelier.catalog.models import ProductRule, ProductType
from atelier.catalog.rules import rule_on
from atelier.extensions import db as _db
from tests.conftest import bearer
from tests.refusals import api_error, row_counts

NEW = {
    "sku": "APRON",
    "name": "Kitchen apron",
    "price_cents": 2400,
    "price_currency": "EUR",
    "piece_rate_cents": 2000,
    "maker_share_bp": 2000,
}


def test_admin_creates_a_product_type(client, world):
    """201 with the SKU, the price and the wage rule."""
    response = client.post("/api/v1/product-types", json=NEW, headers=bearer(world.users["admin"]))
    assert response.status_code == 201, response.json
    assert response.json["sku"] == "APRON"
    assert response.json["price_cents"] == 2400 and response.json["maker_share_bp"] == 2000
    assert response.json["piece_rate_currency"] == "RON"


def test_a_taken_sku_is_a_conflict(client, world):
    """TOTE exists already: 409 naming the SKU; the existing product keeps its price."""
    before = row_counts(ProductType, ProductRule)
    response = client.post(
        "/api/v1/product-types", json={**NEW, "sku": "TOTE"}, headers=bearer(world.users["admin"])
    )
    assert "sku" in api_error(response, 409, "conflict")["fields"]
    assert row_counts(ProductType, ProductRule) == before
    rules = _db.session.scalars(
        sa.select(ProductRule).where(ProductRule.product_type_id == world.tote.id)
    ).all()
    assert rule_on(rules, date(2026, 6, 1)).price_cents == 1500


def test_bad_values_are_named(client, world):
    """A negative price, a share above 100 % and a float are each named; nothing is made."""
    headers = bearer(world.users["admin"])
    before = row_counts(ProductType)
    response = client.post(
        "/api/v1/product-types",
        headers=headers,
        json={**NEW, "price_cents": -5, "maker_share_bp": 12000},
    )
    assert {"price_cents", "maker_share_bp"} <= set(api_error(response, 400, "invalid")["fields"])
    floaty = client.post(
        "/api/v1/product-types", headers=headers, json={**NEW, "price_cents": 24.5}
    )
    assert "price_cents" in api_error(floaty, 400, "invalid")["fields"]
    assert row_counts(ProductType) == before


def test_a_change_from_a_date_keeps_the_old_values_before_it(client, world, db):
    """A price rise from 1 June: pieces made and sales in May still use 15.00."""
    response = client.patch(
        "/api/v1/product-types/TOTE",
        headers=bearer(world.users["admin"]),
        json={"price_cents": 1800, "effective_from": "2026-06-01"},
    )
    assert response.status_code == 200, response.json
    rules = db.session.scalars(
        sa.select(ProductRule).where(ProductRule.product_type_id == world.tote.id)
    ).all()
    assert rule_on(rules, date(2026, 5, 31)).price_cents == 1500
    june = rule_on(rules, date(2026, 6, 1))
    assert (june.price_cents, june.piece_rate_cents, june.maker_share_bp) == (1800, 1000, 2000)


def test_a_change_needs_a_date_and_a_value(client, world):
    """No effective_from, or nothing to change, is a 400."""
    headers = bearer(world.users["admin"])
    no_date = client.patch(
        "/api/v1/product-types/TOTE", headers=headers, json={"price_cents": 1800}
    )
    assert no_date.status_code == 400 and "effective_from" in no_date.json["error"]["fields"]
    before = row_counts(ProductRule)
    nothing = client.patch(
        "/api/v1/product-types/TOTE", headers=headers, json={"effective_from": "2026-06-01"}
    )
    api_error(nothing, 400, "invalid")
    assert row_counts(ProductRule) == before


def test_a_second_change_for_the_same_day_completes_the_first(client, world, db):
    """Price, then piece rate, both from 1 June: one June rule with both; May unchanged."""
    headers = bearer(world.users["admin"])
    for change in ({"price_cents": 1800}, {"piece_rate_cents": 1200}):
        response = client.patch(
            "/api/v1/product-types/TOTE",
            headers=headers,
            json={**change, "effective_from": "2026-06-01"},
        )
        assert response.status_code == 200, response.json
    rules = db.session.scalars(
        sa.select(ProductRule).where(ProductRule.product_type_id == world.tote.id)
    ).all()
    june = [r for r in rules if r.effective_from == date(2026, 6, 1)]
    assert [(r.price_cents, r.piece_rate_cents) for r in june] == [(1800, 1200)]
    may = rule_on(rules, date(2026, 5, 31))
    assert (may.price_cents, may.piece_rate_cents) == (1500, 1000)


def test_a_product_type_made_without_a_date_pays_pieces_made_before_it(client, world):
    """The contract's example has no effective_from: a piece made in March is still priced."""
    headers = bearer(world.users["admin"])
    created = client.post("/api/v1/product-types", headers=headers, json=NEW)
    assert created.status_code == 201, created.json
    logged = client.post(
        "/api/v1/production",
        headers=headers,
        json={
            "product_type": NEW["sku"],
            "beneficiary": world.elena.maker_code,
            "made_on": "2026-03-02",
            "quantity": 1,
            "qc": "passed",
        },
    )
    assert logged.status_code == 201, logged.json


def test_unknown_sku_is_404(client, world):
    """Changing a product that does not exist: 404, and no rule is added."""
    before = row_counts(ProductRule)
    response = client.patch(
        "/api/v1/product-types/NOPE",
        headers=bearer(world.users["admin"]),
        json={"price_cents": 1, "effective_from": "2026-06-01"},
    )
    api_error(response, 404, "not_found")
    assert row_counts(ProductRule) == before


def test_only_admins_change_the_catalogue(client, world):
    """A supervisor may not create product types."""
    before = row_counts(ProductType)
    response = client.post(
        "/api/v1/product-types", json=NEW, headers=bearer(world.users["supervisor"])
    )
    api_error(response, 403, "forbidden")
    assert row_counts(ProductType) == before


def test_a_product_priced_from_a_later_date_has_no_price_today(client, world):
    """Made with a rule from 2030: its history shows that rule, and today's four values are
    null (not missing, not another product's); a second rule is added to the history."""
    headers = bearer(world.users["admin"])
    created = client.post(
        "/api/v1/product-types", headers=headers, json={**NEW, "effective_from": "2030-01-01"}
    )
    assert created.status_code == 201, created.json
    today = {k: created.json[k] for k in ("price_cents", "price_currency", "piece_rate_cents")}
    assert today == dict.fromkeys(today) and created.json["maker_share_bp"] is None
    assert created.json["rules"] == [
        {
            "effective_from": "2030-01-01",
            "price_cents": 2400,
            "price_currency": "EUR",
            "piece_rate_cents": 2000,
            "maker_share_bp": 2000,
        }
    ]
    changed = client.patch(
        "/api/v1/product-types/APRON",
        headers=headers,
        json={"price_cents": 2600, "effective_from": "2031-01-01"},
    )
    assert [(r["effective_from"], r["price_cents"]) for r in changed.json["rules"]] == [
        ("2030-01-01", 2400),
        ("2031-01-01", 2600),
    ]
