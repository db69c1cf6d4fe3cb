"""The authorization matrix: every route in ``app.url_map`` against every role, from one table.

A route without a row fails ``test_every_route_has_a_row``. Each row says which roles may
use the route (admin always may); every other role must get 403, anonymous visitors a
redirect to sign-in (pages) or 401 (API). Rows marked ``scoped`` point at records of the
ORA atelier or the AMS shop: a supervisor or shop user of *another* site gets 403 or 404.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from atelier.demand.models import ShopRequest
from atelier.extensions import db
from atelier.wages.models import PayPeriod, Payslip, PayslipLine
from tests import factories
from tests.conftest import bearer, sign_in
from tests.factories import (
    PASSWORD,
    give_photo,
    make_beneficiary,
    make_entry,
    make_item,
    make_order,
    make_sale,
    make_shipment,
    make_user,
    make_web_item,
)

_SKUS = itertools.count(1)

PUBLIC = frozenset({"public"})
SIGNED_IN = frozenset({"supervisor", "shop", "beneficiary"})
ADMIN = frozenset()
SUP = frozenset({"supervisor"})
SHOP = frozenset({"shop"})
MAKER = frozenset({"beneficiary"})

ROLES = (
    "anonymous",
    "admin",
    "supervisor",
    "supervisor_other",
    "shop",
    "shop_other",
    "beneficiary",
    "beneficiary_other",
)


@dataclass(frozen=True)
class Row:
    """Who may use a route, and how to call it against the test world."""

    url: str | Callable
    roles: frozenset
    scoped: bool = False
    #: JSON body (or a function of the world giving one) for API writes
    body: dict | Callable | None = None
    #: form data for page POSTs
    form: dict | None = None
    methods: tuple[str, ...] = field(default=())


_TARGET_YEARS = itertools.count(2000)  # each call makes a new target, so no duplicate

MATRIX: dict[str, Row] = {
    # --- foundation ---------------------------------------------------------------------
    "static": Row("/static/css/app.css", PUBLIC),
    "health.healthz": Row("/healthz", PUBLIC),
    "health.readyz": Row("/readyz", PUBLIC),
    "auth.index": Row("/", PUBLIC),
    "auth.sign_in": Row("/sign-in", PUBLIC),
    "auth.sign_out": Row("/sign-out", SIGNED_IN),
    "auth.set_language": Row("/language", PUBLIC, form={"lang": "nl"}),
    "auth.supervisor_home": Row("/atelier", SUP),
    "auth.shop_home": Row("/shop", SHOP),
    "auth.maker_home": Row("/me", MAKER),
    "org.admin_home": Row("/admin/", ADMIN),
    "org.sites": Row("/admin/sites", ADMIN),
    "org.programmes": Row("/admin/programmes", ADMIN),
    "org.users": Row("/admin/users", ADMIN),
    "org.user": Row(lambda w: f"/admin/users/{w.users['shop'].id}", ADMIN),
    # a fresh account each call: disabling a world user would lock later rows out
    "org.disable_user": Row(lambda w: f"/admin/users/{_new_account(w).id}/disable", ADMIN),
    "org.enable_user": Row(lambda w: f"/admin/users/{_new_account(w).id}/enable", ADMIN),
    "org.user_sites": Row(
        lambda w: f"/admin/users/{_new_account(w).id}/sites", ADMIN, form={"sites": ["RTM"]}
    ),
    "org.reset_password": Row(
        lambda w: f"/admin/users/{_new_account(w).id}/password",
        ADMIN,
        form={"password": "another long password"},
    ),
    "org.audit_log": Row("/admin/audit", ADMIN),
    "api.create_token": Row(
        "/api/v1/tokens",
        PUBLIC,
        body=lambda w: {"username": w.users["admin"].username, "password": PASSWORD},
    ),
    "api.revoke_current_token": Row("/api/v1/tokens/current", SIGNED_IN),
    "api.openapi_document": Row("/api/v1/openapi.json", PUBLIC),
    "api.create_site": Row("/api/v1/sites", ADMIN),
    "api.create_programme": Row("/api/v1/programmes", ADMIN),
    "api.create_user": Row("/api/v1/users", ADMIN),
    # --- people and workshops -----------------------------------------------------------
    "people.index": Row("/people", SUP),
    "people.show": Row(lambda w: f"/people/{w.elena.id}", SUP, scoped=True),
    "people.edit": Row(lambda w: f"/people/{w.elena.id}/edit", SUP, scoped=True),
    "people.exit": Row(lambda w: f"/people/{_new_person(w).id}/exit", ADMIN),
    "people.anonymise": Row(lambda w: f"/people/{_new_person(w).id}/anonymise", ADMIN),
    "workshops.index": Row("/workshops", SUP),
    "workshops.today": Row("/roll", SUP),
    "workshops.show": Row(lambda w: f"/workshops/{w.workshop.id}", SUP, scoped=True),
    "workshops.create_session": Row(
        lambda w: f"/workshops/{w.workshop.id}/sessions",
        SUP,
        scoped=True,
        form={"held_on": "2026-03-09", "hours": "3"},
    ),
    "workshops.set_usual_hours": Row(
        lambda w: f"/workshops/{w.workshop.id}/usual-hours",
        SUP,
        scoped=True,
        form={"default_hours": "2.5"},
    ),
    "workshops.add_participants": Row(
        lambda w: f"/workshops/{w.workshop.id}/participants", SUP, scoped=True
    ),
    "workshops.remove_participant": Row(
        lambda w: f"/workshops/{w.workshop.id}/participants/{_new_member(w).id}/remove",
        SUP,
        scoped=True,
    ),
    "workshops.roll": Row(lambda w: f"/sessions/{w.session.id}/roll", SUP, scoped=True),
    "workshops.save_roll": Row(lambda w: f"/sessions/{w.session.id}/roll", SUP, scoped=True),
    "workshops.my_training": Row("/me/training", MAKER),
    "api.create_beneficiary": Row(
        "/api/v1/beneficiaries",
        SUP,
        scoped=True,
        body={"display_name": "Ana", "site": "ORA", "programme": "STEP"},
    ),
    "api.list_beneficiaries": Row("/api/v1/beneficiaries?site=ORA", SUP, scoped=True),
    "api.create_workshop": Row(
        "/api/v1/workshops",
        SUP,
        scoped=True,
        body={"title": "Sewing", "kind": "vocational", "site": "ORA", "programme": "STEP"},
    ),
    "api.create_session": Row(
        lambda w: f"/api/v1/workshops/{w.workshop.id}/sessions",
        SUP,
        scoped=True,
        body={"date": "2026-03-09", "hours": "3"},
    ),
    "api.put_attendance": Row(
        lambda w: f"/api/v1/sessions/{w.session.id}/attendance",
        SUP,
        scoped=True,
        body=lambda w: {"records": [{"beneficiary": w.elena.maker_code, "status": "present"}]},
    ),
    # --- catalogue, production and tags -------------------------------------------------
    "catalog.products": Row("/admin/products", ADMIN),
    "catalog.product": Row(lambda w: f"/admin/products/{w.tote.sku}", ADMIN),
    "catalog.product_rule": Row(lambda w: f"/admin/products/{w.tote.sku}/rules", ADMIN),
    "catalog.photo": Row(
        lambda w: f"/products/{give_photo(w.tote).sku}/photo-{w.tote.photo_version}.jpg", PUBLIC
    ),
    "production.production": Row("/atelier/production?site=ORA", SUP, scoped=True),
    "production.void_entry": Row(
        lambda w: f"/atelier/production/entries/{make_entry(w.elena, w.tote).id}/void",
        SUP,
        scoped=True,
    ),
    "production.labels_pdf": Row(
        lambda w: f"/atelier/labels.pdf?item={w.item_atelier.code}", SUP, scoped=True
    ),
    "production.find_item": Row("/items", SUP | SHOP),
    "production.item_page": Row(lambda w: f"/items/{w.item_shop.code}", SUP | SHOP, scoped=True),
    "production.story": Row(lambda w: f"/t/{w.item_shop.tag}", PUBLIC),
    "api.create_product_type": Row(
        "/api/v1/product-types",
        ADMIN,
        body=lambda _w: {
            "sku": f"NEW{next(_SKUS)}",
            "name": "Apron",
            "price_cents": 2500,
            "price_currency": "EUR",
            "piece_rate_cents": 1500,
            "maker_share_bp": 1500,
        },
    ),
    "api.change_product_type": Row(
        lambda w: f"/api/v1/product-types/{w.tote.sku}",
        ADMIN,
        body=lambda _w: {"price_cents": 1700, "effective_from": f"2030-01-{next(_SKUS):02d}"},
    ),
    "api.log_production": Row(
        "/api/v1/production",
        SUP,
        scoped=True,
        body=lambda w: {
            "beneficiary": w.elena.maker_code,
            "product_type": w.tote.sku,
            "quantity": 1,
        },
    ),
    "api.get_item": Row(lambda w: f"/api/v1/items/{w.item_shop.code}", SUP | SHOP, scoped=True),
    "api.print_labels": Row(
        "/api/v1/labels", SUP, scoped=True, body=lambda w: {"items": [w.item_atelier.code]}
    ),
    # --- shipments and the till ---------------------------------------------------------
    "stock.shipments": Row("/shipments", SUP | SHOP),
    "stock.new_shipment": Row("/shipments/new", SUP),
    "stock.shipment": Row(lambda w: f"/shipments/{_shipment(w).id}", SUP | SHOP, scoped=True),
    "stock.receive_scan": Row(lambda w: f"/shipments/{_shipment(w).id}/scan", SHOP, scoped=True),
    "stock.accept_all": Row(
        lambda w: f"/shipments/{_shipment(w).id}/accept-all", SHOP, scoped=True
    ),
    "stock.finish": Row(lambda w: f"/shipments/{_shipment(w).id}/finish", SHOP, scoped=True),
    "stock.packing": Row(
        lambda w: f"/shipments/{_shipment(w).id}/packing-list.pdf", SUP | SHOP, scoped=True
    ),
    "stock.shop_stock": Row("/stock", SHOP),
    "till.choose": Row("/till/", SHOP),
    "till.returns_choose": Row("/till/returns", SHOP),
    "till.till": Row("/till/AMS", SHOP, scoped=True),
    "till.scan": Row(lambda w: f"/till/AMS/scan?q={w.item_shop.code}", SHOP, scoped=True),
    "till.sell": Row("/till/AMS/sales", SHOP, scoped=True),
    "till.receipt": Row(lambda w: f"/till/AMS/receipts/{_sale(w).id}", SHOP, scoped=True),
    "till.take_return": Row("/till/AMS/returns", SHOP, scoped=True),
    "till.return_lookup_json": Row(
        lambda w: f"/till/AMS/returns/lookup?q={_sale(w).lines[0].item.code}", SHOP, scoped=True
    ),
    "api.create_shipment": Row(
        "/api/v1/shipments",
        SUP,
        scoped=True,
        body=lambda w: {"from": "ORA", "to": "AMS", "items": [_piece(w).code]},
    ),
    "api.receive_shipment": Row(
        lambda w: f"/api/v1/shipments/{_shipment(w).id}/receive", SHOP, scoped=True
    ),
    "api.create_sale": Row(
        "/api/v1/sales",
        SHOP,
        scoped=True,
        body=lambda w: {
            "shop": "AMS",
            "payment_method": "cash",
            "lines": [{"scan": _piece(w, "AMS", "in_shop").code}],
        },
    ),
    "api.create_return": Row(
        "/api/v1/returns",
        SHOP,
        scoped=True,
        body=lambda w: {
            "scan": _sale(w).lines[0].item.code,
            "reason": "wrong size",
            "restock": True,
        },
    ),
    # --- online shop --------------------------------------------------------------------
    "webshop.store": Row("/store", PUBLIC),
    "webshop.product": Row(lambda w: f"/store/p/{make_web_item(w).tag}", PUBLIC),
    "webshop.cart": Row("/store/cart", PUBLIC, form={"add": ""}),
    "webshop.checkout": Row("/store/checkout", PUBLIC, form={"email": "b@example.org"}),
    "webshop.thanks": Row(lambda w: f"/store/thanks?order={make_order(w).reference}", PUBLIC),
    "webshop.cancelled": Row(lambda w: f"/store/cancelled?order={make_order(w).reference}", PUBLIC),
    "webshop.orders": Row("/admin/orders", ADMIN),
    # no Stripe key in tests: an empty cart is refused before payment is needed (400)
    "api.checkout": Row("/api/v1/checkout", PUBLIC, body={"items": [], "email": "b@example.org"}),
    # unsigned: 400, and nothing happens
    "api.stripe_webhook": Row("/api/v1/stripe/webhook", PUBLIC),
    # --- wages --------------------------------------------------------------------------
    "wages.periods": Row("/admin/wages", ADMIN),
    "wages.period": Row("/admin/wages/2026-03", ADMIN),
    "wages.set_rates": Row("/admin/wages/2026-03/rates", ADMIN, form={"rate-EUR": "4.97"}),
    "wages.close": Row("/admin/wages/2026-03/close", ADMIN),
    "wages.bank_csv": Row(lambda w: _closed_march(w, "/bank-transfers.csv"), ADMIN),
    "wages.summary_xlsx": Row(lambda w: _closed_march(w, "/summary.xlsx"), ADMIN),
    "wages.payslip": Row(lambda w: _closed_march(w, f"/payslips/{w.elena.maker_code}"), ADMIN),
    "wages.payslip_pdf": Row(
        lambda w: _closed_march(w, f"/payslips/{w.elena.maker_code}/pdf"), ADMIN
    ),
    "payees.index": Row(
        "/admin/wages/payees",
        ADMIN,
        form={"maker_code": "NOPE", "account_holder": "E", "iban": "NL91ABNA0417164300"},
    ),
    "earnings.my_earnings": Row("/me/earnings", MAKER),
    "earnings.my_payslip": Row(
        lambda w: _closed_march(w, "").replace("/admin/wages/2026-03", "/me/payslips/2026-03"),
        MAKER,
    ),
    "earnings.my_payslip_pdf": Row(
        lambda w: _closed_march(w, "").replace("/admin/wages/2026-03", "/me/payslips/2026-03/pdf"),
        MAKER,
    ),
    "api.put_exchange_rates": Row("/api/v1/exchange-rates/2026-03", ADMIN, body={"EUR": "4.9770"}),
    "api.get_pay_period": Row("/api/v1/pay-periods/2026-03", ADMIN),
    "api.close_pay_period": Row(
        "/api/v1/pay-periods/2026-03/close", ADMIN, body={"exchange_rates": {"EUR": "4.9770"}}
    ),
    "api.my_earnings": Row("/api/v1/me/earnings", MAKER),
    "api.get_bank_transfers": Row(
        lambda w: (
            _closed_march(w, "").replace("/admin/wages/", "/api/v1/pay-periods/")
            + "/bank-transfers.csv?skip_missing=1"
        ),
        ADMIN,
    ),
    "api.put_payee": Row(
        lambda w: f"/api/v1/beneficiaries/{w.elena.maker_code}/payee",
        ADMIN,
        body={"account_holder": "Elena", "iban": "NL91ABNA0417164300"},
    ),
    # --- indicators ---------------------------------------------------------------------
    "indicators.dashboard": Row("/indicators?year=2026", SUP),
    "indicators.export_csv": Row("/indicators/export.csv?year=2026", SUP),
    "indicators.export_xlsx": Row("/indicators/export.xlsx?year=2026", SUP),
    "indicators.trace_page": Row(
        "/indicators/2026/vocational_participants?site=ORA", SUP, scoped=True
    ),
    "indicators.targets": Row(
        "/indicators/targets?year=2026",
        ADMIN,
        form={"year": "2026", "key": "pieces_sold", "site": "", "programme": "", "target": "3"},
    ),
    "indicators.delete_target": Row(
        lambda _w: "/indicators/targets/{}/delete".format(
            factories.make_target(next(_TARGET_YEARS), "pieces_produced", 1).id
        ),
        ADMIN,
    ),
    "api.put_indicator_targets": Row(
        "/api/v1/indicator-targets",
        ADMIN,
        body={"year": 2026, "targets": [{"key": "pieces_sold", "site": "ORA", "target": 4}]},
    ),
    "api.get_indicators": Row("/api/v1/indicators?year=2026", SUP),
    "api.get_indicators_csv": Row("/api/v1/indicators.csv?year=2026", SUP),
    "api.get_indicators_xlsx": Row("/api/v1/indicators.xlsx?year=2026", SUP),
    # --- the annual Results report ------------------------------------------------------
    "api.put_indicator_definitions": Row(
        "/api/v1/indicator-definitions",
        ADMIN,
        body={"year": 2026, "pillars": [{"name": "P", "rows": [{"key": "a", "label": "A"}]}]},
    ),
    "api.put_indicator_figures": Row(
        "/api/v1/indicator-figures", ADMIN, body={"year": 2026, "figures": []}
    ),
    "api.get_results_report": Row("/api/v1/reports/results?year=2026", SUP),
    "api.get_results_pdf": Row("/api/v1/reports/results.pdf?year=2026", SUP),
    "api.get_results_docx": Row("/api/v1/reports/results.docx?year=2026", SUP),
    "api.get_results_xlsx": Row("/api/v1/reports/results.xlsx?year=2026", SUP),
    "reports.results": Row("/reports/results?year=2026", SUP),
    "reports.save_figures": Row(
        "/reports/results/2026/figures", ADMIN, form={"row": "a", "target": "3"}
    ),
    "reports.trace_page": Row("/reports/results/2026/trace/a", SUP),
    "reports.download": Row("/reports/results.pdf?year=2026", SUP),
    "reports.layout": Row(
        "/reports/layout?year=2026",
        ADMIN,
        form={"action": "add-pillar", "p-0-name": "Pillar 1"},
    ),
    # --- demand ---------------------------------------------------------------------------
    # supervisors read every shop's demand; shop staff their own (another shop: 403, in
    # test_api_demand.py)
    "api.get_demand": Row("/api/v1/demand", SUP | SHOP),
    "api.create_request": Row(
        "/api/v1/requests",
        SHOP,
        scoped=True,
        body=lambda w: {"shop": "AMS", "product_type": w.tote.sku, "quantity": 2},
    ),
    "api.list_requests": Row("/api/v1/requests", SUP | SHOP, methods=("GET",)),
    "api.decide_request": Row(
        lambda w: f"/api/v1/requests/{_shop_request(w).id}", SUP, body={"status": "planned"}
    ),
    "api.get_production_plan": Row("/api/v1/production-plan?site=ORA", SUP, scoped=True),
    "demand.page": Row("/demand?weeks=4", SUP),
    "demand.export_csv": Row("/demand/export.csv", SUP),
    "demand.export_xlsx": Row("/demand/export.xlsx", SUP),
    "demand.shop_page": Row("/demand/shop", SHOP),
    "demand.requests": Row("/requests", SUP | SHOP),
    "demand.ask": Row("/requests/new", SHOP),
    "demand.decide": Row(
        lambda w: f"/requests/{_shop_request(w).id}/status", SUP, form={"status": "planned"}
    ),
    "demand.request_photo": Row(
        lambda w: f"/requests/{_shop_request(w).id}/photo", SUP | SHOP, scoped=True
    ),
    "demand.plan": Row("/atelier/plan?site=ORA", SUP, scoped=True),
    "api.put_markdowns": Row(
        "/api/v1/shops/AMS/markdowns",
        ADMIN,
        body={"rules": [{"after_days": 56, "discount_bp": 2500}]},
    ),
    "demand.markdowns": Row(
        "/markdowns?shop=AMS", ADMIN, form={"after_days": ["56"], "percent": ["25"]}
    ),
}


# --- demand: helpers -----------------------------------------------------------------------
def _shop_request(w):
    """A fresh open request of AMS for totes (deciding it changes it for good)."""
    request = ShopRequest(
        shop_id=w.sites["AMS"].id, product_type_id=w.tote.id, quantity=2, status="open", note=""
    )
    db.session.add(request)
    db.session.commit()
    return request


# --- accounts: helpers ---------------------------------------------------------------------
def _new_account(w):
    """A fresh AMS shop account (disabling or resetting changes it for good)."""
    return make_user("shop", sites=[w.sites["AMS"]])


# --- people and workshops: helpers for rows that change what they point at ---------------
def _new_person(w):
    """A fresh ORA person (exit and anonymise change her for good)."""
    return make_beneficiary(w.sites["ORA"], w.programmes["STEP"])


def _new_member(w):
    """A fresh ORA person in the world's workshop (removing her changes the workshop)."""
    person = _new_person(w)
    w.workshop.participants.append(person)
    return person


