"""One consistent point in time of every table, read while the app goes on serving.

PostgreSQL: one ``REPEATABLE READ`` read-only transaction, each table read through a
server-side cursor.
SQLite: the online backup API copies the file at one instant into a temporary file, which is
then read at leisure. Either way the rows come out in primary-key order, in the tables'
dependency order, as tuples of Python values, never a whole table in memory.
"""

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from psycopg import sql

from atelier.backup import rows

#: rows fetched per round trip
BATCH = 5000
#: lines encoded in Python per batch (bounded memory, far fewer calls)
LINES_PER_BATCH = 500


def tables(metadata: sa.MetaData) -> list[sa.Table]:
    """Every table of the app, parents before children (the order restore inserts in)."""
    return list(metadata.sorted_tables)


class Snapshot:
    """The database as it was at one instant: its revision and each table's rows."""

    def __init__(self, conn: sa.Connection, engine_name: str):
        self.conn = conn
        self.engine_name = engine_name
        self.revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def rows(self, table: sa.Table) -> Iterator[tuple]:
        """The table's rows in primary-key order, values in column order."""
        if self.engine_name == "postgresql":
            yield from self._copy_rows(table)
            return
        query = sa.select(*table.columns).order_by(*rows.order_by(table))
        result = self.conn.execution_options(yield_per=BATCH).execute(query)
        for batch in result.partitions():
            yield from batch

    def lines(self, table: sa.Table, kinds: list[str]) -> Iterator[list[bytes]]:
        """The table's canonical lines (:mod:`rows`) in primary-key order, in batches.
        On PostgreSQL the server renders them (:func:`rows.pg_lines`) where it can, so no
        Python value is made per row; otherwise each row is encoded here."""
        if self.engine_name == "postgresql":
            query = rows.pg_lines(table, kinds)
            if query is not None:
                yield from self._fetch(table, query)
                return
        else:
            queries = rows.sqlite_lines(table, kinds)
            if queries is not None and not self.conn.exec_driver_sql(queries[1]).scalar():
                yield from self._fetch_sqlite(queries[0])
                return
        encode = rows.encoder(kinds)
        encoded = map(encode, self.rows(table))
        while batch := list(islice(encoded, LINES_PER_BATCH)):
            yield batch

    def _fetch(self, table: sa.Table, query: sql.Composed) -> Iterator[list]:
        """The first column of each row of ``query``, ``BATCH`` rows a round trip."""
        raw = self.conn.connection.driver_connection
        with raw.cursor(name=f"backup_{table.name}", binary=True) as cursor:
            cursor.itersize = BATCH
            cursor.execute(query)
            while batch := cursor.fetchmany(BATCH):
                yield [row[0] for row in batch]

    def _fetch_sqlite(self, query: str) -> Iterator[list[bytes]]:
        """SQLite: the text of each row of ``query``, as UTF-8, ``BATCH`` rows at a time."""
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(query)
            while batch := cursor.fetchmany(BATCH):
                yield [row[0].encode() for row in batch]
        finally:
            cursor.close()

    def _copy_rows(self, table: sa.Table) -> Iterator[tuple]:
        """A server-side cursor in binary, ``BATCH`` rows a round trip: psycopg turns the
        values into Python in C, three times faster than parsing ``COPY`` rows one by one."""
        statement = sql.SQL("SELECT {cols} FROM {table} ORDER BY {keys}").format(
            cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns),
            table=sql.Identifier(table.name),
            keys=sql.SQL(", ").join(sql.Identifier(c.name) for c in rows.order_by(table)),
        )
        raw = self.conn.connection.driver_connection
        with raw.cursor(name=f"backup_{table.name}", binary=True) as cursor:
            cursor.itersize = BATCH
            cursor.execute(statement)
            while batch := cursor.fetchmany(BATCH):
                yield from batch


@contextmanager
def snapshot(engine: sa.Engine, *, copy_sqlite: bool = True) -> Iterator[Snapshot]:
    """Hold one consistent snapshot of ``engine``'s database for the ``with`` block."""
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as conn:
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            try:
                yield Snapshot(conn, "postgresql")
            finally:
                conn.rollback()
        return
    if not copy_sqlite:
        with engine.connect() as conn:
            yield Snapshot(conn, "sqlite")
        return
    source = engine.url.database
    with tempfile.TemporaryDirectory(prefix="atelier-snapshot-") as folder:
        copy = Path(folder) / "snapshot.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)  # in one step: the copy is one instant of the database
        src.close()
        dst.close()
        copied = sa.create_engine(f"sqlite:///{copy}", poolclass=sa.pool.NullPool)
        try:
            with copied.connect() as conn:
                yield Snapshot(conn, "sqlite")
        finally:
            copied.dispose()
