"""Sign-in throttling that cannot lock everyone out: real client addresses behind the
proxy, one counter per account across addresses, page and token call alike."""

import pytest
import sqlalchemy as sa

from atelier import trust_proxies
from atelier.audit import AuditEntry
from atelier.config import from_environment
from tests.factories import PASSWORD
from tests.refusals import api_error, error_page


def _page(client, username, password, address):
    """A sign-in on the page from ``address``."""
    return client.post(
        "/sign-in",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _token(client, username, password, address):
    """A token request from ``address``."""
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.mark.usefixtures("db")
def test_one_account_is_throttled_from_many_addresses(app, world):
    """Four addresses guessing the coordinator's password five times each: the account's
    own limit (ten failures) answers 429, even to the right password from a fifth address;
    another account still signs in from another address."""
    client = app.test_client()
    admin = world.users["admin"].username
    statuses = [
        _page(client, admin, "wrong guess", f"198.51.100.{n}").status_code
        for n in range(4)
        for _ in range(5)
    ]
    assert 429 in statuses and statuses[:10] == [200] * 10
    error_page(_page(client, admin, PASSWORD, "203.0.113.9"), 429)
    shop = world.users["shop"].username
    assert _page(app.test_client(), shop, PASSWORD, "203.0.113.10").status_code == 302


@pytest.mark.usefixtures("db")
def test_the_page_and_the_token_call_share_one_counter_per_account(app, world):
    """Failures on the page and on the token call add up: the API cannot be used to guess
    beyond the page's limit, nor the other way round."""
    client = app.test_client()
    admin = world.users["admin"].username
    for n in range(5):
        assert _page(client, admin, "wrong guess", f"198.51.100.{n}").status_code == 200
    for n in range(5):
        api_error(_token(client, admin, "wrong guess", f"192.0.2.{n}"), 401, "bad_credentials")
    refused = _token(client, admin, PASSWORD, "192.0.2.200")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    error_page(_page(client, admin, PASSWORD, "192.0.2.201"), 429)


@pytest.mark.usefixtures("db")
def test_other_clients_failures_do_not_block_a_correct_password(app, world, monkeypatch):
    """One address spraying guesses at many accounts hits its own address limit; a
    correct password from another address still gets in."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_ADDRESS", "6 per 15 minutes")
    client = app.test_client()
    statuses = [
        _token(client, f"guess{n}", "wrong guess", "198.51.100.66").status_code for n in range(7)
    ]
    assert statuses == [401] * 6 + [429]
    api_error(_token(client, "guess99", "wrong guess", "198.51.100.66"), 429, "too_many_requests")
    assert _token(client, world.users["shop"].username, PASSWORD, "203.0.113.7").status_code == 201


@pytest.fixture
def behind_one_proxy(app, monkeypatch):
    """The app as deployed behind one proxy that sets X-Forwarded-For (TRUSTED_PROXIES=1)."""
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back after the test
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    trust_proxies(app)
    return app


def _via_proxy(client, username, password, client_address):
    """A token request that reaches the app from the proxy at 10.0.0.1."""
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
        headers={"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"},
    )


@pytest.mark.usefixtures("db")
def test_two_clients_behind_one_proxy_are_throttled_separately(
    behind_one_proxy, world, monkeypatch
):
    """A client guessing behind the proxy is throttled by its own address; another client
    behind the same proxy still signs in with her password."""
    app = behind_one_proxy
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    client = app.test_client()
    statuses = [
        _via_proxy(client, f"nobody{n}", "wrong guess", "198.51.100.5").status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    token = _via_proxy(client, world.users["shop"].username, PASSWORD, "203.0.113.8")
    assert token.status_code == 201


@pytest.mark.usefixtures("world")
def test_the_real_client_address_is_in_the_audit_log(behind_one_proxy, db):
    """Behind the proxy, a failed sign-in is logged with the client's address, not the
    proxy's."""
    _via_proxy(behind_one_proxy.test_client(), "admin-typo", "x", "198.51.100.23")
    addresses = set(db.session.scalars(sa.select(AuditEntry.remote_addr)))
    assert addresses == {"198.51.100.23"}


def test_every_limit_and_the_proxies_are_read_from_the_environment(monkeypatch, tmp_path):
    """The throttle settings and TRUSTED_PROXIES come from the environment."""
    wanted = {
        "LOGIN_RATE_LIMIT": "3 per 5 minutes",
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": "7 per hour",
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "20 per hour",
        "PUBLIC_RATE_LIMIT": "60 per minute",
    }
    for key, value in wanted.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    config = from_environment(str(tmp_path))
    assert {key: config[key] for key in wanted} == wanted
    assert config["TRUSTED_PROXIES"] == 2
