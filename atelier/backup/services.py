"""Backup use cases for the console: create, restore, verify and prune."""

import tempfile
from pathlib import Path

from flask import Flask, current_app
from flask_migrate import upgrade

from atelier import audit
from atelier.backup import archive, ledger, rules
from atelier.backup.archive import BackupError
from atelier.backup.restore import restore
from atelier.backup.snapshot import snapshot
from atelier.extensions import db

MIN_KEY_LENGTH = 16


def backup_key(*, required: bool) -> str:
    """``BACKUP_KEY``, checked: at least 16 characters; outside development it must be set
    to make a backup (a backup holds survivors' data)."""
    key = current_app.config.get("BACKUP_KEY") or ""
    if key and len(key) < MIN_KEY_LENGTH:
        raise BackupError(f"BACKUP_KEY must be at least {MIN_KEY_LENGTH} characters long.")
    if required and not key and current_app.config.get("ENV_NAME") != "development":
        raise BackupError("BACKUP_KEY is not set: outside development, a backup must be encrypted.")
    return key


def create_backup(out_dir: Path | None = None) -> Path:
    """A consistent, encrypted (when keyed) backup of every table; returns its path."""
    key = backup_key(required=True)
    folder = Path(out_dir or current_app.config["BACKUP_DIR"])
    path = archive.create(db.engine, db.metadata, folder, key, _log_n())
    # a copy of everyone's records was taken: that is a read of people, so it is audited
    audit.record("backup.create", entity_type="backups", file=path.name, encrypted=bool(key))
    db.session.commit()
    return path


def _log_n() -> int:
    return int(current_app.config.get("BACKUP_SCRYPT_LOG_N", 18))


def restore_backup(path: Path) -> tuple[dict, int]:
    """Restore ``path`` into this (empty) database and re-apply the erasure ledger, in one
    transaction; returns (manifest, erasures re-applied). On any error nothing is written."""
    try:
        manifest = restore(db.session.connection(), db.metadata, path, backup_key(required=False))
        erased = ledger.reapply(ledger.read_file(ledger.ledger_path()))
        audit.record(
            "backup.restore",
            entity_type="backups",
            file=Path(path).name,
            created_at=manifest["created_at"],
            erasures_reapplied=erased,
        )
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return manifest, erased


def verify_backup(path: Path, app_factory) -> list[str]:
    """Restore ``path`` into a scratch SQLite database, read every table back and compare
    it with the manifest. Returns the problems found (none: the backup is good)."""
    key = backup_key(required=False)
    with tempfile.TemporaryDirectory(prefix="atelier-verify-") as folder:
        scratch: Flask = app_factory(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'verify.sqlite3'}",
                "BACKUP_KEY": key,
                "TESTING": current_app.testing,
            }
        )
        with scratch.app_context():
            upgrade()
            try:
                # no statistics: the scratch database is read once and thrown away
                manifest = restore(
                    db.session.connection(), db.metadata, path, key, statistics=False
                )
                db.session.commit()
                return _compare(manifest)
            finally:
                db.session.remove()
                db.engine.dispose()


def _compare(manifest: dict) -> list[str]:
    """Each table read back from the database against the manifest's count and checksum."""
    problems = []
    with (
        tempfile.TemporaryDirectory(prefix="atelier-verify-read-") as folder,
        snapshot(db.engine, copy_sqlite=False) as snap,
    ):
        entries = {e["name"]: e for e in archive.dump_tables(snap, db.metadata, Path(folder))}
    for expected in manifest["tables"]:
        found = entries.get(expected["name"])
        if found is None:
            problems.append(f"{expected['name']}: missing")
        elif (found["rows"], found["sha256"]) != (expected["rows"], expected["sha256"]):
            problems.append(
                f"{expected['name']}: {found['rows']} rows read back, {expected['rows']} in the "
                "manifest, or a different checksum"
            )
    return problems


def prune(folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the backups in ``folder`` the schedule no longer keeps; returns them."""
    found = {p: rules.taken_at(p) for p in folder.iterdir() if p.is_file()}
    backups = {p: t for p, t in found.items() if t is not None}
    kept = rules.to_keep(list(backups.values()), keep_daily, keep_monthly)
    gone = sorted(p for p, t in backups.items() if t not in kept)
    for path in gone:
        path.unlink()
    return gone
