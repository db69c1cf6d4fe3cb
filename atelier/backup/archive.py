"""The backup file: a tar of ``manifest.json`` then one gzip JSON-lines member per table,
encrypted as an age file when a key is given.

Layout (format version 1)::

    manifest.json            {"format": "atelier-backup", "format_version": 1, "revision",
                              "created_at", "engine", "tables": [{"name", "member",
                              "columns": [{"name", "kind"}], "rows", "sha256"}]}
    tables/<name>.jsonl.gz   one JSON array per row (see rows.py), primary-key order

``sha256`` is the checksum of a member's uncompressed lines. Tables are listed, and stored,
parents first. Each member is first written to a temporary file beside the output (a tar
header needs its size), so memory stays flat however many rows there are.
"""

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from atelier.backup import agefile, rows
from atelier.backup.snapshot import snapshot, tables

FORMAT = "atelier-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "atelier-"
#: bytes of lines read from a member at a time
BLOCK = 1 << 20
#: UTC instant in a backup's file name; ``prune`` reads it back
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why."""


def file_name(created_at: datetime, encrypted: bool) -> str:
    """``atelier-20261206T021500Z.tar.age`` (``.tar`` when not encrypted)."""
    return f"{PREFIX}{created_at.astimezone(UTC).strftime(STAMP)}.tar" + (
        ".age" if encrypted else ""
    )


def _write_member(path: Path, batches: Iterator[list[bytes]]) -> tuple[int, str]:
    """Gzip the lines into ``path``, a batch a write; returns (row count, sha256 of the
    plain lines)."""
    digest, count = hashlib.sha256(), 0
    with gzip.open(path, "wb", compresslevel=4) as out:
        for batch in batches:
            block = b"".join(batch)
            digest.update(block)
            out.write(block)
            count += len(batch)
    return count, digest.hexdigest()


def dump_tables(snap, metadata: sa.MetaData, folder: Path) -> list[dict]:
    """Write every table of the snapshot into ``folder``; the manifest's table entries."""
    entries = []
    for table in tables(metadata):
        kinds = [rows.kind(c) for c in table.columns]
        member = f"tables/{table.name}.jsonl.gz"
        count, checksum = _write_member(folder / f"{table.name}.jsonl.gz", snap.lines(table, kinds))
        entries.append(
            {
                "name": table.name,
                "member": member,
                "columns": [
                    {"name": c.name, "kind": k} for c, k in zip(table.columns, kinds, strict=True)
                ],
                "rows": count,
                "sha256": checksum,
            }
        )
    return entries


def create(engine: sa.Engine, metadata: sa.MetaData, out_dir: Path, key: str, log_n: int) -> Path:
    """Write a backup of the database into ``out_dir``; returns the file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC)
    target = out_dir / file_name(created_at, bool(key))
    with tempfile.TemporaryDirectory(prefix=".atelier-backup-", dir=out_dir) as work:
        folder = Path(work)
        with snapshot(engine) as snap:
            entries = dump_tables(snap, metadata, folder)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "revision": snap.revision,
                "created_at": created_at.isoformat(),
                "engine": snap.engine_name,
                "tables": entries,
            }
        partial = folder / "backup.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            sink = agefile.Encryptor(raw, key, log_n) if key else raw
            with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, MANIFEST, io.BytesIO(json.dumps(manifest, indent=1).encode()))
                for entry in entries:
                    with open(folder / Path(entry["member"]).name, "rb") as member:
                        _add(tar, entry["member"], member)
            if key:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    return target


def _add(tar: tarfile.TarFile, name: str, fileobj) -> None:
    """Add one member, its size taken from the file object."""
    fileobj.seek(0, os.SEEK_END)
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = fileobj.tell(), 0o600, int(datetime.now(UTC).timestamp())
    fileobj.seek(0)
    tar.addfile(info, fileobj)


@contextmanager
def open_backup(path: Path, key: str) -> Iterator[tuple[dict, Iterator[tuple[dict, Iterator]]]]:
    """Read a backup file as a stream: (manifest, iterator of (table entry, lines))."""
    with open(path, "rb") as raw:
        encrypted = raw.read(len(agefile.MAGIC)) == agefile.MAGIC
        raw.seek(0)
        if encrypted and not key:
            raise BackupError("This backup is encrypted: set BACKUP_KEY to read it.")
        try:
            source = io.BufferedReader(agefile.Decryptor(raw, key), 1 << 16) if encrypted else raw
            with tarfile.open(fileobj=source, mode="r|") as tar:
                first = tar.next()
                if first is None or first.name != MANIFEST:
                    raise BackupError(f"{path} is not an Atelier backup (no manifest first).")
                manifest = json.load(tar.extractfile(first))
                if manifest.get("format") != FORMAT:
                    raise BackupError(f"{path} is not an Atelier backup.")
                if manifest.get("format_version") != FORMAT_VERSION:
                    raise BackupError(
                        f"Backup format {manifest.get('format_version')} is not readable by "
                        f"this version of Atelier (it reads format {FORMAT_VERSION})."
                    )
                yield manifest, _members(tar, manifest)
        except agefile.DecryptionError as exc:
            raise BackupError(f"Cannot decrypt {path}: {exc}.") from None
        except (tarfile.TarError, EOFError, gzip.BadGzipFile, json.JSONDecodeError) as exc:
            raise BackupError(f"{path} is damaged: {exc}.") from None


def _members(tar: tarfile.TarFile, manifest: dict) -> Iterator[tuple[dict, Iterator[bytes]]]:
    """Each table entry of the manifest with its member's lines, in the file's order, in
    blocks of whole lines (:func:`blocks`)."""
    for entry in manifest["tables"]:
        member = tar.next()
        if member is None or member.name != entry["member"]:
            raise BackupError(f"The backup lacks {entry['member']} (or is out of order).")
        with gzip.open(tar.extractfile(member), "rb") as lines:
            yield entry, blocks(lines, BLOCK)


def blocks(stream: io.RawIOBase, size: int) -> Iterator[bytes]:
    """``stream``'s lines, about ``size`` bytes of whole lines at a time (each block ends
    with a newline, but a damaged member's last one): no Python work per line."""
    rest = b""
    while chunk := stream.read(size):
        end = chunk.rfind(b"\n") + 1
        if not end:
            rest += chunk
            continue
        yield rest + chunk[:end]
        rest = chunk[end:]
    if rest:
        yield rest
