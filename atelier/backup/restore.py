"""Restore a backup into an empty database at the same migration revision, in one transaction.

Nothing is written unless every check passes: the file decrypts, its revision is the
database's, the database is empty, and each table's rows match the manifest's count and
checksum (else the transaction is rolled back). Tables go in parents first; PostgreSQL takes
them with ``COPY`` and then has every id sequence set past the highest id, so a restored
database takes new sales.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from psycopg import sql

from atelier.backup import rows
from atelier.backup.archive import BackupError, open_backup
from atelier.backup.snapshot import tables

#: rows per INSERT batch on SQLite, per COPY write on PostgreSQL
BATCH = 1000


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


def _verified(lines: Iterator[bytes], entry: dict) -> Iterator[bytes]:
    """``lines`` as they are, then a check of their count and checksum against the
    manifest (BackupError, after the last line: the caller's transaction is rolled back)."""
    digest, count = hashlib.sha256(), 0
    for line in lines:
        digest.update(line)
        count += 1
        yield line
    if count != entry["rows"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(
            f"Table {entry['name']} does not match the manifest ({count} rows read, "
            f"{entry['rows']} expected, or a different checksum): the file is damaged."
        )


def _insert_copy(conn: sa.Connection, table: sa.Table, kinds: list[str], lines) -> None:
    """PostgreSQL: stream the lines in with ``COPY … FROM STDIN``, as COPY's text form,
    ``BATCH`` rows a write (:func:`rows.copy_block`)."""
    statement = sql.SQL("COPY {table} ({cols}) FROM STDIN").format(
        table=sql.Identifier(table.name),
        cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns),
    )
    raw = conn.connection.driver_connection
    block = rows.copy_block(kinds)
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        while batch := list(islice(lines, BATCH)):
            copy.write(block(batch))


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


#: the foreign keys of the app's schema, with the definitions to add them back
_FOREIGN_KEYS = sa.text(
    "SELECT conrelid::regclass::text AS tab, conname AS name,"
    " pg_get_constraintdef(oid) AS definition FROM pg_constraint"
    " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
)


@contextmanager
def _foreign_keys_checked_once(conn: sa.Connection) -> Iterator[None]:
    """PostgreSQL: drop the foreign keys for the load, then add each back, which checks
    every row against its parent in one join, as ``pg_restore`` does, instead of one
    lookup per row and key (the load's main cost). In the restore's transaction: a row
    without its parent refuses the whole restore, and nothing is left without its keys."""
    keys = conn.execute(_FOREIGN_KEYS).all()
    for key in keys:
        conn.exec_driver_sql(f'ALTER TABLE {key.tab} DROP CONSTRAINT "{key.name}"')
    yield
    for key in keys:
        conn.exec_driver_sql(f'ALTER TABLE {key.tab} ADD CONSTRAINT "{key.name}" {key.definition}')


def restore(conn: sa.Connection, metadata: sa.MetaData, path: Path, key: str) -> dict:
    """Load the backup at ``path`` through ``conn`` (the caller commits, or rolls back on
    error). Returns the manifest."""
    postgres = conn.dialect.name == "postgresql"
    with open_backup(path, key) as (manifest, members):
        check_target(conn, metadata, manifest)
        known = {t.name: t for t in tables(metadata)}
        with _foreign_keys_checked_once(conn) if postgres else nullcontext():
            for entry, lines in members:
                table = known[entry["name"]]
                kinds = [c["kind"] for c in entry["columns"]]
                checked = _verified(lines, entry)
                if postgres:
                    _insert_copy(conn, table, kinds, checked)
                else:
                    _insert_batches(conn, table, map(rows.decoder(kinds), checked))
    if postgres:
        reset_sequences(conn, metadata)
    return manifest
