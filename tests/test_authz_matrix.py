"""The authorization matrix: every route in ``app.url_map`` against every role, from one table.

A route without a row fails ``test_every_route_has_a_row``. Each row says which roles may
use the route (admin always may); every other role must get 403, anonymous visitors a
redirect to sign-in (pages) or 401 (API). Rows marked ``scoped`` point at records of the
ORA atelier or the AMS shop: a supervisor or shop user of *another* site gets 403 or 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import bearer, sign_in
from tests.factories import PASSWORD

PUBLIC = frozenset({"public"})
SIGNED_IN = frozenset({"supervisor", "shop", "beneficiary"})
ADMIN = frozenset()
SUP = frozenset({"supervisor"})
SHOP = frozenset({"shop"})
MAKER = frozenset({"beneficiary"})

ROLES = ("anonymous", "admin", "supervisor", "supervisor_other", "shop", "shop_other",
         "beneficiary", "beneficiary_other")


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


MATRIX: dict[str, Row] = {
    # --- foundation ---------------------------------------------------------------------
    "static": Row("/static/css/app.css", PUBLIC),
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
    "org.audit_log": Row("/admin/audit", ADMIN),
    "api.create_token": Row("/api/v1/tokens", PUBLIC, body=lambda w: {
        "username": w.users["admin"].username, "password": PASSWORD}),
    "api.revoke_current_token": Row("/api/v1/tokens/current", SIGNED_IN),
    "api.openapi_document": Row("/api/v1/openapi.json", PUBLIC),
    "api.create_site": Row("/api/v1/sites", ADMIN),
    "api.create_programme": Row("/api/v1/programmes", ADMIN),
    "api.create_user": Row("/api/v1/users", ADMIN),
    # --- people and workshops -----------------------------------------------------------
    # --- catalogue, production and tags -------------------------------------------------
    # --- shipments and the till ---------------------------------------------------------
    # --- online shop --------------------------------------------------------------------
    # --- wages --------------------------------------------------------------------------
    "wages.periods": Row("/admin/wages", ADMIN),
    "wages.period": Row("/admin/wages/2026-03", ADMIN),
    "wages.set_rates": Row("/admin/wages/2026-03/rates", ADMIN, form={"rate-EUR": "4.97"}),
    "wages.close": Row("/admin/wages/2026-03/close", ADMIN),
    "wages.bank_csv": Row(lambda w: _closed_march(w, "/bank-transfers.csv"), ADMIN),
    "wages.summary_xlsx": Row(lambda w: _closed_march(w, "/summary.xlsx"), ADMIN),
    "wages.payslip": Row(lambda w: _closed_march(w, f"/payslips/{w.elena.maker_code}"), ADMIN),
    "wages.payslip_pdf": Row(lambda w: _closed_march(w, f"/payslips/{w.elena.maker_code}/pdf"),
                             ADMIN),
    "wages.payees": Row("/admin/wages/payees", ADMIN, form={
        "maker_code": "NOPE", "account_holder": "E", "iban": "NL91ABNA0417164300"}),
    "wages.my_earnings": Row("/me/earnings", MAKER),
    "wages.my_payslip": Row(lambda w: _closed_march(w, "").replace(
        "/admin/wages/2026-03", "/me/payslips/2026-03"), MAKER),
    "wages.my_payslip_pdf": Row(lambda w: _closed_march(w, "").replace(
        "/admin/wages/2026-03", "/me/payslips/2026-03/pdf"), MAKER),
    "api.put_exchange_rates": Row("/api/v1/exchange-rates/2026-03", ADMIN,
                                  body={"EUR": "4.9770"}),
    "api.get_pay_period": Row("/api/v1/pay-periods/2026-03", ADMIN),
    "api.close_pay_period": Row("/api/v1/pay-periods/2026-03/close", ADMIN,
                                body={"exchange_rates": {"EUR": "4.9770"}}),
    "api.my_earnings": Row("/api/v1/me/earnings", MAKER),
    # --- indicators ---------------------------------------------------------------------
}


def _closed_march(world, suffix: str) -> str:
    """(wages) March 2026 closed with a payslip for Elena; the URL of ``suffix`` in it."""
    import sqlalchemy as sa

    from atelier.extensions import db
    from atelier.wages.models import PayPeriod, Payslip, PayslipLine

    if db.session.scalar(sa.select(PayPeriod).where(PayPeriod.period == "2026-03")) is None:
        period = PayPeriod(period="2026-03", status="closed", currency="RON")
        slip = Payslip(pay_period=period, beneficiary_id=world.elena.id, currency="RON",
                       total_cents=1000)
        slip.lines.append(PayslipLine(kind="piece", description="piece", amount_cents=1000,
                                      source_type="item", source_id=world.item_atelier.id))
        db.session.add(period)
        db.session.commit()
    return f"/admin/wages/2026-03{suffix}"


def _expected(row: Row, role: str, is_api: bool) -> Callable[[int, str], bool]:
    """A check of the status (and redirect) a role must get."""
    base = role.removesuffix("_other")
    if row.roles == PUBLIC:
        return lambda status, location: status < 500 and status not in (401, 403)
    if role == "anonymous":
        if is_api:
            return lambda status, location: status == 401
        return lambda status, location: status == 302 and "/sign-in" in location
    if base == "admin" or base in row.roles:
        if row.scoped and role.endswith("_other") and base in ("supervisor", "shop"):
            return lambda status, location: status in (403, 404)
        return lambda status, location: status < 500 and status not in (401, 403)
    return lambda status, location: status == 403


def _call(client, world, endpoint: str, row: Row, method: str, role: str):
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
                response, is_api = _call(client, world, rule.endpoint, row, method, role)
                check = _expected(row, role, is_api)
                location = response.headers.get("Location", "")
                response.close()
                if not check(response.status_code, location):
                    failures.append(f"{method} {rule.rule} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
