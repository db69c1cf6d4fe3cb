"""The erasure ledger: a person anonymised after a backup stays anonymised when that older
backup is restored, even into a new database on a new disk."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from atelier.backup.ledger import Erasure, ledger_path
from atelier.extensions import db as _db
from atelier.people.models import Beneficiary
from atelier.people.services import anonymise
from atelier.wages.models import Payee
from atelier.wages.payees import set_payee
from tests.backup_helpers import fresh_database, invoke
from tests.conftest import on_postgres

IBAN = "RO49AAAA1B31007593840000"


@pytest.fixture
def ledger(app):
    """An empty ledger file for the test (the file lives beside the backups)."""
    with app.app_context():
        path = ledger_path()
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def test_anonymising_writes_the_ledger_with_ids_only(db, world, ledger):
    """Once the anonymisation is committed, the table and the file hold her id, maker code
    and the instant; no name. A rolled-back anonymisation writes no line."""
    elena = world.elena
    anonymise(elena, world.users["admin"])
    db.session.rollback()
    assert not ledger.exists()
    anonymise(db.session.get(Beneficiary, elena.id), world.users["admin"])
    db.session.commit()
    [line] = ledger.read_text().splitlines()
    entry = json.loads(line)
    assert set(entry) == {"beneficiary_id", "maker_code", "erased_at"}
    assert entry["beneficiary_id"] == elena.id and "Elena" not in line
    row = db.session.scalar(sa.select(Erasure))
    assert (row.beneficiary_id, row.maker_code) == (elena.id, elena.maker_code)


def test_restoring_an_older_backup_keeps_a_later_erasure(runner, db, world, ledger, tmp_path, app):
    """Backup at night; in the morning Elena asks to be forgotten; the disk dies; last
    night's backup is restored into a new database: she is still anonymised (name, birth
    year, bank details gone, her first erasure date kept), and no one else is touched."""
    set_payee(world.elena.maker_code, "Elena Popescu", IBAN)
    db.session.commit()
    made = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    backup = made.stdout.strip()
    elena = db.session.get(Beneficiary, world.elena.id)
    anonymise(elena, world.users["admin"])
    db.session.commit()
    elena_id, oksana_id, erased_at = elena.id, world.oksana.id, elena.anonymised_at
    engine = "postgresql" if on_postgres() else "sqlite"
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], engine) as restored:
        result = invoke(restored, "backup", "restore", backup)
        assert result.exit_code == 0, result.output
        assert "1 erasure(s)" in result.output
        with restored.app_context():
            her = _db.session.get(Beneficiary, elena_id)
            assert her.display_name != "Elena" and her.birth_year is None
            assert her.anonymised_at == erased_at
            assert _db.session.scalar(sa.select(sa.func.count()).select_from(Payee)) == 0
            assert _db.session.scalar(sa.select(Erasure.beneficiary_id)) == elena_id
            assert _db.session.get(Beneficiary, oksana_id).display_name == "Oksana"
    assert len(Path(ledger).read_text().splitlines()) == 1  # re-applying adds no line


@pytest.mark.usefixtures("db")
def test_a_ledger_entry_for_another_person_with_a_reused_id_is_not_applied(
    runner, world, ledger, tmp_path, app
):
    """Ids can be handed out again after a restore; an entry whose maker code does not match
    the person with that id erases no one."""
    made = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
    backup = made.stdout.strip()
    ledger.write_text(
        json.dumps(
            {
                "beneficiary_id": world.elena.id,
                "maker_code": "ZZZZZZ",
                "erased_at": "2026-12-01T10:00:00+00:00",
            }
        )
        + "\n"
    )
    elena_id = world.elena.id
    with fresh_database(tmp_path, app.config["BACKUP_DIR"], "sqlite") as restored:
        result = invoke(restored, "backup", "restore", backup)
        assert result.exit_code == 0 and "0 erasure(s)" in result.output
        with restored.app_context():
            assert _db.session.get(Beneficiary, elena_id).display_name == "Elena"
