"""Backups from the console: encrypted files that hold no name in clear, restore into an empty
database only, verify, and the refusals that write nothing."""

import gzip
import io
import json
import tarfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from pyrage import passphrase

from atelier.audit import AuditEntry
from atelier.backup import archive, ledger, restore, rows
from atelier.backup.archive import BackupError
from atelier.backup.snapshot import snapshot
from atelier.catalog.models import ProductType
from atelier.db import UTCDateTime
from atelier.extensions import db as _db
from atelier.people.models import Beneficiary
from atelier.production.models import ItemEvent
from atelier.wages.models import Payee
from atelier.wages.payees import set_payee
from tests import factories as f
from tests.backup_helpers import fresh_database, invoke, row_counts
from tests.conftest import on_postgres

KEY = "a long enough backup passphrase"
IBAN = "RO49AAAA1B31007593840000"
NOTE = "left the shelter on Tuesday"
#: text every layer must carry as it is: JSON's and COPY's escapes, \N and \. (COPY's
#: null and end of data), controls, characters outside the BMP
AWKWARD = [
    "",
    'a"b\\c',
    "\n\t\r\b\f\x01\x1f\x7f",
    "\\N",
    "\\.",
    "Ștefănescu €𝄞",
    "\u2028\u2029",
    "],[",
]
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def keyed(app):
    """BACKUP_KEY set for the test."""
    app.config["BACKUP_KEY"] = KEY
    yield KEY
    app.config["BACKUP_KEY"] = ""


@pytest.fixture
def data(world, db):
    """The world, with a sale, Elena's bank details, a photo and a supervisor's note."""
    f.make_sale(world.sites["AMS"], [world.item_shop])
    set_payee(world.elena.maker_code, "Elena Popescu", IBAN)
    f.give_photo(world.tote)
    world.tote.translations = {"nl": {"name": "Draagtas", "description": "Een stevige tas."}}
    db.session.add(ItemEvent(item_id=world.item_atelier.id, kind="made", note=NOTE))
    for note in AWKWARD:
        db.session.add(ItemEvent(item_id=world.item_atelier.id, kind="made", note=note))
    db.session.commit()
    return world


def _create(runner, out) -> str:
    result = runner.invoke(args=["backup", "create", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.mark.usefixtures("data", "keyed")
def test_a_backup_is_an_age_file_with_no_name_iban_or_note_in_clear(runner, tmp_path):
    """The file is encrypted (a standard age file that pyrage opens with the key); its bytes
    hold no maker name, IBAN or note; decrypted, it is a tar with the manifest first."""
    path = _create(runner, tmp_path)
    assert path.endswith(".tar.age") and path.startswith(str(tmp_path))
    raw = Path(path).read_bytes()
    for secret in (b"Elena", IBAN.encode(), NOTE.encode(), b"Popescu", b"manifest"):
        assert secret not in raw
    with tarfile.open(fileobj=io.BytesIO(passphrase.decrypt(raw, KEY))) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        people = gzip.decompress(tar.extractfile("tables/beneficiaries.jsonl.gz").read())
    assert names[0] == "manifest.json"
    assert b"Elena" in people  # the data is all there, only encrypted
    tables = {t["name"]: t for t in manifest["tables"]}
    assert tables["payees"]["rows"] == 1 and tables["sales"]["rows"] == 1
    assert manifest["revision"] and manifest["format_version"] == 1


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.usefixtures("keyed")
def test_restore_into_an_empty_database_brings_back_every_row(
    runner, data, tmp_path, app, engine, monkeypatch
):
    """Restored into a new database (SQLite, or PostgreSQL), every table has the same rows:
    bank details, the photo's bytes, a product's names per language, aware instants, notes
    with every character that needs escaping; and ``backup verify`` says it is good. The
    lines are read, and staged on PostgreSQL, a few at a time, as a large table's are."""
    monkeypatch.setattr(archive, "BLOCK", 200)
    monkeypatch.setattr(restore, "STAGED", 300)
    path = _create(runner, tmp_path)
    notes = sorted(_db.session.scalars(sa.select(ItemEvent.note)))
    source_counts = row_counts(app)
    photo = _db.session.get(ProductType, data.tote.id).photo
    # ids read now: touching the test's objects inside the other app would load them there
    tote_id, elena_id = data.tote.id, data.elena.id
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], engine) as restored:
        restored.config["BACKUP_KEY"] = KEY
        result = invoke(restored, "backup", "restore", path)
        assert result.exit_code == 0, result.output
        assert "Restored" in result.output
        counts = row_counts(restored)
        assert counts.pop("audit_entries") == source_counts.pop("audit_entries")
        assert counts == source_counts
        with restored.app_context():
            # the backup (taken by the first) and the restore (last) are audited
            actions = _db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id))
            assert list(actions)[-1:] == ["backup.restore"]
            assert _db.session.scalar(sa.select(Payee.iban)) == IBAN
            assert _db.session.get(ProductType, tote_id).photo == photo
            assert _db.session.get(ProductType, tote_id).name_in("nl") == "Draagtas"
            assert sorted(_db.session.scalars(sa.select(ItemEvent.note))) == notes
            elena = _db.session.get(Beneficiary, elena_id)
            assert elena.display_name == "Elena" and elena.created_at.tzinfo is not None
    verified = runner.invoke(args=["backup", "verify", path])
    assert verified.exit_code == 0, verified.output
    assert "every table matches" in verified.output


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.usefixtures("data")
def test_a_restore_leaves_the_planner_statistics_of_every_restored_table(
    runner, tmp_path, app, engine, monkeypatch
):
    """The restore ends with ``ANALYZE``: a new database's planner has no statistics until
    autovacuum comes round. Each table that holds rows has them once the restore is
    committed (``pg_stats``, ``sqlite_stat1``: only ANALYZE writes either; building an index
    does not), and SQLite's row count is the table's. They are gathered in the restore's
    transaction: a restore that fails after them (here, re-applying the ledger) leaves no
    row and no statistics."""
    filled = {name for name, n in row_counts(app).items() if n}
    path = _create(runner, tmp_path)
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], engine) as restored:
        with monkeypatch.context() as failing:
            failing.setattr(ledger, "reapply", _refuse)
            refused = invoke(restored, "backup", "restore", path)
        assert refused.exit_code == 1 and "ledger" in refused.output
        assert set(row_counts(restored).values()) == {0}
        assert _statistics(restored) == {}
        result = invoke(restored, "backup", "restore", path)
        assert result.exit_code == 0, result.output
        counts = row_counts(restored)
        stats = _statistics(restored)
    assert "item_events" in filled and set(stats) == filled
    if engine == "sqlite":  # the first figure of each line is the table's row count
        assert stats["item_events"] == counts["item_events"]


