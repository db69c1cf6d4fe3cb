"""Restore a backup into an empty database at the same migration revision, in one transaction.

Nothing is written unless every check passes: the file decrypts, its revision is the
database's, the database is empty, and each table's rows match the manifest's count and
checksum (else the transaction is rolled back). Tables go in parents first. PostgreSQL takes
the lines as they are with ``COPY`` and parses them itself (no Python work per row), builds
the keys and indexes after the load, as ``pg_restore`` does, and then has every id sequence
set past the highest id, so a restored database takes new sales. Last, still in that
transaction, the planner's statistics of the restored tables are gathered (``ANALYZE``), as
after ``pg_restore`` one would: a new database has none until autovacuum comes round, and its
first queries would be planned blind.
"""

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.types import TypeDecorator

from atelier.backup import rows
from atelier.backup.archive import BackupError, open_backup
from atelier.backup.snapshot import tables
from atelier.db import UTCDateTime

#: rows per INSERT batch on SQLite
BATCH = 1000
#: bytes of lines staged on PostgreSQL before the server turns them into rows
STAGED = 32 << 20


def database_revision(conn: sa.Connection) -> str | None:
    """The migration revision the database is at (None before ``flask db upgrade``)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def non_empty_tables(conn: sa.Connection, metadata: sa.MetaData) -> list[str]:
    """The app's tables that hold at least one row."""
    return [
        t.name
        for t in tables(metadata)
        if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
    ]


def check_target(conn: sa.Connection, metadata: sa.MetaData, manifest: dict) -> None:
    """Refuse (BackupError) a database at another revision, or one that holds data."""
    revision = database_revision(conn)
    if revision is None:
        raise BackupError("The database has no schema: run `flask db upgrade` first.")
    if revision != manifest["revision"]:
        raise BackupError(
            f"The backup was made at migration revision {manifest['revision']}, the database "
            f"is at {revision}. Restore it with the version of Atelier that made it (or "
            f"upgrade a database of that revision after restoring)."
        )
    busy = non_empty_tables(conn, metadata)
    if busy:
        raise BackupError(
            "The database is not empty ("
            + ", ".join(busy[:5])
            + (", …" if busy[5:] else "")
            + "): restore only into a new, empty database."
        )
    known = {t.name: t for t in tables(metadata)}
    for entry in manifest["tables"]:
        table = known.get(entry["name"])
        names = [c["name"] for c in entry["columns"]]
        if table is None or names != [c.name for c in table.columns]:
            raise BackupError(f"Table {entry['name']} in the backup does not match this schema.")


def _verified(blocks: Iterator[bytes], entry: dict) -> Iterator[bytes]:
    """``blocks`` of lines as they are, then a check of their count and checksum against
    the manifest (BackupError, after the last block: the caller's transaction is rolled
    back)."""
    digest, count = hashlib.sha256(), 0
    for block in blocks:
        digest.update(block)
        count += block.count(b"\n")
        yield block
    if count != entry["rows"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(
            f"Table {entry['name']} does not match the manifest ({count} rows read, "
            f"{entry['rows']} expected, or a different checksum): the file is damaged."
        )


def _lines(blocks: Iterator[bytes]) -> Iterator[bytes]:
    for block in blocks:
        yield from block.splitlines(keepends=True)


#: the staging table the lines are copied into, as they are, to be parsed by the server
_STAGE = "atelier_backup_lines"
#: the column types of a table, to cast the lines' values to
_COLUMN_TYPES = sa.text(
    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
    " WHERE attrelid = to_regclass(quote_ident(:t)) AND attnum > 0 AND NOT attisdropped"
)


def _from_lines(conn: sa.Connection, table: sa.Table, kinds: list[str]) -> sql.Composed:
    """``INSERT`` of the staged lines into ``table``: PostgreSQL parses each line (one
    ``jsonb`` per row: ``OFFSET 0`` keeps the planner from parsing it once per column) and
    casts each value to its column's type; bytes from base64."""
    types = dict(conn.execute(_COLUMN_TYPES, {"t": table.name}).all())
    values = []
    for i, (column, k) in enumerate(zip(table.columns, kinds, strict=True)):
        if k == "bytes":
            values.append(sql.SQL("decode(j ->> {}, 'base64')").format(sql.Literal(i)))
        else:
            cast = sql.SQL(types[column.name])  # the catalogue's own type name
            values.append(sql.SQL("(j ->> {})::{}").format(sql.Literal(i), cast))
    return sql.SQL(
        "INSERT INTO {table} ({cols}) SELECT {values}"
        " FROM (SELECT line::jsonb AS j FROM pg_temp.{stage} OFFSET 0) AS staged"
    ).format(
        table=sql.Identifier(table.name),
        cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns),
        values=sql.SQL(", ").join(values),
        stage=sql.Identifier(_STAGE),
    )


