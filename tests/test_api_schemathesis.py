"""The whole API against its own OpenAPI document, with schemathesis (property-based).

Every operation gets bounded, derandomized examples generated from the document (valid
bodies and parameters, and invalid ones), sent to the test app through WSGI (no network)
with an admin's bearer token. It passes with 0 server errors and 0 schema violations: each
answer's status is documented for that operation, with the documented media type and a
body that matches the documented schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from atelier.api import ROUTES
from atelier.api.openapi import _path
from tests.conftest import bearer
from tests.factories import PASSWORD, make_item, sync_item_seq

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation and mode: the whole run stays well under a minute per engine


@pytest.fixture(scope="module")
def api_schema(app):
    """The document as schemathesis loads it from the app."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _cases():
    """(operation, mode): valid and invalid calls of each operation; an operation without a
    body or parameters has nothing to make invalid."""
    cases = []
    for route in sorted(ROUTES, key=lambda r: (r.rule, r.method)):
        name = f"{route.method} /api/v1{_path(route.rule)}"
        cases.append((name, GenerationMode.POSITIVE))
        if route.body is not None or route.query or "<" in route.rule:
            cases.append((name, GenerationMode.NEGATIVE))
    return cases


@pytest.mark.parametrize("name, mode", _cases())
def test_the_api_keeps_its_documented_contract(api_schema, world, name, mode):
    """0 server errors and 0 schema violations for this operation's generated calls."""
    method, path = name.split(" ", 1)
    operation = api_schema[path.removeprefix("/api/v1")][method]
    admin = world.users["admin"]
    headers = bearer(admin)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # revoking the current token must not end the run: that call gets its own token
        sent = bearer(admin) if name == "DELETE /api/v1/tokens/current" else headers
        case.call_and_validate(headers=sent, checks=CHECKS)

    run()


