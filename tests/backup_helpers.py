"""Shared by the backup tests: a second, empty database (SQLite, or a scratch PostgreSQL
database on the test server) with its own app, migrated to the head or to a given revision."""

import os
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from atelier import create_app
from atelier.config import normalise_database_url
from atelier.extensions import db
from tests.conftest import TEST_SETTINGS, Client


@contextmanager
def scratch_postgres(name: str):
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    server = sa.create_engine(
        normalise_database_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT"
    )
    database = f"atelier_backup_{name}_{os.getpid()}"
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
    try:
        yield server.url.set(database=database).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        server.dispose()


@contextmanager
def fresh_app(url: str, backup_dir: str, revision: str = "head"):
    """An app on the empty database at ``url``, migrated to ``revision``."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "BACKUP_DIR": backup_dir})
    app.test_client_class = Client
    with app.app_context():
        upgrade(revision=revision)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def fresh_database(tmp_path: Path, backup_dir: str, engine: str, revision: str = "head"):
    """A fresh app on an empty SQLite file or scratch PostgreSQL database."""
    if engine == "sqlite":
        with fresh_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup_dir, revision) as app:
            yield app
        return
    with (
        scratch_postgres(engine.replace("postgresql", "pg")) as url,
        fresh_app(url, backup_dir, revision) as app,
    ):
        yield app


def row_counts(app) -> dict[str, int]:
    """Rows in each of the app's tables (that the database has)."""
    with app.app_context(), db.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables
            if t.name in present
        }


def invoke(app, *args: str):
    """Run ``flask <args>`` on ``app`` (inside its own app context: the CLI would otherwise
    use the test's app, already current)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))