def _insert_staged(conn: sa.Connection, table: sa.Table, kinds: list[str], blocks) -> None:
    """PostgreSQL: ``COPY`` the lines as they are (a JSON line holds no tab or newline;
    its backslashes are doubled for COPY's text form) into a temporary table, then let the
    server turn them into rows, ``STAGED`` bytes at a time: no Python work per row."""
    raw = conn.connection.driver_connection
    stage = sql.Identifier(_STAGE)
    insert = _from_lines(conn, table, kinds)
    copy_in = sql.SQL("COPY pg_temp.{} (line) FROM STDIN").format(stage)
    with raw.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (line text) ON COMMIT DROP").format(stage)
        )
        pending = True
        while pending:
            staged = 0
            with cursor.copy(copy_in) as copy:
                for block in blocks:
                    copy.write(block.replace(b"\\", b"\\\\"))
                    staged += len(block)
                    if staged >= STAGED:
                        break
                else:
                    pending = False
            cursor.execute(insert)
            cursor.execute(sql.SQL("TRUNCATE pg_temp.{}").format(stage))


def sqlite_instant(value: str) -> str:
    """A line's instant as SQLAlchemy keeps it in SQLite: naive UTC, six decimals."""
    if value.endswith("+00:00") and len(value) in (25, 32):  # isoformat() at UTC: sliced
        micro = value[20:26] if len(value) == 32 else "000000"
        return f"{value[:10]} {value[11:19]}.{micro}"
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


#: the SQLite value of a line's value, by kind, where it is not the JSON value itself (days
#: are kept as their ISO text, booleans as 0 and 1, which sqlite3 makes of False and True)
_SQLITE_VALUE = {"instant": sqlite_instant, "bytes": base64.b64decode}
_SQLITE_AS_IS = {"int", "bool", "text", "date"}


def _stored_as_is(table: sa.Table, kinds: list[str]) -> bool:
    """True if every column of ``table`` keeps what :func:`_insert_sqlite` gives it: plain
    types (no decorator but UTC instants) of the kinds above."""
    plain = all(
        not isinstance(c.type, TypeDecorator) or isinstance(c.type, UTCDateTime)
        for c in table.columns
    )
    return plain and all(k in _SQLITE_AS_IS or k in _SQLITE_VALUE for k in kinds)


def _insert_sqlite(conn: sa.Connection, table: sa.Table, kinds: list[str], blocks) -> None:
    """SQLite: a block of lines parsed at once, the few values that need it converted, and
    the rows given to sqlite3's ``executemany`` as they are, with no SQLAlchemy type
    processing per value (the stored forms are SQLAlchemy's, tested by reading them back)."""
    statement = 'INSERT INTO "{}" ({}) VALUES ({})'.format(  # noqa: S608 (names from the metadata)
        table.name,
        ", ".join(f'"{c.name}"' for c in table.columns),
        ", ".join("?" * len(kinds)),
    )
    steps = [(i, _SQLITE_VALUE[k]) for i, k in enumerate(kinds) if k in _SQLITE_VALUE]
    width = len(kinds)
    raw = conn.connection.driver_connection
    for block in blocks:
        values = rows.parse_block(block)
        if any(len(row) != width for row in values):
            raise BackupError(f"Table {table.name} has a row with the wrong number of values.")
        for row in values:
            for i, convert in steps:
                if row[i] is not None:
                    row[i] = convert(row[i])
        raw.executemany(statement, values)


def _insert_batches(conn: sa.Connection, table: sa.Table, values) -> None:
    """SQLite: executemany in batches (the column types convert the values)."""
    names = [c.name for c in table.columns]
    statement = table.insert()
    while batch := list(islice(values, BATCH)):
        conn.execute(statement, [dict(zip(names, row, strict=True)) for row in batch])


def reset_sequences(conn: sa.Connection, metadata: sa.MetaData) -> None:
    """PostgreSQL: every serial/identity id continues past the highest restored id."""
    for table in tables(metadata):
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        key = keys[0].name
        sequence = conn.execute(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key}
        ).scalar()
        if sequence:
            conn.execute(
                sa.text(
                    f"SELECT setval(:s, COALESCE((SELECT MAX({key}) FROM {table.name}), 0) + 1,"  # noqa: S608 (names from the metadata)
                    " false)"
                ),
                {"s": sequence},
            )


#: the app's constraints that an index or a check per row enforces, with the definitions to
#: add them back: primary keys and unique constraints (``p``, ``u``, ``x``) before the
#: foreign keys (``f``) that need them
_CONSTRAINTS = sa.text(
    "SELECT conrelid::regclass::text AS tab, conname AS name, contype AS type,"
    " pg_get_constraintdef(oid) AS definition FROM pg_constraint"
    " WHERE contype IN ('p', 'u', 'x', 'f') AND connamespace = current_schema()::regnamespace"
    " AND conrelid::regclass::text IN :tables ORDER BY contype = 'f', conrelid, conname"
).bindparams(sa.bindparam("tables", expanding=True))
#: the other indexes of the app's tables (not a constraint's), with their definitions
_INDEXES = sa.text(
    "SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition"
    " FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indrelid"
    " WHERE pg_class.relnamespace = current_schema()::regnamespace"
    " AND indrelid::regclass::text IN :tables AND NOT EXISTS (SELECT 1 FROM pg_constraint"
    " WHERE conindid = indexrelid AND contype IN ('p', 'u', 'x'))"
    " ORDER BY indexrelid"
).bindparams(sa.bindparam("tables", expanding=True))


