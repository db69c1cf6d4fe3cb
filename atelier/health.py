"""Health checks for a load balancer or a supervisor: ``/healthz`` (alive) and ``/readyz``."""

from functools import lru_cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from flask_babel import gettext as _

from atelier.config import ROOT
from atelier.errors import database_unavailable, error_body
from atelier.extensions import db

bp = Blueprint("health", __name__)

MIGRATIONS = ROOT / "migrations"


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The revision(s) the code expects, read once from the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> frozenset[str]:
    """The revision(s) the database is at (empty before ``db upgrade``). Opens a connection
    of its own, so a database that does not answer raises the driver's OperationalError."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def _no_store(response):
    """A health answer is about this instant: never cached by a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process serves requests; the database is not asked (public)."""
    return _no_store(jsonify(status="ok"))


def _not_ready(message: str):
    """503 ``unavailable``, always JSON (a probe, not a person, reads it)."""
    response = jsonify(error_body("unavailable", message))
    response.status_code = 503
    return _no_store(response)


@bp.get("/readyz")
def readyz():
    """Ready to take traffic: the database answers and is at the migrations' head (public)."""
    try:
        current = database_revisions()
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        return _not_ready(_("The database does not answer."))
    if current != migration_heads():
        return _not_ready(_("The database is not at the migrations' head: run db upgrade."))
    return _no_store(jsonify(status="ready"))
