"""Security baseline: headers on every response, CSRF on every form."""

import pytest

from atelier import create_app
from tests.conftest import TEST_SETTINGS, sign_in
from tests.factories import PASSWORD
from tests.refusals import error_page


def test_security_headers_on_pages(client):
    """CSP without inline script, no framing, nosniff, a referrer policy."""
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    """Served over https, the browser is told to stay on https."""
    response = client.get("/sign-in", base_url="https://atelier.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_no_inline_script_in_pages(client, world):
    """Pages carry no inline script or style attribute (the CSP would block them)."""
    sign_in(client, world.users["admin"])
    for url in ("/sign-in", "/admin/", "/admin/sites", "/admin/users"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


@pytest.fixture
def csrf_client(app, db):  # noqa: ARG001 - the database is set up first
    """A client of an app with CSRF protection on, as in production."""
    settings = {
        **TEST_SETTINGS,
        "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    return create_app(settings).test_client()


def test_forms_need_a_csrf_token(csrf_client, world):
    """A form post without the token is refused and signs nobody in, even with the right
    password."""
    response = csrf_client.post(
        "/sign-in", data={"username": world.users["admin"].username, "password": PASSWORD}
    )
    error_page(response, 400, "The CSRF token is missing.")
    still_out = csrf_client.get("/admin/")
    assert still_out.status_code == 302 and "/sign-in" in still_out.headers["Location"]
    page = csrf_client.get("/sign-in").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_production_settings_need_a_secret_key(monkeypatch):
    """Outside development the app refuses to start without SECRET_KEY, and cookies are Secure."""
    monkeypatch.setenv("ATELIER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