@contextmanager
def _keys_and_indexes_built_after(conn: sa.Connection, names: list[str]) -> Iterator[None]:
    """PostgreSQL: drop the tables' keys and indexes for the load and build them after it,
    as ``pg_restore`` does: each index is built once from the loaded rows (not updated row
    by row), and each foreign key checks every row against its parent in one join instead
    of one lookup per row and key. All of it inside the restore's transaction: a duplicate
    or a row without its parent refuses the whole restore, and nothing is ever left
    without its keys."""
    constraints = conn.execute(_CONSTRAINTS, {"tables": names}).all()
    indexes = conn.execute(_INDEXES, {"tables": names}).all()
    for key in reversed(constraints):  # foreign keys first, then what they point at
        conn.exec_driver_sql(f'ALTER TABLE {key.tab} DROP CONSTRAINT "{key.name}"')
    for index in indexes:
        conn.exec_driver_sql(f"DROP INDEX {index.name}")
    yield
    for key in constraints:
        if key.type != "f":
            conn.exec_driver_sql(
                f'ALTER TABLE {key.tab} ADD CONSTRAINT "{key.name}" {key.definition}'
            )
    for index in indexes:
        conn.exec_driver_sql(index.definition)
    for key in constraints:
        if key.type == "f":
            conn.exec_driver_sql(
                f'ALTER TABLE {key.tab} ADD CONSTRAINT "{key.name}" {key.definition}'
            )


#: SQLite: the indexes of the app's tables that can be dropped (not a key's own)
_SQLITE_INDEXES = sa.text(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    " AND tbl_name IN :tables ORDER BY name"
).bindparams(sa.bindparam("tables", expanding=True))


@contextmanager
def _sqlite_indexes_built_after(conn: sa.Connection, names: list[str]) -> Iterator[None]:
    """SQLite: drop the tables' indexes (not their keys) for the load and build each once
    after it, in the restore's transaction (begun here, so that the drop is part of it: a
    failed restore leaves every index in place)."""
    raw = conn.connection.driver_connection
    if not raw.in_transaction:
        conn.exec_driver_sql("BEGIN")
    indexes = conn.execute(_SQLITE_INDEXES, {"tables": names}).all()
    for index in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{index.name}"')
    yield
    for index in indexes:
        conn.exec_driver_sql(index.sql)


def refresh_statistics(conn: sa.Connection, names: list[str]) -> None:
    """``ANALYZE`` the tables ``names`` once their rows, keys and indexes are in (an
    expression index has statistics of its own), inside the restore's transaction: the
    statistics are rows of the catalogue (``pg_statistic``, ``sqlite_stat1``), written with
    the data and rolled back with it, so a refused restore still leaves nothing. PostgreSQL
    samples each table (at most 300 × ``default_statistics_target`` rows, its own uncommitted
    ones included), whatever its size; SQLite reads each table and index through once."""
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(quote(name) for name in names))
    else:  # one table per statement (ANALYZE with no name would do the whole file)
        for name in names:
            conn.exec_driver_sql(f"ANALYZE {quote(name)}")


def restore(
    conn: sa.Connection, metadata: sa.MetaData, path: Path, key: str, *, statistics: bool = True
) -> dict:
    """Load the backup at ``path`` through ``conn`` (the caller commits, or rolls back on
    error). Returns the manifest. ``statistics=False`` skips the ``ANALYZE`` (a scratch
    database that is only read back once, by ``backup verify``)."""
    postgres = conn.dialect.name == "postgresql"
    with open_backup(path, key) as (manifest, members):
        check_target(conn, metadata, manifest)
        known = {t.name: t for t in tables(metadata)}
        names = [t.name for t in tables(metadata)]
        built_after = _keys_and_indexes_built_after if postgres else _sqlite_indexes_built_after
        with built_after(conn, names):
            for entry, lines in members:
                table = known[entry["name"]]
                kinds = [c["kind"] for c in entry["columns"]]
                checked = _verified(lines, entry)
                if postgres:
                    _insert_staged(conn, table, kinds, checked)
                elif _stored_as_is(table, kinds):
                    _insert_sqlite(conn, table, kinds, checked)
                else:
                    _insert_batches(conn, table, map(rows.decoder(kinds), _lines(checked)))
    if postgres:
        reset_sequences(conn, metadata)
    if statistics:
        refresh_statistics(conn, [entry["name"] for entry in manifest["tables"]])
    return manifest