@pytest.mark.usefixtures("data", "keyed")
def test_verify_reads_the_backup_back_without_gathering_statistics(runner, tmp_path, monkeypatch):
    """``backup verify`` restores into a scratch database it reads once and deletes: it says
    the backup is good without spending an ``ANALYZE`` of every table on it."""
    path = _create(runner, tmp_path)
    analysed = []
    monkeypatch.setattr(restore, "refresh_statistics", lambda _conn, names: analysed.append(names))
    verified = runner.invoke(args=["backup", "verify", path])
    assert verified.exit_code == 0, verified.output
    assert analysed == []


def _refuse(*_args):
    raise BackupError("the ledger cannot be read")


def _statistics(app) -> dict[str, int]:
    """The app's tables that the planner has statistics of: on PostgreSQL, the columns with a
    row in ``pg_stats``; on SQLite, the row count ``sqlite_stat1`` gives."""
    with app.app_context(), _db.engine.connect() as conn:
        names = [t.name for t in _db.metadata.sorted_tables]
        if conn.dialect.name == "postgresql":
            found = conn.execute(
                sa.text(
                    "SELECT tablename, count(*) FROM pg_stats WHERE schemaname = current_schema()"
                    " AND tablename IN :names GROUP BY tablename"
                ).bindparams(sa.bindparam("names", expanding=True)),
                {"names": names},
            )
            return dict(found.all())
        if not sa.inspect(conn).has_table("sqlite_stat1"):
            return {}
        found = conn.exec_driver_sql("SELECT tbl, stat FROM sqlite_stat1").all()
        return {tbl: int(stat.split()[0]) for tbl, stat in found if tbl in names}


@pytest.mark.usefixtures("data", "keyed")
def test_restore_refuses_a_database_that_is_not_empty(runner, tmp_path, app):
    """Restoring into the live database: exit status 1, a clear reason, nothing written."""
    path = _create(runner, tmp_path)
    before = row_counts(app)
    result = runner.invoke(args=["backup", "restore", path])
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert row_counts(app) == before


@pytest.mark.usefixtures("data", "keyed")
def test_restore_refuses_another_migration_revision(runner, tmp_path, app):
    """A database at an older revision: exit status 1 naming both revisions; it stays empty."""
    path = _create(runner, tmp_path)
    engine = "postgresql" if on_postgres() else "sqlite"
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], engine, "c3d5e7f90a12") as older:
        older.config["BACKUP_KEY"] = KEY
        result = invoke(older, "backup", "restore", path)
        assert result.exit_code == 1
        assert "revision" in result.output and "c3d5e7f90a12" in result.output
        assert set(row_counts(older).values()) == {0}


