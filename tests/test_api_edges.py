"""Bad input at the edges never gives a 500: integers past the database's range, huge path
ids, decimal overflow, months at the calendar's edge, odd Stripe events, over-long text.

Each refusal is a 400 (404 for a path id) in the contract's error shape, and nothing is kept.
"""

import json
import re

import pytest
import sqlalchemy as sa

from atelier.catalog.models import ProductRule, ProductType
from atelier.extensions import db
from atelier.org import services
from atelier.org.models import Programme, Site
from atelier.till.models import Sale
from atelier.wages.models import ExchangeRate, PayPeriod
from atelier.webshop.models import Order, StripeEvent
from atelier.workshops.models import Workshop, WorkshopSession
from tests import factories as f
from tests.conftest import bearer, sign_in
from tests.refusals import error_page
from tests.webshop_helpers import completed, deliver

INT4_MAX = 2**31 - 1
HUGE = 2**63


def _count(db, model) -> int:
    """Rows of a model."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused(response, status=400) -> dict:
    """The error body, after checking the status and the documented shape."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error


def _product(**overrides) -> dict:
    """A valid new product type body."""
    return {
        "sku": "APRON",
        "name": "Apron",
        "price_cents": 1500,
        "price_currency": "EUR",
        "piece_rate_cents": 1000,
        "maker_share_bp": 2000,
        **overrides,
    }


# --- 1. integers the database cannot hold ------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price_cents", HUGE),
        ("piece_rate_cents", HUGE),
        ("price_cents", 3_000_000_000),
        ("maker_share_bp", -HUGE),
        ("price_cents", INT4_MAX + 1),
    ],
)
def test_a_new_product_type_with_an_integer_too_large_is_400_naming_it(
    client, world, db, field, value
):
    """The coordinator's script sends 2^63 cents: 400 naming the field, no product made."""
    before = _count(db, ProductType), _count(db, ProductRule)
    response = client.post(
        "/api/v1/product-types",
        json=_product(**{field: value}),
        headers=bearer(world.users["admin"]),
    )
    assert field in _refused(response)["fields"]
    assert (_count(db, ProductType), _count(db, ProductRule)) == before


def test_the_largest_int4_amount_is_still_accepted(client, world):
    """The bound is the column's own: 2^31 - 1 cents is stored and read back."""
    response = client.post(
        "/api/v1/product-types",
        json=_product(price_cents=INT4_MAX),
        headers=bearer(world.users["admin"]),
    )
    assert response.status_code == 201, response.json
    assert response.json["price_cents"] == INT4_MAX


def test_a_rule_change_with_an_integer_too_large_is_400(client, world, db):
    """PATCH with a huge piece rate: 400 naming it, the rule history unchanged."""
    before = _count(db, ProductRule)
    response = client.patch(
        "/api/v1/product-types/TOTE",
        json={"piece_rate_cents": HUGE, "effective_from": "2026-03-01"},
        headers=bearer(world.users["admin"]),
    )
    assert "piece_rate_cents" in _refused(response)["fields"]
    assert _count(db, ProductRule) == before


def test_a_workshop_with_a_huge_stipend_is_400(client, world, db):
    """A stipend per hour of 2^63 is refused before it reaches the database."""
    before = _count(db, Workshop)
    response = client.post(
        "/api/v1/workshops",
        json={
            "title": "Sewing",
            "kind": "vocational",
            "site": "ORA",
            "programme": "STEP",
            "stipend_per_hour_cents": HUGE,
        },
        headers=bearer(world.users["supervisor"]),
    )
    assert "stipend_per_hour_cents" in _refused(response)["fields"]
    assert _count(db, Workshop) == before


def test_an_integer_nested_in_a_list_is_bounded_too(client, world, db):
    """A sale line's price of 2^63 names the line's field; no sale is recorded."""
    response = client.post(
        "/api/v1/sales",
        json={
            "shop": "AMS",
            "payment_method": "cash",
            "lines": [{"scan": world.item_shop.code, "price_cents": HUGE}],
        },
        headers=bearer(world.users["shop"]),
    )
    assert "lines.0.price_cents" in _refused(response)["fields"]
    assert _count(db, Sale) == 0


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"price": "30000000", "piece_rate": "10"}, "price"),
        ({"price": "15", "piece_rate": "99999999999999999999999"}, "piece_rate"),
    ],
)
def test_the_product_page_refuses_an_amount_too_large(client, world, db, form, field):
    """The coordinator types 30 million euros: the form says so, nothing is stored."""
    sign_in(client, world.users["admin"])
    before = _count(db, ProductType)
    response = client.post(
        "/admin/products",
        data={
            "sku": "APRON",
            "name": "Apron",
            "price_currency": "EUR",
            "maker_share": "20",
            "effective_from": "2026-01-01",
            **form,
        },
    )
    assert response.status_code == 400
    marked = re.findall(r'<div class="field has-error">(.*?)</div>', response.text, re.S)
    assert [f'name="{field}"' in block for block in marked] == [True]
    assert _count(db, ProductType) == before


