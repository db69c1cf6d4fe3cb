"""Operations: /healthz and /readyz, and a database outage answered 503, never 500.

The outage is real, not mocked: a second app reaches the test database through a way the
test takes away and puts back (tests/outage.py).
"""

import pytest
import sqlalchemy as sa

from atelier import create_app
from atelier.extensions import db
from atelier.till.models import Sale
from tests.conftest import TEST_SETTINGS, bearer, sign_in
from tests.factories import PASSWORD
from tests.outage import app_behind, close_app, database_switch

OUTAGE_TEXT = "your work on this tablet is kept and will be sent again"


@pytest.fixture
def switch(app, tmp_path):
    """The way to the test database that a test can take away (starts down)."""
    way = database_switch(app, tmp_path)
    yield way
    way.close()


@pytest.fixture
def outage_app(app, db, switch):  # noqa: ARG001 - after the suite's app is set up
    """An app like the suite's, reaching the database only through ``switch``."""
    other = app_behind(switch)
    yield other
    assert not close_app(other, db), "a request answered 500"


@pytest.mark.usefixtures("switch")
def test_healthz_answers_without_the_database(outage_app):
    """The process is alive even when the database is not: 200 ``ok``, not cached."""
    response = outage_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_at_the_migrations_head(client):
    """The suite's database answers and was built by the migrations: ready."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready"}


def test_readyz_refuses_a_database_not_migrated(db, tmp_path):
    """A fresh, empty database (``db upgrade`` not run yet) is not ready: 503 unavailable."""
    settings = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}"}
    fresh = create_app(settings)
    response = fresh.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert "db upgrade" in response.json["error"]["message"]
    with fresh.app_context():
        db.engine.dispose()


def test_an_outage_is_503_everywhere_and_ends_when_the_database_returns(outage_app, switch, world):
    """Database away: /readyz, the API, a page, sign-in and the tablet's outbox all say 503
    (the page in words a supervisor understands); nothing is sold. Back: all is well again."""
    shop, supervisor = world.users["shop"], world.users["supervisor"]
    headers = bearer(shop)
    sale = {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": world.item_shop.code}]}
    page_client, api = outage_app.test_client(), outage_app.test_client()
    sign_in(page_client, supervisor)

    switch.down()
    ready = api.get("/readyz")
    assert ready.status_code == 503 and ready.json["error"]["code"] == "unavailable"
    refused = api.post("/api/v1/sales", json=sale, headers=headers)
    assert refused.status_code == 503
    assert refused.json["error"]["code"] == "unavailable"
    assert refused.headers["Retry-After"]
    page = page_client.get("/atelier")
    assert page.status_code == 503
    assert OUTAGE_TEXT in page.get_data(as_text=True)
    outbox = page_client.post(
        "/atelier/production?site=ORA", data={}, headers={"Accept": "application/json"}
    )
    assert outbox.status_code == 503 and outbox.json["error"]["code"] == "unavailable"
    sign_in_form = {"username": shop.username, "password": PASSWORD}
    signing_in = outage_app.test_client().post("/sign-in", data=sign_in_form)
    assert signing_in.status_code == 503
    assert OUTAGE_TEXT in signing_in.get_data(as_text=True)
    assert db_sales() == 0

    switch.up()
    assert api.get("/readyz").json == {"status": "ready"}
    assert page_client.get("/atelier").status_code == 200
    sold = api.post("/api/v1/sales", json=sale, headers=headers)
    assert sold.status_code == 201
    assert db_sales() == 1


def db_sales() -> int:
    """Sales in the database, read through the suite's own app."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Sale))


def test_the_outage_page_names_no_one_and_keeps_the_language(outage_app, switch, world):
    """The 503 page is rendered as for a visitor (who is signed in cannot be looked up),
    in the browser's language, and shows no navigation that would ask the database."""
    client = outage_app.test_client()
    sign_in(client, world.users["supervisor"])
    switch.down()
    page = client.get("/people", headers={"Accept-Language": "ro"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503
    assert 'lang="ro"' in html
    assert "Elena" not in html and "mainnav" not in html