def test_each_main_resource_answers_as_documented(client, api_schema, world):
    """Successful calls of the main resources (generated data rarely gets that far) answer
    with the documented status and a body that matches the documented schema."""
    sync_item_seq(world.sites["ORA"])
    extra = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    admin, supervisor, shop = (bearer(world.users[r]) for r in ("admin", "supervisor", "shop"))

    def check(method, path, headers, status, url=None, **kwargs):
        response = client.open(url or f"/api/v1{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == status, (method, path, response.get_data(as_text=True))
        api_schema[path][method].validate_response(response)
        return response.get_json(silent=True)

    check("POST", "/sites", admin, 201, json={"code": "UTR", "name": "Utrecht", "kind": "shop",
          "currency": "EUR", "timezone": "Europe/Amsterdam"})  # fmt: skip
    check("POST", "/programmes", admin, 201, json={"code": "NEW", "name": "New start"})
    check("POST", "/users", admin, 201, json={"username": "shop-utr",
          "password": "a long passphrase 42", "role": "shop", "sites": ["UTR"]})  # fmt: skip
    person = check("POST", "/beneficiaries", supervisor, 201, json={"display_name": "Ana",
                   "site": "ORA", "programme": "STEP", "birth_year": 1990})  # fmt: skip
    check("GET", "/beneficiaries", supervisor, 200)
    workshop = check("POST", "/workshops", supervisor, 201, json={"title": "Aprons",
                     "kind": "vocational", "site": "ORA", "programme": "STEP",
                     "participants": [person["maker_code"]]})  # fmt: skip
    session = check(
        "POST",
        "/workshops/{workshop_id}/sessions",
        supervisor,
        201,
        url=f"/api/v1/workshops/{workshop['id']}/sessions",
        json={"date": "2026-03-02", "hours": "2.5"},
    )
    check(
        "PUT",
        "/sessions/{session_id}/attendance",
        supervisor,
        200,
        url=f"/api/v1/sessions/{session['id']}/attendance",
        json={"records": [{"beneficiary": person["maker_code"], "status": "present"}]},
    )
    made = check("POST", "/production", supervisor, 201, json={"beneficiary":
                 world.elena.maker_code, "product_type": "TOTE", "quantity": 2,
                 "made_on": "2026-03-02"})  # fmt: skip
    codes = [item["code"] for item in made["items"]]
    check("GET", "/items/{ref}", supervisor, 200, url=f"/api/v1/items/{codes[0]}")
    check("GET", "/items/{ref}", shop, 200, url=f"/api/v1/items/{extra.code}")
    check("POST", "/labels", supervisor, 200, json={"items": codes})
    shipment = check("POST", "/shipments", supervisor, 201,
                     json={"from": "ORA", "to": "AMS", "items": codes})  # fmt: skip
    check(
        "POST",
        "/shipments/{shipment_id}/receive",
        shop,
        200,
        url=f"/api/v1/shipments/{shipment['id']}/receive",
        json={"items": codes[:1]},
    )
    check("POST", "/sales", shop, 201, json={"shop": "AMS", "payment_method": "card",
          "lines": [{"scan": codes[0]}, {"scan": extra.code, "price_cents": 900,
          "discount_reason": "stain"}]})  # fmt: skip
    check("POST", "/returns", shop, 201, json={"scan": extra.code, "reason": "torn"})
    check("POST", "/product-types", admin, 201, json={"sku": "APRON", "name": "Apron",
          "price_cents": 2500, "price_currency": "EUR", "piece_rate_cents": 1200,
          "maker_share_bp": 1500})  # fmt: skip
    check(
        "PATCH",
        "/product-types/{sku}",
        admin,
        200,
        url="/api/v1/product-types/APRON",
        json={"price_cents": 2700, "effective_from": "2026-04-01"},
    )
    token = check("POST", "/tokens", {}, 201, json={"username":
                  world.users["beneficiary"].username, "password": PASSWORD})  # fmt: skip
    check("GET", "/me/earnings", {"Authorization": f"Bearer {token['token']}"}, 200)
    check("PUT", "/indicator-targets", admin, 200, json={"year": 2026, "targets":
          [{"key": "pieces_produced", "site": "ORA", "target": 40, "remarks": "x"}]})  # fmt: skip
    check("GET", "/indicators", supervisor, 200, url="/api/v1/indicators?year=2026")
    check("PUT", "/exchange-rates/{period}", admin, 200, url="/api/v1/exchange-rates/2026-03",
          json={"EUR": "4.9770"})  # fmt: skip
    check("GET", "/pay-periods/{period}", admin, 200, url="/api/v1/pay-periods/2026-03")
    check("POST", "/pay-periods/{period}/close", admin, 200,
          url="/api/v1/pay-periods/2026-03/close")  # fmt: skip
    check("PUT", "/shops/{code}/markdowns", admin, 200, url="/api/v1/shops/AMS/markdowns",
          json={"rules": [{"after_days": 56, "discount_bp": 2500}]})  # fmt: skip
    check("POST", "/requests", shop, 201,
          json={"shop": "AMS", "product_type": "TOTE", "quantity": 3})  # fmt: skip
    demand = check("GET", "/demand", supervisor, 200, url="/api/v1/demand?weeks=12")
    assert {(row["shop"], row["sold"], row["returned"]) for row in demand["rows"]} >= {
        ("AMS", 2, 1)
    }
    plan = check("GET", "/production-plan", supervisor, 200,
                 url="/api/v1/production-plan?site=ORA")  # fmt: skip
    assert {row["product_type"]: row["requested"] for row in plan["rows"]}["TOTE"] == 3
    layout = {"year": 2026, "pillars": [{"name": "Making", "rows": [
        {"key": "made", "label": "Pieces made", "source": "pieces_produced",
         "parts": [{"key": "ora", "label": "Oradea", "site": "ORA"}]},
        {"key": "hours", "label": "Hours", "source": {"measure": "hours", "site": "ORA"}},
        {"key": "referrals", "label": "Referrals"}]}]}  # fmt: skip
    check("PUT", "/indicator-definitions", admin, 200, json=layout)
    check("PUT", "/indicator-figures", admin, 200, json={"year": 2026,
          "figures": [{"row": "referrals", "target": 5, "result": 3}]})  # fmt: skip
    report = check("GET", "/reports/results", admin, 200,
                   url="/api/v1/reports/results?year=2026&compare=1")  # fmt: skip
    assert [line["row"] for line in report["pillars"][0]["rows"]] == [
        "made", "made", "hours", "referrals"
    ]  # fmt: skip
