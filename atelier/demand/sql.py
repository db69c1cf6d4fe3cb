"""A piece of SQL both engines share: the local calendar day of an instant in a site's
timezone, as a day number, so "whole days on the shelf" is counted in SQL (set-based) the
same way :func:`atelier.demand.rules.days_on_shelf` counts it in Python."""

import sqlite3
from datetime import UTC, date, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from atelier.timeutil import zone

#: day numbers count from here (any fixed day would do; differences are what matter)
EPOCH = date(2000, 1, 1)


class local_day(FunctionElement):  # lower case: it reads as the SQL function it is
    """``local_day(instant, timezone)``: the number of the local calendar day."""

    type = sa.Integer()
    name = "local_day"
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    at, tz = list(element.clauses)
    at, tz = compiler.process(at, **kw), compiler.process(tz, **kw)
    return f"(CAST(timezone({tz}, {at}) AS date) - DATE '2000-01-01')"


@compiles(local_day)
def _local_day_sqlite(element, compiler, **kw):
    at, tz = list(element.clauses)
    return f"atelier_local_day({compiler.process(at, **kw)}, {compiler.process(tz, **kw)})"


@lru_cache(maxsize=64)
def _zone(name: str):
    return zone(name)


def _sqlite_local_day(stored: str | None, tz_name: str | None) -> int | None:
    """SQLite keeps instants as naive UTC text; the local day number in ``tz_name``."""
    if stored is None or tz_name is None:
        return None
    instant = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return (instant.astimezone(_zone(tz_name)).date() - EPOCH).days


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_sqlite_function(dbapi_connection, _connection_record):
    """SQLite has no time zones: give it the one function it needs from Python."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "atelier_local_day", 2, _sqlite_local_day, deterministic=True
        )