def test_the_workshop_page_refuses_a_stipend_too_large(client, world, db):
    """A stipend of 999999999.99 per hour (fits the field's 12 characters) is refused."""
    sign_in(client, world.users["supervisor"])
    before = _count(db, Workshop)
    response = client.post(
        "/workshops",
        data={
            "title": "Sewing",
            "kind": "vocational",
            "site": "ORA",
            "programme": "STEP",
            "stipend": "999999999.99",
        },
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.text
    assert _count(db, Workshop) == before


# --- 2. path ids past the database's range -------------------------------------------------
def _int_routes(app):
    """(method, path) for every route with an ``<int:...>`` part, each filled with ``value``."""
    for rule in app.url_map.iter_rules():
        if (
            "int"
            not in {
                type(c).__name__.lower().removesuffix("converter")
                for c in rule._converters.values()
            }
            and "<int:" not in rule.rule
        ):
            continue
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield method, rule.rule


@pytest.mark.parametrize("value", ["99999999999999999999999", str(INT4_MAX + 1), "9" * 5000])
def test_every_path_id_past_the_database_range_is_404(app, client, world, value):
    """Pages and API calls with a huge id answer 404 (JSON on the API), never 500."""
    routes = list(_int_routes(app))
    assert len(routes) > 15
    sign_in(client, world.users["admin"])
    headers = bearer(world.users["admin"])
    failures = []
    for method, template in routes:
        path = re.sub(r"<int:\w+>", value, template)
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        response = client.open(path, method=method, headers=headers, json={})
        if response.status_code != 404:
            failures.append(f"{method} {template}: {response.status_code}")
        elif path.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "not_found"
    assert not failures, "\n".join(failures)


def test_the_largest_int4_id_is_an_ordinary_404(client, world):
    """2^31 - 1 is a possible id: the call runs and finds nothing."""
    response = client.post(
        f"/api/v1/workshops/{INT4_MAX}/sessions",
        json={"date": "2026-03-02", "hours": "3"},
        headers=bearer(world.users["admin"]),
    )
    assert _refused(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/atelier/production?saved=99999999999999999999", "/admin/audit?page=99999999999999999999"],
)
def test_a_huge_number_in_a_page_address_is_ignored(client, world, path):
    """A query-string number past the database's range falls back to the default: the page
    shows as usual."""
    sign_in(client, world.users["admin"])
    assert client.get(path).status_code == 200


# --- 3. decimals that overflow -------------------------------------------------------------
@pytest.mark.parametrize("hours", ["1e999999", "-1e999999", "1e-999999", "12.001", "13"])
def test_session_hours_out_of_range_are_400_naming_hours(client, world, db, hours):
    """A session of 1e999999 hours is refused, not an overflow; no session is added."""
    before = _count(db, WorkshopSession)
    response = client.post(
        f"/api/v1/workshops/{world.workshop.id}/sessions",
        json={"date": "2026-03-02", "hours": hours},
        headers=bearer(world.users["supervisor"]),
    )
    assert "hours" in _refused(response)["fields"]
    assert _count(db, WorkshopSession) == before


@pytest.mark.parametrize(
    "rate", ["1e999999", "1e20", "1000000", "0.0000001", "-1", "NaN", "Infinity", "0"]
)
def test_an_exchange_rate_out_of_range_is_400_and_not_stored(client, world, db, rate):
    """PUT refuses the rate naming its currency; the month's preview still works."""
    admin = bearer(world.users["admin"])
    response = client.put("/api/v1/exchange-rates/2026-03", json={"EUR": rate}, headers=admin)
    assert "EUR" in _refused(response)["fields"]
    assert _count(db, ExchangeRate) == 0
    assert client.get("/api/v1/pay-periods/2026-03", headers=admin).status_code == 200


@pytest.mark.parametrize("rate", ["999999.999999", "0.000001", "4.9770"])
def test_a_rate_within_six_digits_either_side_is_accepted(client, world, rate):
    """The largest and smallest rates allowed are stored as given."""
    response = client.put(
        "/api/v1/exchange-rates/2026-03", json={"EUR": rate}, headers=bearer(world.users["admin"])
    )
    assert response.status_code == 200, response.json
    assert response.json["exchange_rates"] == {"EUR": rate}


@pytest.mark.usefixtures("db")
def test_closing_with_a_rate_too_large_is_400_and_the_month_stays_open(client, world):
    """A sale in March and a rate of 1e20 at close: 400 naming it, nothing frozen."""
    f.make_sale(world.sites["AMS"], [world.item_shop], prices=[1500])
    admin = bearer(world.users["admin"])
    response = client.post(
        "/api/v1/pay-periods/2026-03/close", json={"exchange_rates": {"EUR": "1e20"}}, headers=admin
    )
    assert "EUR" in _refused(response)["fields"]
    period = client.get("/api/v1/pay-periods/2026-03", headers=admin)
    assert period.json["status"] == "open"
    assert period.json["missing_rates"] == ["EUR"]


def test_the_rates_page_refuses_an_overflowing_rate(client, world, db):
    """The coordinator types 1e999999 on the month's page: told why, nothing stored."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/admin/wages/2026-03/rates", data={"rate-EUR": "1e999999"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert _count(db, ExchangeRate) == 0
    assert client.get("/admin/wages/2026-03").status_code == 200


# --- 4. months at the calendar's edge -------------------------------------------------------
@pytest.mark.parametrize("period", ["9999-12", "0001-01", "1999-12", "3000-01", "0000-01"])
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "/pay-periods/{}", None),
        ("POST", "/pay-periods/{}/close", {}),
        ("PUT", "/exchange-rates/{}", {"EUR": "4.97"}),
    ],
)
def test_a_month_outside_2000_to_2999_is_400(client, world, db, period, method, suffix, body):
    """As a malformed month: 400 naming the period, no pay period row made."""
    response = client.open(
        "/api/v1" + suffix.format(period),
        method=method,
        json=body,
        headers=bearer(world.users["admin"]),
    )
    assert "period" in _refused(response)["fields"]
    assert _count(db, PayPeriod) == 0


@pytest.mark.parametrize(
    "path", ["/admin/wages/9999-12", "/admin/wages/0001-01", "/admin/wages/9999-12/summary.xlsx"]
)
def test_the_wages_pages_refuse_a_month_at_the_calendar_edge(client, world, path):
    """The coordinator's page for year 9999 is a 400 page, not a 500."""
    sign_in(client, world.users["admin"])
    error_page(client.get(path), 400)


def test_a_maker_asking_for_year_9999_gets_a_400_page(client, world):
    """Her payslip page with an edited address is refused plainly."""
    sign_in(client, world.users["beneficiary"])
    error_page(client.get("/me/payslips/9999-12"), 400)


# --- 5. signed Stripe events of odd shapes ----------------------------------------------------
def _odd(order, change) -> bytes:
    """A completed event for ``order``, then bent out of shape by ``change``."""
    event = json.loads(completed(order, event_id="evt_odd"))
    change(event)
    return json.dumps(event).encode()


ODD_SHAPES = {
    "session id a list": lambda e: e["data"]["object"].update(id=["cs_1", "cs_2"]),
    "metadata a string": lambda e: e["data"]["object"].update(metadata="order_id=1"),
    "order id a number": lambda e: e["data"]["object"]["metadata"].update(order_id=7),
    "payment intent an object": lambda e: e["data"]["object"].update(payment_intent={"a": 1}),
    "payment status a list": lambda e: e["data"]["object"].update(payment_status=["paid"]),
    "no data": lambda e: e.pop("data"),
    "object a list": lambda e: e["data"].update(object=[1]),
    "type a list": lambda e: e.update(type=["checkout.session.completed"]),
    "session id too long": lambda e: e["data"]["object"].update(id="cs_" + "x" * 300),
    "payment intent too long": lambda e: e["data"]["object"].update(payment_intent="p" * 300),
}


@pytest.mark.parametrize("change", ODD_SHAPES.values(), ids=ODD_SHAPES.keys())
def test_a_signed_event_of_an_odd_shape_is_400_and_not_recorded(client, world, db, change):
    """The order stays pending, its piece reserved, and the event is not marked processed:
    the well-formed event with the same id is applied afterwards."""
    order = f.make_order(world)
    response = deliver(client, _odd(order, change))
    assert _refused(response)["code"]
    assert _count(db, StripeEvent) == 0
    assert db.session.get(Order, order.id).status == "pending"
    assert _count(db, Sale) == 0
    fine = deliver(client, completed(order, event_id="evt_odd"))
    assert fine.status_code == 200, fine.json
    assert db.session.get(Order, order.id).status == "paid"


@pytest.mark.usefixtures("world", "db")
def test_an_event_we_do_not_act_on_may_have_any_object(client):
    """Stripe sends many event types; one we ignore is acknowledged whatever its object."""
    body = json.dumps(
        {
            "id": "evt_other",
            "type": "customer.created",
            "data": {"object": {"id": ["odd"], "metadata": "x"}},
        }
    ).encode()
    response = deliver(client, body)
    assert response.status_code == 200
    assert response.json["result"] == "ignored"


# --- 6. text longer than its column ---------------------------------------------------------
LONG = "x" * 500


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/v1/sites",
            {
                "code": "LNG",
                "name": LONG,
                "kind": "shop",
                "currency": "EUR",
                "timezone": "Europe/Amsterdam",
            },
            "name",
        ),
        (
            "/api/v1/sites",
            {
                "code": "LNG",
                "name": "Long",
                "kind": "shop",
                "currency": "EUR",
                "timezone": "Europe/Amsterdam",
                "city": LONG,
            },
            "city",
        ),
        (
            "/api/v1/sites",
            {
                "code": "L" * 17,
                "name": "Long",
                "kind": "shop",
                "currency": "EUR",
                "timezone": "Europe/Amsterdam",
            },
            "code",
        ),
        ("/api/v1/programmes", {"code": "LNG", "name": LONG}, "name"),
        (
            "/api/v1/users",
            {"username": LONG, "password": "correct horse battery", "role": "admin"},
            "username",
        ),
        ("/api/v1/product-types", _product(name=LONG), "name"),
        ("/api/v1/product-types", _product(sku="S" * 33), "sku"),
        (
            "/api/v1/workshops",
            {"title": LONG, "kind": "vocational", "site": "ORA", "programme": "STEP"},
            "title",
        ),
        (
            "/api/v1/beneficiaries",
            {"display_name": LONG, "site": "ORA", "programme": "STEP"},
            "display_name",
        ),
        ("/api/v1/returns", {"scan": "ORA-000001", "reason": LONG}, "reason"),
    ],
)
def test_text_longer_than_its_column_is_400_naming_the_field(client, world, db, url, body, field):
    """Refused by the request model on every database, before PostgreSQL would refuse it."""
    counts = [_count(db, m) for m in (Site, Programme, ProductType, Workshop)]
    response = client.post(url, json=body, headers=bearer(world.users["admin"]))
    assert field in _refused(response)["fields"]
    assert [_count(db, m) for m in (Site, Programme, ProductType, Workshop)] == counts


