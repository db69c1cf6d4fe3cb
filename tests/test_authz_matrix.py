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
    "stock.shipments": Row("/shipments", SUP | SHOP),
    "stock.new_shipment": Row("/shipments/new", SUP),
    "stock.shipment": Row(lambda w: f"/shipments/{_shipment(w).id}", SUP | SHOP, scoped=True),
    "stock.receive_scan": Row(lambda w: f"/shipments/{_shipment(w).id}/scan", SHOP,
                              scoped=True),
    "stock.accept_all": Row(lambda w: f"/shipments/{_shipment(w).id}/accept-all", SHOP,
                            scoped=True),
    "stock.finish": Row(lambda w: f"/shipments/{_shipment(w).id}/finish", SHOP, scoped=True),
    "stock.packing": Row(lambda w: f"/shipments/{_shipment(w).id}/packing-list.pdf",
                         SUP | SHOP, scoped=True),
    "stock.shop_stock": Row("/stock", SHOP),
    "till.choose": Row("/till/", SHOP),
    "till.returns_choose": Row("/till/returns", SHOP),
    "till.till": Row("/till/AMS", SHOP, scoped=True),
    "till.scan": Row(lambda w: f"/till/AMS/scan?q={w.item_shop.code}", SHOP, scoped=True),
    "till.sell": Row("/till/AMS/sales", SHOP, scoped=True),
    "till.receipt": Row(lambda w: f"/till/AMS/receipts/{_sale(w).id}", SHOP, scoped=True),
    "till.take_return": Row("/till/AMS/returns", SHOP, scoped=True),
    "till.photo": Row(lambda w: f"/till/photos/{w.tote.id}", SUP | SHOP),
    "api.create_shipment": Row("/api/v1/shipments", SUP, scoped=True, body=lambda w: {
        "from": "ORA", "to": "AMS", "items": [_piece(w).code]}),
    "api.receive_shipment": Row(lambda w: f"/api/v1/shipments/{_shipment(w).id}/receive", SHOP,
                                scoped=True),
    "api.create_sale": Row("/api/v1/sales", SHOP, scoped=True, body=lambda w: {
        "shop": "AMS", "payment_method": "cash",
        "lines": [{"scan": _piece(w, "AMS", "in_shop").code}]}),
    "api.create_return": Row("/api/v1/returns", SHOP, scoped=True, body=lambda w: {
        "scan": _sale(w).lines[0].item.code, "reason": "wrong size", "restock": True}),
    # --- online shop --------------------------------------------------------------------
    # --- wages --------------------------------------------------------------------------
    # --- indicators ---------------------------------------------------------------------
}


def _piece(w, at="ORA", status="in_atelier"):
    """A fresh piece by Elena, at ``at`` in ``status`` (till rows)."""
    from tests.factories import make_item

    return make_item(w.tote, w.elena, site=w.sites[at], status=status)


def _shipment(w):
    """A fresh ORA → AMS shipment in transit (till rows)."""
    from tests.factories import make_shipment

    return make_shipment(w.sites["ORA"], w.sites["AMS"], [_piece(w)])


def _sale(w):
    """A fresh till sale at AMS (till rows)."""
    from tests.factories import make_sale

    return make_sale(w.sites["AMS"], [_piece(w, "AMS", "in_shop")])


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