# --- wages: helpers ----------------------------------------------------------------------
def _closed_march(world, suffix: str) -> str:
    """(wages) March 2026 closed with a payslip for Elena; the URL of ``suffix`` in it."""
    if db.session.scalar(sa.select(PayPeriod).where(PayPeriod.period == "2026-03")) is None:
        period = PayPeriod(period="2026-03", status="closed", currency="RON")
        slip = Payslip(
            pay_period=period, beneficiary_id=world.elena.id, currency="RON", total_cents=1000
        )
        slip.lines.append(
            PayslipLine(
                kind="piece",
                description="piece",
                amount_cents=1000,
                source_type="item",
                source_id=world.item_atelier.id,
            )
        )
        db.session.add(period)
        db.session.commit()
    return f"/admin/wages/2026-03{suffix}"


# --- till: helpers -----------------------------------------------------------------------
def _piece(w, at="ORA", status="in_atelier"):
    """A fresh piece by Elena, at ``at`` in ``status`` (till rows)."""
    return make_item(w.tote, w.elena, site=w.sites[at], status=status)


def _shipment(w):
    """A fresh ORA → AMS shipment in transit (till rows)."""
    return make_shipment(w.sites["ORA"], w.sites["AMS"], [_piece(w)])


def _sale(w):
    """A fresh till sale at AMS (till rows)."""
    return make_sale(w.sites["AMS"], [_piece(w, "AMS", "in_shop")])