@pytest.mark.usefixtures("data", "keyed")
def test_restore_with_the_wrong_key_or_a_damaged_file_writes_nothing(runner, tmp_path, app):
    """The wrong BACKUP_KEY and a flipped byte are both refused with exit status 1; verify
    says the damaged file is damaged."""
    path = _create(runner, tmp_path)
    damaged = tmp_path / "damaged.tar.age"
    raw = bytearray(Path(path).read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], "sqlite") as restored:
        restored.config["BACKUP_KEY"] = "not the key, but long enough"
        wrong = invoke(restored, "backup", "restore", path)
        assert wrong.exit_code == 1 and "wrong BACKUP_KEY" in wrong.output
        restored.config["BACKUP_KEY"] = KEY
        broken = invoke(restored, "backup", "restore", str(damaged))
        assert broken.exit_code == 1 and "damaged" in broken.output
        assert set(row_counts(restored).values()) == {0}
    verified = runner.invoke(args=["backup", "verify", str(damaged)])
    assert verified.exit_code == 1 and "damaged" in verified.output


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.usefixtures("data")
def test_a_tampered_table_fails_restore_and_verify(runner, tmp_path, app, engine):
    """An unencrypted (development) backup whose member no longer matches the manifest's
    checksum is refused: verify exits 1 and restore (into SQLite, or PostgreSQL with its
    keys and indexes dropped for the load) writes nothing and leaves every key in place."""
    made = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
    path = made.stdout.strip()
    assert path.endswith(".tar") and "NOT encrypted" in made.stderr
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(path) as src, tarfile.open(tampered, "w") as out:
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name == "tables/payees.jsonl.gz":
                content = gzip.compress(gzip.decompress(content).replace(b"Elena", b"Elenb"))
                member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    verified = runner.invoke(args=["backup", "verify", str(tampered)])
    assert verified.exit_code == 1 and "payees" in verified.output
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], engine) as restored:
        keys = _keys_and_indexes(restored)
        result = invoke(restored, "backup", "restore", str(tampered))
        assert result.exit_code == 1 and "payees" in result.output
        assert set(row_counts(restored).values()) == {0}
        assert _keys_and_indexes(restored) == keys
        assert _statistics(restored) == {}


def _keys_and_indexes(app) -> dict:
    """Each table's primary key, foreign keys and indexes, as the database reports them."""
    with app.app_context(), _db.engine.connect() as conn:
        seen = sa.inspect(conn)
        return {
            name: (
                seen.get_pk_constraint(name)["constrained_columns"],
                sorted(fk["name"] for fk in seen.get_foreign_keys(name)),
                sorted(ix["name"] for ix in seen.get_indexes(name)),
            )
            for name in seen.get_table_names()
        }


@pytest.mark.usefixtures("data")
def test_production_refuses_a_backup_without_a_key(runner, tmp_path, app):
    """Outside development, no BACKUP_KEY means no backup (exit 1, no file); a short key is
    refused everywhere."""
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
        assert result.exit_code == 1 and "BACKUP_KEY" in result.output
        app.config["BACKUP_KEY"] = "too short"
        short = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
        assert short.exit_code == 1 and "16 characters" in short.output
    finally:
        app.config["ENV_NAME"], app.config["BACKUP_KEY"] = "development", ""
    assert list(tmp_path.iterdir()) == []


def test_the_database_renders_each_line_as_python_writes_it(db):
    """The lines PostgreSQL (or SQLite) renders for a backup are the ones the Python encoder
    writes for the same rows, byte for byte (so the checksums of a table agree whichever
    engine and whichever path wrote it): awkward text, instants with and without
    microseconds (trailing zeros too) entered at another offset, days, booleans, big
    integers, nulls; and on PostgreSQL long bytes (SQLite has no base64: Python does those)."""
    postgres = db.engine.dialect.name == "postgresql"
    metadata = sa.MetaData()
    table = sa.Table(
        "backup_awkward",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("flag", sa.Boolean),
        sa.Column("note", sa.String(50)),
        sa.Column("at", UTCDateTime),
        sa.Column("day", sa.Date),
        sa.Column("big", sa.BigInteger),
        *([sa.Column("photo", sa.LargeBinary)] if postgres else []),
    )
    east = timezone(timedelta(hours=2))
    moments = [
        datetime(2026, 3, 10, 12, 0, 1, tzinfo=UTC),
        datetime(2026, 3, 10, 12, 0, 1, 500, tzinfo=UTC),
        datetime(2026, 3, 10, 12, 0, 1, 120000, tzinfo=east),
        datetime(999, 1, 1, 0, 0, 0, 999999, tzinfo=UTC),
    ]
    values = [
        {
            "id": i + 1,
            "flag": i % 2 == 0,
            "note": note,
            "at": moments[i % len(moments)],
            "day": date(2026, 2, 28) + timedelta(days=i),
            "big": 2**62 - i,
        }
        | ({"photo": bytes(range(256))[i:]} if postgres else {})
        for i, note in enumerate(AWKWARD)
    ]
    values.append({c.name: None for c in table.columns} | {"id": 99})
    kinds = [rows.kind(c) for c in table.columns]
    rendered_by = rows.pg_lines if postgres else rows.sqlite_lines
    assert rendered_by(table, kinds) is not None
    with db.engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(table.insert(), values)
    try:
        with snapshot(db.engine) as snap:
            if not postgres:  # every value has the shape SQLite's rendering reads
                assert not snap.conn.exec_driver_sql(rows.sqlite_lines(table, kinds)[1]).scalar()
            rendered = [line for batch in snap.lines(table, kinds) for line in batch]
            written = list(map(rows.encoder(kinds), snap.rows(table)))
    finally:
        with db.engine.begin() as conn:
            metadata.drop_all(conn)
    assert len(rendered) == len(values)
    assert rendered == written
