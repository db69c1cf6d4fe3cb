"""Shop requests: shop staff ask, supervisors decide, each sees what the API promises."""

from atelier.demand.models import ShopRequest
from atelier.extensions import db as _db
from tests.conftest import bearer
from tests.refusals import api_error


def _ask(client, user, **overrides):
    body = {"shop": "AMS", "product_type": "TOTE", "quantity": 12, "note": "spring colours"}
    return client.post("/api/v1/requests", json={**body, **overrides}, headers=bearer(user))


def test_a_shop_asks_and_the_supervisor_plans_it(client, world):
    """201 open; the supervisor lists it and marks it planned; the shop sees planned."""
    response = _ask(client, world.users["shop"])
    assert response.status_code == 201
    made = response.get_json()
    assert {k: made[k] for k in ("shop", "product_type", "quantity", "status")} == {
        "shop": "AMS",
        "product_type": "TOTE",
        "quantity": 12,
        "status": "open",
    }
    supervisor = bearer(world.users["supervisor"])
    listed = client.get("/api/v1/requests?status=open", headers=supervisor).get_json()
    assert [r["id"] for r in listed] == [made["id"]]
    decided = client.patch(
        f"/api/v1/requests/{made['id']}", json={"status": "planned"}, headers=supervisor
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "planned"
    seen = client.get("/api/v1/requests", headers=bearer(world.users["shop"])).get_json()
    assert [r["status"] for r in seen] == ["planned"]


def test_shop_staff_ask_and_see_only_for_their_shop(client, world):
    """RTM staff asking for AMS: 403 and nothing recorded; they do not see AMS's requests."""
    _ask(client, world.users["shop"])
    refused = _ask(client, world.users["shop_other"])
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert _db.session.query(ShopRequest).count() == 1
    assert (
        client.get("/api/v1/requests", headers=bearer(world.users["shop_other"])).get_json() == []
    )


def test_bad_requests_are_refused(client, world):
    """Quantity 0 or 501, an unknown product, an unknown field: 400 naming it; nothing kept."""
    for overrides, field in (
        ({"quantity": 0}, "quantity"),
        ({"quantity": 501}, "quantity"),
        ({"product_type": "NOPE"}, "product_type"),
        ({"colour": "red"}, "colour"),
    ):
        response = _ask(client, world.users["shop"], **overrides)
        assert response.status_code == 400, overrides
        assert field in response.get_json()["error"]["fields"]
    assert _db.session.query(ShopRequest).count() == 0


def test_a_decided_request_cannot_be_reopened_or_decided_twice(client, world):
    """done → planned is a 409 and the status stays done; shop staff may not decide (403)."""
    made = _ask(client, world.users["shop"]).get_json()
    supervisor = bearer(world.users["supervisor"])
    url = f"/api/v1/requests/{made['id']}"
    assert client.patch(url, json={"status": "done"}, headers=supervisor).status_code == 200
    again = client.patch(url, json={"status": "planned"}, headers=supervisor)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    shop = client.patch(url, json={"status": "declined"}, headers=bearer(world.users["shop"]))
    api_error(shop, 403, "forbidden")
    assert _db.session.get(ShopRequest, made["id"]).status == "done"
