"""Markdowns: a shop's rules lower the price of pieces long on its shelf, at the till, in
GET /items and on the sale line, and the maker's share follows the price paid."""

from datetime import timedelta

import sqlalchemy as sa

from atelier.db import utcnow
from atelier.demand import markdowns
from atelier.extensions import db as _db
from atelier.till.models import SaleLine
from atelier.timeutil import local_date, start_of_day_utc
from tests.conftest import bearer
from tests.demand_history import received
from tests.factories import make_item
from tests.refusals import api_error

RULES = {
    "rules": [{"after_days": 56, "discount_bp": 2500}, {"after_days": 112, "discount_bp": 5000}]
}


def _on_shelf(world, days: int, shop="AMS"):
    """A tote in ``shop`` received at local noon ``days`` days ago."""
    site = world.sites[shop]
    piece = make_item(world.tote, world.elena, site=site, status="in_shop")
    today = local_date(utcnow(), site.timezone)
    received(
        piece,
        site,
        start_of_day_utc(today - timedelta(days=days), site.timezone) + timedelta(hours=12),
    )
    _db.session.commit()
    return piece


def _set_rules(client, world, body=RULES, shop="AMS"):
    return client.put(
        f"/api/v1/shops/{shop}/markdowns", json=body, headers=bearer(world.users["admin"])
    )


def test_the_price_changes_at_exactly_after_days(client, world):
    """55 days on the shelf: list price; 56: -25 %; 112: -50 % (the largest reached)."""
    response = _set_rules(client, world)
    assert response.status_code == 200
    assert response.get_json() == {"shop": "AMS", **RULES}  # the steps now in force
    shop = world.sites["AMS"]
    piece = _on_shelf(world, 0)
    receipt = start_of_day_utc(local_date(utcnow(), shop.timezone), shop.timezone)
    for days, price in ((55, 1500), (56, 1125), (111, 1125), (112, 750)):
        # noon, local days later
        now = receipt + timedelta(days=days, hours=12)
        found = markdowns.discounts(shop, [piece.id], now).get(piece.id)
        assert markdowns.price_in_shop(1500, found).price_cents == price, days


def test_get_item_shows_the_markdown_beside_the_list_price(client, world):
    """GET /items: price_cents is the marked-down price, list_price_cents the tag's."""
    _set_rules(client, world)
    old, fresh = _on_shelf(world, 60), _on_shelf(world, 3)
    headers = bearer(world.users["shop"])
    body = client.get(f"/api/v1/items/{old.code}", headers=headers).get_json()
    assert (body["price_cents"], body["list_price_cents"], body["price_reason"]) == (
        1125,
        1500,
        "markdown",
    )
    body = client.get(f"/api/v1/items/{fresh.code}", headers=headers).get_json()
    assert (body["price_cents"], body["list_price_cents"], body["price_reason"]) == (1500, 1500, "")


def test_the_rules_apply_to_their_shop_only(client, world):
    """AMS marks down; a piece as old in RTM keeps its list price at RTM's till."""
    _set_rules(client, world)
    piece = _on_shelf(world, 120, shop="RTM")
    response = client.post(
        "/api/v1/sales",
        json={"shop": "RTM", "payment_method": "card", "lines": [{"scan": piece.code}]},
        headers=bearer(world.users["shop_other"]),
    )
    assert response.status_code == 201
    assert response.get_json()["total_cents"] == 1500


def test_the_till_sells_at_the_markdown_and_the_makers_share_follows(client, world):
    """No price given: the line records 1125 paid, 1500 list, reason markdown; the maker's
    sales share is 20 % of 1125 (at 5 RON per EUR: 1125 bani), not of 1500; and clearing
    the rules afterwards changes nothing of that sale."""
    _set_rules(client, world)
    piece = _on_shelf(world, 60)
    response = client.post(
        "/api/v1/sales",
        json={"shop": "AMS", "payment_method": "cash", "lines": [{"scan": piece.code}]},
        headers=bearer(world.users["shop"]),
    )
    assert response.status_code == 201
    assert response.get_json()["total_cents"] == 1125
    assert response.get_json()["lines"][0]["list_price_cents"] == 1500
    line = _db.session.scalar(sa.select(SaleLine).where(SaleLine.item_id == piece.id))
    assert (line.price_cents, line.list_price_cents, line.discount_reason) == (
        1125,
        1500,
        "markdown",
    )
    assert _set_rules(client, world, {"rules": []}).status_code == 200
    period = utcnow().strftime("%Y-%m")
    admin = bearer(world.users["admin"])
    rates = client.put(f"/api/v1/exchange-rates/{period}", json={"EUR": "5"}, headers=admin)
    assert rates.status_code == 200
    slips = client.get(f"/api/v1/pay-periods/{period}", headers=admin).get_json()["payslips"]
    shares = [
        line["amount_cents"]
        for slip in slips
        for line in slip["lines"]
        if line["kind"] == "sales_share"
    ]
    assert shares == [1125]
    line = _db.session.scalar(sa.select(SaleLine).where(SaleLine.item_id == piece.id))
    assert line.price_cents == 1125


def test_a_cashier_can_still_lower_a_marked_down_price_with_a_reason(client, world):
    """The till page sends the price it showed: the markdown price without a reason sells
    as a markdown; a lower one needs a reason of its own."""
    _set_rules(client, world)
    a, b = _on_shelf(world, 60), _on_shelf(world, 60)
    response = client.post(
        "/api/v1/sales",
        json={
            "shop": "AMS",
            "payment_method": "cash",
            "lines": [
                {"scan": a.code, "price_cents": 1125},
                {"scan": b.code, "price_cents": 1000, "discount_reason": "stain"},
            ],
        },
        headers=bearer(world.users["shop"]),
    )
    assert response.status_code == 201
    lines = _db.session.scalars(sa.select(SaleLine).order_by(SaleLine.item_id)).all()
    assert [(x.price_cents, x.discount_reason) for x in lines] == [
        (1125, "markdown"),
        (1000, "stain"),
    ]


def test_bad_rules_are_refused_and_change_nothing(client, world):
    """discount_bp 0 or 10000, negative days, unknown fields: 400 naming the field; the
    rules in force stay; shop staff may not set rules (403)."""
    _set_rules(client, world)
    for bad, field in (
        ({"rules": [{"after_days": 10, "discount_bp": 0}]}, "rules.0.discount_bp"),
        ({"rules": [{"after_days": 10, "discount_bp": 10000}]}, "rules.0.discount_bp"),
        ({"rules": [{"after_days": -1, "discount_bp": 100}]}, "rules.0.after_days"),
        (
            {
                "rules": [
                    {"after_days": 5, "discount_bp": 100},
                    {"after_days": 5, "discount_bp": 200},
                ]
            },
            "rules.1.after_days",
        ),
    ):
        response = _set_rules(client, world, bad)
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["code"] == "invalid"
        assert field in response.get_json()["error"]["fields"], response.get_json()
    refused = client.put(
        "/api/v1/shops/AMS/markdowns", json={"rules": []}, headers=bearer(world.users["shop"])
    )
    api_error(refused, 403, "forbidden")
    assert [(r.after_days, r.discount_bp) for r in markdowns.shop_rules(world.sites["AMS"])] == [
        (56, 2500),
        (112, 5000),
    ]


def test_markdowns_are_for_shops_only(client, world):
    """The webshop has no rail: setting markdowns for it is a 404, nothing stored."""
    response = _set_rules(client, world, shop="WEB")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert markdowns.shop_rules(world.sites["WEB"]) == []
