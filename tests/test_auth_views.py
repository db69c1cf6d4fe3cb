"""Sign-in pages: one message for every failure, throttling, safe redirects, cookies."""

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_user


def _sign_in(client, username, password, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password})


def test_each_role_lands_on_its_home(client, world):
    """After signing in, each role is sent to its own home page."""
    homes = {"admin": "/admin/", "supervisor": "/atelier", "shop": "/shop", "beneficiary": "/me"}
    for role, home in homes.items():
        fresh = client.application.test_client()
        response = _sign_in(fresh, world.users[role].username, PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == home
        assert fresh.get(home).status_code == 200


def test_unknown_user_and_wrong_password_say_the_same(client, world):
    """Nobody can tell from the answer whether a username exists."""
    unknown = _sign_in(client, "nobody-here", PASSWORD)
    wrong = _sign_in(client, world.users["shop"].username, "not the password")
    assert unknown.status_code == wrong.status_code == 200
    message = b"Unknown username or wrong password."
    assert message in unknown.data and message in wrong.data
    assert b"Sign out" not in wrong.data


def test_sign_in_is_audited(client, db, world):
    """Successful and failed sign-ins are in the audit log."""
    _sign_in(client, world.users["shop"].username, "not the password")
    _sign_in(client, world.users["shop"].username, PASSWORD)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["auth.sign_in_failed", "auth.sign_in"]


def test_failed_sign_ins_are_throttled_on_the_page(client, world):
    """After five failures the sixth attempt is refused with 429, even with the right password."""
    user = world.users["shop"]
    for _ in range(5):
        assert _sign_in(client, user.username, "wrong password").status_code == 200
    blocked = _sign_in(client, user.username, PASSWORD)
    assert blocked.status_code == 429
    assert b"Too many attempts" in blocked.data


def test_next_redirect_stays_on_this_site(client, world):
    """A ``next`` pointing elsewhere is ignored; a local path is followed."""
    user = world.users["admin"]
    evil = _sign_in(client, user.username, PASSWORD, next_url="https://evil.example/x")
    assert evil.headers["Location"] == "/admin/"
    fresh = client.application.test_client()
    sneaky = _sign_in(fresh, user.username, PASSWORD, next_url="//evil.example/x")
    assert sneaky.headers["Location"] == "/admin/"
    fresh = client.application.test_client()
    local = _sign_in(fresh, user.username, PASSWORD, next_url="/admin/sites")
    assert local.headers["Location"] == "/admin/sites"


def test_session_cookie_is_httponly_and_samesite(client, world):
    """The session cookie cannot be read by scripts nor sent by other sites' forms."""
    response = _sign_in(client, world.users["admin"].username, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.usefixtures("db")
def test_disabled_account_cannot_sign_in(client, world):
    """A disabled account is refused like a wrong password."""
    user = make_user("shop", sites=[world.sites["AMS"]], is_enabled=False)
    response = _sign_in(client, user.username, PASSWORD)
    assert b"Unknown username or wrong password." in response.data


def test_sign_out_ends_the_session(client, world):
    """After signing out, home pages ask to sign in again."""
    sign_in(client, world.users["shop"])
    assert client.get("/shop").status_code == 200
    client.post("/sign-out")
    response = client.get("/shop")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_admin_creates_a_shop_account_from_the_page(client, db, world):
    """The users page creates an account with its sites; a short password is refused."""
    sign_in(client, world.users["admin"])
    short = client.post(
        "/admin/users",
        data={"username": "anne", "password": "short", "role": "shop", "sites": ["AMS"]},
    )
    assert short.status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .where(sa.text("username = 'anne'"))
            .select_from(sa.table("users"))
        )
        == 0
    )
    ok = client.post(
        "/admin/users",
        data={"username": "anne", "password": "long enough pw", "role": "shop", "sites": ["AMS"]},
    )
    assert ok.status_code == 302
    page = client.get("/admin/users")
    assert b"anne" in page.data and b"AMS" in page.data
