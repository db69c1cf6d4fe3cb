"""Backup rules without a database: the retention schedule, the age file format (read and
written by pyrage too), and the engine-neutral row form."""

import io
import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pyrage import passphrase

from atelier.backup import agefile, rows
from atelier.backup.archive import file_name
from atelier.backup.restore import sqlite_instant
from atelier.backup.rules import taken_at, to_keep

KEY = "a long enough backup passphrase"


def test_prune_keeps_the_newest_of_each_of_14_days_and_12_months():
    """Nightly backups (two on some nights) for 500 days: 14 daily and 12 monthly remain, the
    monthly ones each month's last; the newest is always kept."""
    end = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    times = [end - timedelta(days=d) for d in range(500)]
    times += [t + timedelta(hours=1) for t in times[:20:3]]
    kept = to_keep(times, keep_daily=14, keep_monthly=12)
    assert max(times) in kept
    days = {t.date() for t in kept}
    assert {end.date() - timedelta(days=d) for d in range(14)} <= days
    monthly = sorted(t for t in kept if t.date() < date(2026, 11, 22))
    assert [(t.year, t.month) for t in monthly] == [(2026, m) for m in range(1, 11)]
    assert all((t + timedelta(days=1)).month != t.month for t in monthly)  # month's last
    assert len(kept) == 14 + 10  # December's and November's last are daily ones too
    assert to_keep(times, 0, 0) == {max(times)}


@pytest.mark.usefixtures("tmp_path")
def test_prune_reads_only_backup_names():
    """Files that are not backups are never candidates."""
    name = file_name(datetime(2026, 3, 1, 2, 0, 5, tzinfo=UTC), encrypted=True)
    assert name == "atelier-20260301T020005Z.tar.age"
    assert taken_at(Path(name)) == datetime(2026, 3, 1, 2, 0, 5, tzinfo=UTC)
    for other in ("erasures.jsonl", "atelier-notadate.tar", "atelier-20260301T020005Z.zip"):
        assert taken_at(Path(other)) is None


def test_prune_command_deletes_what_the_schedule_drops(runner, tmp_path):
    """``backup prune --dir`` deletes old backups only, and says which."""
    start = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    for day in range(40):
        (tmp_path / file_name(start + timedelta(days=day), encrypted=True)).write_bytes(b"x")
    (tmp_path / "erasures.jsonl").write_text("{}\n")
    result = runner.invoke(
        args=["backup", "prune", "--dir", str(tmp_path), "--keep-daily", "3", "--keep-monthly", "2"]
    )
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "atelier-20260131T020000Z.tar.age",
        "atelier-20260207T020000Z.tar.age",
        "atelier-20260208T020000Z.tar.age",
        "atelier-20260209T020000Z.tar.age",
        "erasures.jsonl",
    ]
    assert "36 backup(s) deleted" in result.output


@pytest.mark.parametrize("size", [0, 1, agefile.CHUNK - 1, agefile.CHUNK, 2 * agefile.CHUNK + 7])
def test_age_files_we_write_are_read_by_pyrage(size):
    """What we write, streamed in pieces, pyrage decrypts whole, at every chunk edge."""
    data = os.urandom(size)
    out = io.BytesIO()
    writer = agefile.Encryptor(out, KEY, log_n=10)
    for i in range(0, size, 10_000):
        writer.write(data[i : i + 10_000])
    writer.close()
    assert passphrase.decrypt(out.getvalue(), KEY) == data
    assert agefile.Decryptor(io.BytesIO(out.getvalue()), KEY).read() == data


def test_age_files_pyrage_writes_are_read_by_us():
    """A file pyrage wrote (its own scrypt work factor: one slow test) reads back."""
    data = os.urandom(2 * agefile.CHUNK + 7)
    assert agefile.Decryptor(io.BytesIO(passphrase.encrypt(data, KEY)), KEY).read() == data


def test_age_refuses_a_wrong_key_and_a_truncated_file():
    """A wrong passphrase and a file cut at a chunk boundary are errors, never short data."""
    out = io.BytesIO()
    writer = agefile.Encryptor(out, KEY, log_n=10)
    writer.write(os.urandom(3 * agefile.CHUNK))
    writer.close()
    with pytest.raises(agefile.DecryptionError, match="wrong BACKUP_KEY"):
        agefile.Decryptor(io.BytesIO(out.getvalue()), "another long passphrase")
    header = len(out.getvalue()) - 3 * (agefile.CHUNK + agefile.TAG) - agefile.TAG
    cut = out.getvalue()[: header + 2 * (agefile.CHUNK + agefile.TAG)]
    with pytest.raises(agefile.DecryptionError, match="damaged or truncated"):
        agefile.Decryptor(io.BytesIO(cut), KEY).read()


def test_rows_are_written_the_same_whatever_the_engine_returned():
    """A naive SQLite instant and an aware PostgreSQL one of the same moment give one line;
    bytes, dates and booleans come back as they went."""
    kinds = ["int", "bool", "instant", "date", "bytes", "text", "decimal"]
    encode, decode = rows.encoder(kinds), rows.decoder(kinds)
    moment = datetime(2026, 3, 10, 12, 0, 1, 500, tzinfo=UTC)
    from_pg = (1, True, moment.astimezone(), date(2026, 3, 2), b"\x00\xff", "Ș", "4.9770")
    from_sqlite = (1, 1, moment.replace(tzinfo=None), date(2026, 3, 2), b"\x00\xff", "Ș", "4.9770")
    assert encode(from_pg) == encode(from_sqlite)
    back = decode(encode(from_pg))
    assert back[:6] == (1, True, moment, date(2026, 3, 2), b"\x00\xff", "Ș")
    assert str(back[6]) == "4.9770"


def test_a_row_is_the_same_json_as_the_standard_encoder_writes():
    """The encoder made once for every row writes what ``json`` writes with the format's
    options, byte for byte (so checksums never depend on which one wrote a line), and
    refuses a value with no JSON form."""
    awkward = [None, True, False, 0, -5, 2**62, "", 'a"b\\c', "\n\t\r\x00\x1f\x7f"]
    awkward += ["Ștefănescu €𝄞", "\u2028\u2029", "],[", "/", "null"]
    standard = json.dumps(awkward, ensure_ascii=False, separators=(",", ":"))
    assert rows.encoder(["text"] * len(awkward))(awkward) == (standard + "\n").encode()
    with pytest.raises(TypeError):
        rows.encoder(["text"])([object()])


def test_an_instant_is_restored_into_sqlite_as_sqlalchemy_keeps_it():
    """A line's instant becomes SQLite's naive UTC text with six decimals, whether it has
    microseconds or not, and one at another offset (not written by Atelier) is moved to UTC."""
    assert sqlite_instant("2026-03-10T12:00:01+00:00") == "2026-03-10 12:00:01.000000"
    assert sqlite_instant("2026-03-10T12:00:01.000500+00:00") == "2026-03-10 12:00:01.000500"
    assert sqlite_instant("2026-03-10T01:00:01.5+02:00") == "2026-03-09 23:00:01.500000"
