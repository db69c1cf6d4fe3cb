"""CLI: ``flask backup create | restore | verify | prune`` (for the console and the timer)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

import atelier  # its factory builds the scratch app for `verify` (looked up when run)
from atelier.backup import services
from atelier.backup.archive import BackupError

cli = AppGroup("backup", help="Encrypted, engine-neutral backups: make, restore, verify, prune.")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, path_type=Path)


def _refused(exc: Exception):
    """Exit status 1 with the reason."""
    return click.ClickException(str(exc))


@cli.command("create")
@click.option("--out", "out_dir", type=_DIR, default=None, help="Folder (default BACKUP_DIR).")
def create(out_dir):
    """Write a consistent snapshot of every table, encrypted with BACKUP_KEY; print its path."""
    try:
        path = services.create_backup(out_dir)
    except BackupError as exc:
        raise _refused(exc) from None
    if not path.name.endswith(".age"):
        click.echo("warning: BACKUP_KEY is not set, so this backup is NOT encrypted", err=True)
    click.echo(str(path))


@cli.command("restore")
@click.argument("file", type=_FILE)
def restore(file):
    """Load FILE into this empty database (at the same migration revision)."""
    try:
        manifest, erased = services.restore_backup(file)
    except BackupError as exc:
        raise _refused(exc) from None
    rows = sum(t["rows"] for t in manifest["tables"])
    click.echo(
        f"Restored {rows} rows in {len(manifest['tables'])} tables from a backup of "
        f"{manifest['created_at']} ({manifest['engine']}); "
        f"{erased} erasure(s) from the ledger applied again."
    )


@cli.command("verify")
@click.argument("file", type=_FILE)
def verify(file):
    """Restore FILE into a scratch SQLite database and compare every table with its manifest."""
    try:
        problems = services.verify_backup(file, atelier.create_app)
    except BackupError as exc:
        raise _refused(exc) from None
    if problems:
        raise click.ClickException("Verification failed: " + "; ".join(problems))
    click.echo(f"{file}: every table matches its manifest.")


@cli.command("prune")
@click.option("--dir", "folder", type=_DIR, default=None, help="Folder (default BACKUP_DIR).")
@click.option("--keep-daily", type=click.IntRange(min=0), default=14, show_default=True)
@click.option("--keep-monthly", type=click.IntRange(min=0), default=12, show_default=True)
def prune(folder, keep_daily, keep_monthly):
    """Delete backups beyond the newest of each of the last days and months."""
    folder = Path(folder or current_app.config["BACKUP_DIR"])
    if not folder.is_dir():
        raise click.ClickException(f"No folder {folder}.")
    gone = services.prune(folder, keep_daily, keep_monthly)
    for path in gone:
        click.echo(f"deleted {path}")
    click.echo(f"{len(gone)} backup(s) deleted.")
