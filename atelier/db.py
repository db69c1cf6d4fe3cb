"""Shared database primitives: the naming convention and an always-aware UTC column type."""

import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

#: what an ``Integer`` column holds on PostgreSQL (int4); every id, amount and count fits
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def db_int(text: str) -> int:
    """A query-string number the database can hold: ``request.args.get(name, type=db_int)``
    gives the default for ``?page=99999999999999999999`` instead of an overflow."""
    value = int(text) if len(text) <= 12 else INT_MAX + 1
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError("out of range")
    return value


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Store instants as UTC and always hand back timezone-aware datetimes.

    SQLite keeps no offset, so a naive value read back is UTC by construction.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes; normalise aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, _dialect):
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _connection_record):
    """SQLite: enforce foreign keys, let readers and one writer work at once, wait for locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
