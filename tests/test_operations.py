"""Operations: /healthz and /readyz, and a database outage answered 503, never 500.

The outage is real, not mocked: a second app reaches the test database through a path we
control. On SQLite that is a symbolic link to the database's folder (no link: the file cannot
be opened); on PostgreSQL a small TCP relay (down: it hangs up on every connection). Taking it
away and putting it back breaks nothing else: the suite's own app never goes through it.
"""

import socket
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from atelier import create_app
from atelier.till.models import Sale
from tests.conftest import TEST_SETTINGS, Client, bearer, on_postgres, sign_in
from tests.factories import PASSWORD

OUTAGE_TEXT = "your work on this tablet is kept and will be sent again"


class Relay:
    """A TCP relay to PostgreSQL on a port of its own; ``up`` forwards, down hangs up."""

    def __init__(self, url: sa.engine.URL):
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.is_up = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        self.url = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed at the end of the test
            if not self.is_up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def up(self):
        """Forward new connections."""
        self.is_up = True

    def down(self):
        """Cut every open connection and hang up on new ones."""
        self.is_up = False
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open.clear()

    def close(self):
        """Stop listening."""
        self.down()
        self.listener.close()


class Link:
    """A symbolic link to the SQLite database's folder: removed, the file cannot be opened."""

    def __init__(self, database: Path, where: Path):
        self.folder, self.link = database.parent, where / "db"
        self.url = f"sqlite:///{self.link / database.name}"

    def up(self):
        """Put the link back."""
        self.link.symlink_to(self.folder, target_is_directory=True)

    def down(self):
        """Take the link away."""
        self.link.unlink(missing_ok=True)

    def close(self):
        """Leave nothing behind."""
        self.down()


@pytest.fixture
def switch(app, tmp_path):
    """The way to the test database that a test can take away (starts down)."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if on_postgres():
        way = Relay(url)
    else:
        way = Link(Path(url.database), tmp_path)
    yield way
    way.close()


@pytest.fixture
def outage_app(app, db, switch):
    """An app like the suite's, reaching the database only through ``switch``."""
    other = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": switch.url})
    other.test_client_class = Client
    yield other
    with other.app_context():
        db.engine.dispose()
    assert not other.extensions.get("unexpected_errors"), "a request answered 500"


def test_healthz_answers_without_the_database(outage_app, switch):
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
    from atelier.extensions import db

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
