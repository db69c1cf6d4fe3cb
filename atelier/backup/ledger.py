"""The erasure ledger: who was anonymised and when (ids only), so no restore brings her back.

Each anonymisation writes a row in ``erasures`` (in its own transaction, so it is in every
later backup) and, once that transaction commits, a line in a small file kept outside the
database, beside the backups (``ERASURE_LEDGER``, by default ``BACKUP_DIR/erasures.jsonl``).
The file matters when the database is lost: a backup from last night knows nothing of an
erasure made this morning, but the file does. Restore re-applies every erasure in the file
and in the backup's own ledger to the person with that id *and* maker code (ids can be
reused after a restore; the pair cannot).
"""

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from atelier.db import UTCDateTime
from atelier.extensions import db
from atelier.people.models import Beneficiary
from atelier.people.services import anonymise, on_anonymise

log = logging.getLogger(__name__)

#: who re-applies an erasure during a restore: the console, with a coordinator's right
RESTORE_ACTOR = SimpleNamespace(id=None, role="admin", username="backup-restore")
_PENDING = "erasure_ledger_pending"
_REAPPLYING = "erasure_ledger_reapplying"


class Erasure(db.Model):
    """One anonymisation: whose (id and maker code, never a name) and when."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(index=True)
    #: with the id, names her unambiguously even in a database restored from an older backup
    maker_code: Mapped[str] = mapped_column(sa.String(16))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)


def ledger_path() -> Path:
    """Where the ledger file is: ``ERASURE_LEDGER``, else ``BACKUP_DIR/erasures.jsonl``."""
    configured = current_app.config.get("ERASURE_LEDGER")
    if configured:
        return Path(configured)
    return Path(current_app.config["BACKUP_DIR"]) / "erasures.jsonl"


def _entry(person: Beneficiary) -> dict:
    return {
        "beneficiary_id": person.id,
        "maker_code": person.maker_code,
        "erased_at": person.anonymised_at.isoformat(),
    }


@on_anonymise
def _record_erasure(person, _removed_strings, _actor) -> None:
    """Anonymising someone enters her in the ledger table, and (after commit) the file."""
    db.session.add(
        Erasure(
            beneficiary_id=person.id, maker_code=person.maker_code, erased_at=person.anonymised_at
        )
    )
    session = db.session()
    if not session.info.get(_REAPPLYING):
        session.info.setdefault(_PENDING, []).append((ledger_path(), _entry(person)))


@sa.event.listens_for(Session, "after_commit")
def _append_committed(session: Session) -> None:
    """Only a committed erasure goes into the file (a rolled-back one never happened)."""
    for path, entry in session.info.pop(_PENDING, ()):
        try:
            append(path, entry)
        except OSError:  # the database has it; the next backup carries it
            log.exception("could not append to the erasure ledger %s", path)


@sa.event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def append(path: Path, entry: dict) -> None:
    """Add one line to the ledger file, on disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_file(path: Path) -> list[dict]:
    """The ledger file's entries (none if there is no file yet); a torn last line is skipped."""
    if not path.exists():
        return []
    entries = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("skipping a damaged line of the erasure ledger %s", path)
    return entries


def reapply(entries: list[dict]) -> int:
    """Anonymise again everyone in ``entries`` the database still names (after a restore);
    her anonymisation keeps its first date. Returns how many were erased again."""
    stored = [
        {"beneficiary_id": e.beneficiary_id, "maker_code": e.maker_code, "erased_at": e.erased_at}
        for e in db.session.scalars(sa.select(Erasure))
    ]
    session = db.session()
    session.info[_REAPPLYING] = True
    erased = 0
    try:
        for entry in [*stored, *entries]:
            person = db.session.get(Beneficiary, int(entry["beneficiary_id"]))
            if person is None or person.maker_code != entry["maker_code"]:
                continue
            if person.anonymised_at is not None:
                continue
            anonymise(person, RESTORE_ACTOR)
            when = entry["erased_at"]
            when = datetime.fromisoformat(when) if isinstance(when, str) else when
            person.anonymised_at = when
            db.session.execute(
                sa.update(Erasure)
                .where(Erasure.beneficiary_id == person.id, Erasure.maker_code == person.maker_code)
                .values(erased_at=when)
            )
            erased += 1
        db.session.flush()
    finally:
        session.info.pop(_REAPPLYING, None)
    return erased
