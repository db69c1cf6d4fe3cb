"""Bench plumbing: database URLs, empty databases, migrated schemas, chunked bulk inserts."""

import json
import os
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from atelier import create_app
from atelier.extensions import db

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/atelier_bench")

#: settings for an app built by the bench (never TESTING: we measure the real thing)
BENCH_SETTINGS = {
    "SECRET_KEY": "bench-only-secret",
    "WTF_CSRF_ENABLED": False,
    "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "LOGIN_RATE_LIMIT_PER_ADDRESS": "100000 per minute",
    "PUBLIC_RATE_LIMIT": "100000 per minute",
    "PUBLIC_BASE_URL": "https://atelier.bench",
}


def normalise(url: str) -> str:
    """postgresql:// → the psycopg 3 driver SQLAlchemy needs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def plain(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (for psycopg and gunicorn's DATABASE_URL)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def url_for(engine: str, name: str) -> str:
    """The URL of the bench database ``name`` on ``engine`` ('sqlite' or 'postgresql')."""
    if engine == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / (name + '.sqlite3')}"
    base = sa.engine.make_url(normalise(PG_BASE))
    # the bench's databases are named after BENCH_PG_URL's (atelier_perf → atelier_perf_s…),
    # so that runs by several people on one server never share a database
    if base.database and name.startswith("atelier_bench"):
        name = base.database + name[len("atelier_bench") :]
    return base.set(database=name).render_as_string(hide_password=False)


def reachable(engine: str) -> bool:
    """True if the bench can use this engine (PostgreSQL answers at BENCH_PG_URL)."""
    if engine == "sqlite":
        return True
    try:
        probe = sa.create_engine(normalise(PG_BASE).rsplit("/", 1)[0] + "/postgres")
        with probe.connect():
            pass
        probe.dispose()
    except sa.exc.OperationalError:
        return False
    return True


def fresh_database(url: str) -> None:
    """Make ``url`` an empty database (create it on PostgreSQL, delete the file on SQLite)."""
    url = normalise(url)
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, **overrides):
    """An Atelier app on ``url`` with bench settings."""
    return create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": normalise(url), **overrides})


def migrate(app) -> None:
    """Build the schema with the migrations (never create_all)."""
    with app.app_context():
        upgrade()


def insert(conn, table, rows: list[dict], chunk: int = 5000) -> None:
    """Chunked bulk insert of ``rows`` into ``table`` (Core; column defaults fill the rest).

    SQLite: executemany (a C loop). PostgreSQL: COPY on the same connection and transaction
    (executemany ran at ~1,500 rows/s on a busy 2-core machine: L took over 10 minutes).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, rows)
        return
    for start in range(0, len(rows), chunk):
        conn.execute(table.insert(), rows[start : start + chunk])


def _copy(conn, table, rows: list[dict]) -> None:
    """COPY rows into a PostgreSQL table; Python-side column defaults fill missing columns."""
    given = list(rows[0])
    defaults = [
        c
        for c in table.c
        if c.name not in given
        and c.default is not None
        and (c.default.is_scalar or c.default.is_callable)
    ]
    names = given + [c.name for c in defaults]
    cols = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            extra = [
                c.default.arg if c.default.is_scalar else c.default.arg(None) for c in defaults
            ]
            copy.write_row([_copyable(v) for v in [row[n] for n in given] + extra])


def _copyable(value):
    """A value COPY can take as text: a JSON document (a dict or list) as its JSON."""
    return json.dumps(value) if isinstance(value, dict | list) else value


def reset_sequences(conn) -> None:
    """PostgreSQL: move every id sequence past the ids the bulk insert chose."""
    if conn.dialect.name != "postgresql":
        return

    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        top = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        conn.execute(
            sa.select(sa.func.setval(sa.func.pg_get_serial_sequence(table.name, "id"), top, False))
        )
