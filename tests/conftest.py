"""Fixtures: one migrated database per run, emptied after each test; clients; sign-in helpers.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
"""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask_login import FlaskLoginClient
from flask_migrate import upgrade

from atelier import create_app
from atelier.auth.services import issue_token
from atelier.auth.sessions import SESSION_KEY, open_session
from atelier.config import normalise_database_url
from atelier.extensions import db as _db
from atelier.extensions import limiter
from tests import factories
from tests.querycount import QueryCounter

ARTIFACTS = Path(__file__).parent / "artifacts"


def _database_url(tmp_dir: Path) -> str:
    """PostgreSQL from TEST_DATABASE_URL, else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    return normalise_database_url(url)


def on_postgres() -> bool:
    """True when this run uses PostgreSQL."""
    return bool(os.environ.get("TEST_DATABASE_URL"))


def worker_database_url(url: str, worker: str) -> str:
    """``<database>_<worker>`` beside TEST_DATABASE_URL's database, created if missing: each
    pytest-xdist worker (gw0, gw1…) has a database of its own, so they never share rows."""
    base = sa.engine.make_url(normalise_database_url(url))
    name = f"{base.database}_{worker}"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_configure():
    """Under pytest-xdist, point this worker at its own PostgreSQL database: everything that
    reads TEST_DATABASE_URL (the app, scratch databases named after it) then stays apart."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = worker_database_url(url, worker)


TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "PUBLIC_BASE_URL": "https://atelier.test",
    "RATELIMIT_STORAGE_URI": "memory://",
    "PAYROLL_CURRENCY": "RON",
    "PAYROLL_TIMEZONE": "Europe/Bucharest",
    "STRIPE_SECRET_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
    "STRIPE_API_BASE": "",
    "SERVER_NAME": None,
    "BACKUP_KEY": "",
    "BACKUP_SCRYPT_LOG_N": 10,  # age's default (18) takes a second per file
}


class Client(FlaskLoginClient):
    """Each request runs in its own app context and database session, as in production.

    What the test has added is committed first, so the request sees it; afterwards the
    test's objects are expired, so the test reads what the request committed.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


def reset_schema(url: str) -> None:
    """Start from an empty database: drop everything there was."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the run, its database built by the migrations (never create_all)."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    reset_schema(url)
    backups = str(tmp_path_factory.mktemp("backups"))  # and the erasure ledger beside them
    application = create_app(
        {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "BACKUP_DIR": backups}
    )
    application.test_client_class = Client
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


def _empty_all_tables() -> None:
    """Delete every row, children first (faster than re-creating the schema)."""
    engine = _db.engine
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with engine.begin() as conn:  # DELETE beats TRUNCATE on small, mostly empty tables
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture
def db(app):
    """The database inside an app context; emptied after the test."""
    with app.app_context():
        limiter.reset()
        app.extensions.pop("unexpected_errors", None)
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _empty_all_tables()
        unexpected = app.extensions.pop("unexpected_errors", None)
        assert not unexpected, f"a request answered 500 during this test: {unexpected}"


@pytest.fixture
def client(app, db):  # noqa: ARG001 - the database is set up first
    """A test client (use ``sign_in`` to act as a user)."""
    return app.test_client()


@pytest.fixture
def runner(app, db):  # noqa: ARG001 - the database is set up first
    """A CLI runner."""
    return app.test_cli_runner()


def sign_in(client, user) -> None:
    """Make the client's session belong to ``user`` (as the sign-in page would: a browser
    session opened on the server, its secret in the cookie)."""
    secret = open_session(user)
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SESSION_KEY] = secret


def bearer(user) -> dict:
    """Headers with a fresh bearer token for ``user``."""
    secret, _ = issue_token(user)
    _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(db):  # noqa: ARG001 - the database is set up first
    """A small, complete setup: two ateliers, two shops, a webshop, and one user per role."""
    return factories.make_world()


@pytest.fixture
def count_queries(db):  # noqa: ARG001 - the database is set up first
    """Count SQL statements run inside a ``with`` block: ``with count_queries() as q:``."""
    return lambda: QueryCounter(_db.engine)


def pytest_report_header():
    """Say which database engine this run uses."""
    return f"database: {'PostgreSQL' if on_postgres() else 'SQLite'}"


#: the longest tests, first when the suite runs on parallel workers (``make test`` hands the
#: workers one test at a time): each starts early on one worker while the short ones fill the
#: other, so none is left running alone at the end
SLOW_FIRST = (
    "tests/test_chain_state_machine.py::",
    "tests/test_deploy.py::test_the_recipe_on_loopback",
    "tests/e2e/test_overflow_crawl.py::",
    "tests/test_cli.py::test_seed_demo_is_idempotent",
    "tests/test_authz_matrix.py::test_authorization_matrix",
)


def _slow_first(item) -> int:
    return next(
        (i for i, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)),
        len(SLOW_FIRST),
    )


def pytest_collection_modifyitems(items):
    """Skip PostgreSQL-only tests (real concurrency) on SQLite, saying why; on parallel workers,
    put the longest tests first (every worker collects the same order)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=_slow_first)  # stable: the rest keep their order
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL (make test does in CI)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