def _expected(row: Row, role: str, is_api: bool) -> Callable[[int, str], bool]:
    """A check of the status (and redirect) a role must get."""
    base = role.removesuffix("_other")
    if row.roles == PUBLIC:
        return lambda status, _location: status < 500 and status not in (401, 403)
    if role == "anonymous":
        if is_api:
            return lambda status, _location: status == 401
        return lambda status, location: status == 302 and "/sign-in" in location
    if base == "admin" or base in row.roles:
        if row.scoped and role.endswith("_other") and base in ("supervisor", "shop"):
            return lambda status, _location: status in (403, 404)
        return lambda status, _location: status < 500 and status not in (401, 403)
    return lambda status, _location: status == 403


def _call(client, world, row: Row, method: str, role: str):
    """Make the request as ``role``; returns the response."""
    url = row.url(world) if callable(row.url) else row.url
    is_api = url.startswith("/api/")
    headers = {}
    if role != "anonymous":
        user = world.users[role]
        if is_api:
            headers = bearer(user)
        else:
            sign_in(client, user)
    kwargs = {"headers": headers}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        if is_api:
            body = row.body(world) if callable(row.body) else row.body
            kwargs["json"] = body if body is not None else {}
        else:
            kwargs["data"] = row.form or {}
    return client.open(url, method=method, **kwargs), is_api


def test_every_route_has_a_row(app):
    """A new route must be added to the table, and the table holds no stale rows."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    stale = sorted(MATRIX.keys() - endpoints)
    assert not missing, f"routes without a row in the authorization matrix: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_authorization_matrix(app, world):
    """Every route, every method, every role: allowed roles get through, others are refused."""
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        row = MATRIX.get(rule.endpoint)
        if row is None:
            continue
        methods = row.methods or tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for method in methods:
            for role in ROLES:
                client = app.test_client()
                response, is_api = _call(client, world, row, method, role)
                check = _expected(row, role, is_api)
                location = response.headers.get("Location", "")
                response.close()
                if not check(response.status_code, location):
                    failures.append(f"{method} {rule.rule} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
