"""Bench of ``flask backup create`` and ``backup restore`` at each scale and engine, side by
side with the engine's own tool on the same database (PostgreSQL: ``pg_dump -Fc`` and
``pg_restore``; SQLite: ``sqlite3 .backup`` and ``.restore``), with each process's peak RSS.
Writes bench/data/backup.json (``bench/report.py`` adds it to RESULTS.md).

Reuses the databases ``bench.run`` generated (generates a missing one).
``python -m bench.backup [--engines sqlite,postgresql] [--scales S,M,L]``
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench import dbutil
from bench.generate import generate

KEY = "bench-backup-passphrase"  # bench databases only
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def run(command: list[str], env: dict | None = None) -> dict:
    """Run ``command``; its wall time (s), peak RSS (MiB) and output. Fails loudly.

    The peak RSS comes from GNU time, a small process: a child forked from this Python would
    inherit this process's high-water mark."""
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        done = subprocess.run(  # noqa: S603 - our own commands
            ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *command],
            cwd=dbutil.ROOT,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        peak_kib = int(rss.read().split()[-1] or 0)
    if done.returncode:
        raise RuntimeError(f"{command[:4]} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return {"s": round(elapsed, 2), "rss_mib": round(peak_kib / 1024, 1), "out": done.stdout}


def _rows(url: str) -> int:
    """Rows in the bench database (0 if it does not exist)."""
    try:
        engine = sa.create_engine(dbutil.normalise(url))
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            total = sum(
                conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar()  # noqa: S608
                for n in names
                if n != "alembic_version"
            )
        engine.dispose()
        return total
    except sa.exc.OperationalError:
        return 0


def _app_env(url: str) -> dict:
    return {"DATABASE_URL": dbutil.plain(url), "BACKUP_KEY": KEY, "ATELIER_ENV": "development"}


def bench_one(engine: str, scale: str, folder: Path, prefix: str = "atelier_bench") -> dict:
    """Backup and restore of one bench database, ours and the engine's own, timed."""
    url = dbutil.url_for(engine, f"{prefix}_{scale.lower()}")
    if not _rows(url):
        generate(url, scale)
    target = dbutil.url_for(engine, f"{prefix}_restore")
    ours = run([*FLASK, "backup", "create", "--out", str(folder)], _app_env(url))
    path = ours["out"].strip()
    result = {"engine": engine, "scale": scale, "rows": _rows(url)}
    # what any console command pays before it starts: Python, imports, the app factory
    result["startup_s"] = run([*FLASK, "backup", "--help"], _app_env(url))["s"]
    result["size_mib"] = round(Path(path).stat().st_size / 2**20, 2)
    dbutil.fresh_database(target)
    run([*FLASK, "db", "upgrade"], _app_env(target))
    restored = run([*FLASK, "backup", "restore", path], _app_env(target))
    result["ours"] = {"backup": ours, "restore": restored}
    if engine == "postgresql":
        dump = folder / f"{scale}.dump"
        source, into = dbutil.plain(url), dbutil.plain(target)
        tool_backup = run(["pg_dump", "-Fc", "-f", str(dump), source])
        _drop_schema(target)
        tool_restore = run(["pg_restore", "--no-owner", "-d", into, str(dump)])
    else:
        copy = folder / f"{scale}.sqlite3"
        source = sa.engine.make_url(url).database
        tool_backup = run(["sqlite3", source, f".backup '{copy}'"])
        into = sa.engine.make_url(target).database
        Path(into).unlink(missing_ok=True)
        tool_restore = run(["sqlite3", into, f".restore '{copy}'"])
    result["tool"] = {"backup": tool_backup, "restore": tool_restore}
    for part in ("backup", "restore"):
        for side in ("ours", "tool"):
            result[side][part].pop("out", None)
        result[f"{part}_ratio"] = round(result["ours"][part]["s"] / result["tool"][part]["s"], 1)
    Path(path).unlink()
    return result


def _drop_schema(url: str) -> None:
    """An empty PostgreSQL database for pg_restore (it creates the schema itself)."""
    engine = sa.create_engine(dbutil.normalise(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def main() -> None:
    """Every scale on every reachable engine; writes bench/data/backup.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--scales", default="S,M,L")
    parser.add_argument("--out", default=str(dbutil.DATA / "backup.json"))
    parser.add_argument("--prefix", default="atelier_bench", help="database names <prefix>_<scale>")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="atelier-bench-backup-") as folder:
        for engine in args.engines.split(","):
            if not dbutil.reachable(engine):
                print(f"== {engine}: not reachable; skipped")
                continue
            for scale in args.scales.split(","):
                print(f"== backup {engine} {scale}", flush=True)
                results.append(bench_one(engine, scale, Path(folder), args.prefix))
                print(f"   {results[-1]}", flush=True)
    dbutil.DATA.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps({"date": time.strftime("%Y-%m-%d %H:%M %Z"), "runs": results}, indent=1)
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
