"""The API's front door: tokens, bearer auth, throttling and the error shape."""

from datetime import timedelta

import pytest
from flask_login import user_loaded_from_request

from atelier.audit import AuditEntry
from atelier.auth.bearer import BearerUser
from atelier.auth.models import ApiToken
from atelier.auth.services import user_for_token
from atelier.db import utcnow
from atelier.org.models import Programme
from atelier.till.models import Sale, SaleLine
from tests.conftest import bearer, sign_in
from tests.factories import PASSWORD, make_item
from tests.refusals import api_error, row_counts, status_of


def _token(client, username, password):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


def test_token_is_issued_and_works(client, world):
    """A token comes with the role and expiry, and opens bearer-only calls."""
    response = _token(client, world.users["admin"].username, PASSWORD)
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "admin" and body["token"] and "T" in body["expires_at"]
    headers = {"Authorization": f"Bearer {body['token']}"}
    created = client.post(
        "/api/v1/programmes", json={"code": "NEW", "name": "New"}, headers=headers
    )
    assert created.status_code == 201


def test_tokens_are_stored_hashed(client, db, world):
    """The database never holds the token itself."""
    secret = _token(client, world.users["admin"].username, PASSWORD).get_json()["token"]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert secret not in stored and len(stored) == 1


def test_five_wrong_passwords_then_429(client, world):
    """Five wrong passwords give 401 five times, then 429 with the error shape."""
    username = world.users["shop"].username
    statuses = [_token(client, username, "wrong").status_code for _ in range(5)]
    assert statuses == [401] * 5
    blocked = _token(client, username, PASSWORD)
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "too_many_requests"


def test_unknown_user_and_wrong_password_answer_the_same(client, world):
    """Same status, same message, whether the user exists or not."""
    unknown = _token(client, "nobody", "x").get_json()
    wrong = _token(client, world.users["shop"].username, "x").get_json()
    assert unknown == wrong
    assert unknown["error"]["code"] == "bad_credentials"


def test_revoked_token_stops_working(client, world):
    """DELETE /tokens/current revokes the token used."""
    headers = bearer(world.users["supervisor"])
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    again = client.delete("/api/v1/tokens/current", headers=headers)
    assert again.status_code == 401
    assert again.get_json()["error"]["code"] == "unauthorized"