def _store_long_name(*_args, **_kwargs):
    """A use case that forgot a length check: it stores 500 characters in a String(120)."""
    db.session.add(Programme(code="LNG", name=LONG))
    db.session.flush()


@pytest.mark.postgres
def test_a_value_the_database_refuses_is_a_400_and_nothing_is_kept(client, world, db, monkeypatch):
    """The safety net: PostgreSQL's DataError becomes a 400 in the contract's shape."""
    monkeypatch.setattr(services, "create_programme", _store_long_name)
    before = _count(db, Programme)
    response = client.post(
        "/api/v1/programmes",
        json={"code": "LNG", "name": "Long"},
        headers=bearer(world.users["admin"]),
    )
    assert _refused(response)["code"] == "invalid"
    assert _count(db, Programme) == before


@pytest.mark.postgres
def test_a_page_whose_value_the_database_refuses_shows_a_400_page(client, world, db, monkeypatch):
    """The same safety net for pages: an error page with 400, nothing kept."""
    monkeypatch.setattr(services, "create_programme", _store_long_name)
    sign_in(client, world.users["admin"])
    before = _count(db, Programme)
    response = client.post("/admin/programmes", data={"code": "LNG", "name": "Long"})
    error_page(response, 400, "A value is too long or out of range.")
    assert _count(db, Programme) == before
