"""The schema comes from the migrations, and they agree with the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from atelier.extensions import db as _db


@pytest.mark.usefixtures("db")
def test_migrations_match_the_models():
    """After ``flask db upgrade`` on an empty database, autogenerate finds nothing to do."""
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


@pytest.mark.usefixtures("db")
def test_upgrade_built_every_table():
    """Every model's table exists, with the alembic version recorded."""
    names = set(sa.inspect(_db.engine).get_table_names())
    assert {t.name for t in _db.metadata.sorted_tables} <= names
    assert "alembic_version" in names