def test_expired_token_is_refused(client, db, world):
    """A token past its expiry gives 401."""
    headers = bearer(world.users["admin"])
    token = db.session.scalars(db.select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    before = row_counts(Programme)
    response = client.post("/api/v1/programmes", json={"code": "X1", "name": "X"}, headers=headers)
    api_error(response, 401, "unauthorized")
    assert row_counts(Programme) == before


def test_a_disabled_account_s_token_is_refused(client, db, world):
    """Disabling an account stops its live tokens at once (a member of staff who left)."""
    headers = bearer(world.users["shop"])
    api_error(client.get("/api/v1/items/none", headers=headers), 404, "not_found")
    world.users["shop"].is_enabled = False
    db.session.commit()
    response = client.get("/api/v1/items/none", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_session_cookie_does_not_open_the_api(client, world):
    """The API needs a bearer token: a signed-in browser session is not enough (no CSRF)."""
    sign_in(client, world.users["admin"])
    before = row_counts(Programme)
    response = client.post("/api/v1/programmes", json={"code": "X2", "name": "X"})
    api_error(response, 401, "unauthorized")
    assert row_counts(Programme) == before


def test_an_api_call_neither_reads_nor_sets_the_session_cookie(client, world):
    """A bearer call from a browser that is signed in on the pages works as the token's
    user, in the token user's terms, and sends no session cookie back."""
    sign_in(client, world.users["admin"])
    with client.session_transaction() as session:
        session["lang"] = "nl"
    response = client.get(
        "/api/v1/beneficiaries",
        headers={**bearer(world.users["supervisor"]), "Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    refused = client.post(
        "/api/v1/programmes",
        json={"code": "X3", "name": "X"},
        headers=bearer(world.users["supervisor"]),
    )
    assert refused.status_code == 403  # the supervisor's rights, not the admin's cookie
    assert refused.json["error"]["message"] == "Your role may not do this."


@pytest.mark.parametrize(
    ("data", "content_type", "field"),
    [
        ("{not json", "application/json", None),
        ("[1, 2]", "application/json", None),
        ('{"code": 12, "name": "X"}', "application/json", "code"),
        ('{"code": "OK1", "name": "X", "colour": "red"}', "application/json", "colour"),
        ('{"name": "X"}', "application/json", "code"),
        ("code=X", "application/x-www-form-urlencoded", None),
    ],
)
def test_bad_bodies_get_400_with_the_error_shape(client, db, world, data, content_type, field):
    """Malformed JSON, wrong types, unknown or missing fields: 400, nothing created, no 500."""
    response = client.post(
        "/api/v1/programmes",
        data=data,
        content_type=content_type,
        headers=bearer(world.users["admin"]),
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] in ("malformed", "invalid") and error["message"]
    if field:
        assert field in error["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(db.table("programmes"))) == 3


def test_unknown_api_path_is_json_404(client, world):
    """Even a wrong path answers in the error shape."""
    response = client.get("/api/v1/nothing-here", headers=bearer(world.users["admin"]))
    assert response.status_code in (401, 404)
    assert "error" in response.get_json()


def test_wrong_role_gets_403(client, world):
    """A shop account may not create sites."""
    response = client.post(
        "/api/v1/sites",
        headers=bearer(world.users["shop"]),
        json={
            "code": "ZZ",
            "name": "Z",
            "kind": "shop",
            "currency": "EUR",
            "timezone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def _sale_of(client, headers, piece):
    return client.post(
        "/api/v1/sales",
        headers=headers,
        json={"shop": "AMS", "payment_method": "cash", "lines": [{"scan": piece.code}]},
    )


@pytest.mark.parametrize("dead", ["revoked", "expired", "disabled"])
def test_the_till_sale_refuses_a_dead_token_like_every_call(client, db, world, dead):
    """The till sale reads its caller as rows (atelier.auth.bearer), not as the ORM user: a
    revoked or expired token, or a disabled account's, is refused all the same, with
    nothing sold."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    headers = bearer(world.users["shop"])
    token = db.session.scalars(db.select(ApiToken)).one()
    if dead == "revoked":
        token.revoked_at = utcnow()
    elif dead == "expired":
        token.expires_at = utcnow() - timedelta(seconds=1)
    else:
        world.users["shop"].is_enabled = False
    db.session.commit()
    before = row_counts(Sale, SaleLine, AuditEntry)
    api_error(_sale_of(client, headers, piece), 401, "unauthorized")
    assert row_counts(Sale, SaleLine, AuditEntry) == before
    assert status_of(piece) == "in_shop"


def test_the_till_sale_is_made_as_the_token_s_user(client, db, world):
    """The light caller is the token's user: the sale and its audit entry name her, the
    request log line has her id and role, and she may sell only at her own shop."""
    shop = world.users["shop"]
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    headers = bearer(shop)
    callers = []

    def loaded(_app, user):
        callers.append(user)

    with user_loaded_from_request.connected_to(loaded):
        response = _sale_of(client, headers, piece)
    assert response.status_code == 201, response.json
    [caller] = callers
    assert isinstance(caller, BearerUser) and caller.id == shop.id
    sale = db.session.get(Sale, response.json["id"])
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="till.sale")).one()
    assert sale.created_by_id == shop.id and entry.user_id == shop.id
    other = client.post(
        "/api/v1/sales",
        headers=headers,
        json={"shop": "RTM", "payment_method": "cash", "lines": [{"scan": piece.code}]},
    )
    api_error(other, 403, "forbidden")


def test_a_light_caller_holds_what_the_orm_user_holds(app, world):
    """Her id, role, language, maker and sites match the ORM user's; anything the row does
    not hold (her username) is read from the ORM user."""
    for role in ("shop", "admin", "beneficiary"):
        user = world.users[role]
        secret = bearer(user)["Authorization"].removeprefix("Bearer ")
        with app.test_request_context("/api/v1/sales"):
            caller, token_id = user_for_token(secret, light=True)
            assert (caller.id, caller.role, caller.locale, caller.beneficiary_id) == (
                user.id,
                user.role,
                user.locale,
                user.beneficiary_id,
            )
            assert caller.site_ids == user.site_ids
            assert sorted(s.code for s in caller.sites) == sorted(s.code for s in user.sites)
            assert caller.username == user.username
            assert token_id == user_for_token(secret)[1]
