"""The bench generator builds a consistent, deterministic history (tiny scale, fast)."""

import os
from datetime import date

import pytest
import sqlalchemy as sa

from atelier.extensions import db
from bench import dbutil, fixtures
from bench.bare import create_bare_app
from bench.generate import generate
from bench.run import SHOP

TODAY = date(2026, 3, 15)
TABLES = ("beneficiaries", "items", "sales", "sale_lines", "attendances", "payslip_lines")


def _generate(url: str, seed: int = 2026) -> sa.Engine:
    """A tiny history at ``url``; an engine on it."""
    generate(url, "T", seed=seed, today=TODAY)
    return sa.create_engine(dbutil.normalise(url))


def _dump(engine) -> dict:
    """Every row of the main tables, in id order."""
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY id")).all()
            for name in TABLES
        }


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """One tiny generated history on SQLite."""
    engine = _generate(f"sqlite:///{tmp_path_factory.mktemp('bench') / 'a.sqlite3'}")
    yield engine
    engine.dispose()


def _assert_consistent(engine) -> None:
    """Codes gap-free per atelier, one active line per sold piece, rolls only of participants."""
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        for code, seq in q("SELECT code, item_seq FROM sites WHERE kind = 'atelier'"):
            numbers = sorted(
                int(c.split("-")[1])
                for (c,) in q(f"SELECT code FROM items WHERE code LIKE '{code}-%'")
            )
            assert numbers == list(range(1, seq + 1)), code
        assert q("SELECT COUNT(*) FROM items")[0][0] > 100
        sold_lines = q(
            "SELECT i.status, COUNT(l.id) FROM items i LEFT JOIN sale_lines l "
            "ON l.item_id = i.id AND l.is_returned = false GROUP BY i.id, i.status"
        )
        assert {n for status, n in sold_lines if status == "sold"} == {1}
        assert {n for status, n in sold_lines if status != "sold"} == {0}
        assert q(
            "SELECT COUNT(*) FROM attendances a JOIN workshop_sessions s "
            "ON s.id = a.session_id WHERE NOT EXISTS (SELECT 1 FROM workshop_participants p "
            "WHERE p.workshop_id = s.workshop_id AND p.beneficiary_id = a.beneficiary_id)"
        ) == [(0,)]
        assert q(
            "SELECT COUNT(*) FROM sales s WHERE total_cents != (SELECT SUM(price_cents) "
            "FROM sale_lines l WHERE l.sale_id = s.id)"
        ) == [(0,)]
        assert q(
            "SELECT COUNT(*) FROM payslips p WHERE total_cents != (SELECT SUM(amount_cents) "
            "FROM payslip_lines l WHERE l.payslip_id = p.id)"
        ) == [(0,)]
        assert q("SELECT COUNT(*) FROM payslips")[0][0] > 0


def test_generated_history_is_consistent(history):
    """A bench database holds the rows the services would have written."""
    _assert_consistent(history)


def test_same_seed_gives_the_same_rows(history, tmp_path):
    """Figures are comparable across runs: the same seed builds the same history."""
    again = _generate(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    other = _generate(f"sqlite:///{tmp_path / 'c.sqlite3'}", seed=7)
    try:
        assert _dump(again) == _dump(history)
        assert _dump(other)["items"] != _dump(history)["items"]
    finally:
        again.dispose()
        other.dispose()


@pytest.mark.postgres
def test_generated_history_is_consistent_on_postgresql():
    """The same generator fills PostgreSQL (its own database beside the test one)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs TEST_DATABASE_URL")
    parsed = sa.engine.make_url(dbutil.normalise(url))
    engine = _generate(
        parsed.set(database=f"{parsed.database}_bench").render_as_string(hide_password=False)
    )
    try:
        _assert_consistent(engine)
    finally:
        engine.dispose()


def _writes(engine, since: dict) -> dict:
    """Rows added to the tables a sale writes since ``since`` (max ids), and the kinds of
    the new events and audit entries."""
    with engine.connect() as conn:
        count = lambda table: conn.execute(  # noqa: E731
            sa.text(f"SELECT COUNT(*) FROM {table} WHERE id > :n"), {"n": since[table]}
        ).scalar_one()
        return {
            "sales": count("sales"),
            "sale_lines": count("sale_lines"),
            "sold events": conn.execute(
                sa.text("SELECT COUNT(*) FROM item_events WHERE id > :n AND kind = 'sold'"),
                {"n": since["item_events"]},
            ).scalar_one(),
            "audit": conn.execute(
                sa.text("SELECT action FROM audit_entries WHERE id > :n"),
                {"n": since["audit_entries"]},
            ).all(),
        }


def _max_ids(engine) -> dict:
    """The highest id of each table a sale writes."""
    tables = ("sales", "sale_lines", "item_events", "audit_entries")
    with engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar_one()
            for t in tables
        }


def test_bare_full_sale_writes_what_the_till_sale_writes(tmp_path):
    """The bench's floor (the till sale's statements with no framework) is only a fair
    bound if it writes the same rows as the real sale: a sale, a line and a 'sold' event
    per piece, one audit entry; and, like the till, it refuses a piece already sold."""
    url = f"sqlite:///{tmp_path / 'floor.sqlite3'}"
    engine = _generate(url)
    app = dbutil.make_app(url)
    token = fixtures.tokens(app, [SHOP])[SHOP]
    with app.app_context(), db.engine.begin() as conn:
        till, floor = (fixtures.add_pieces(conn, "ORA", "AMS", 3, "in_shop") for _ in "ab")
    bare = create_bare_app(url).test_client()
    auth = {"Authorization": f"Bearer {token}"}
    try:
        before = _max_ids(engine)
        sold = app.test_client().post(
            "/api/v1/sales",
            json={"shop": "AMS", "payment_method": "card", "lines": [{"scan": c} for c in till]},
            headers=auth,
        )
        assert sold.status_code == 201, sold.get_data(as_text=True)
        by_till = _writes(engine, before)
        middle = _max_ids(engine)
        answer = bare.post("/bare/full-sales", json={"shop": "AMS", "codes": floor}, headers=auth)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        assert _writes(engine, middle) == by_till
        assert by_till["sale_lines"] == by_till["sold events"] == 3
        after = _max_ids(engine)
        again = bare.post("/bare/full-sales", json={"shop": "AMS", "codes": floor}, headers=auth)
        assert again.status_code == 409
        assert _writes(engine, after) == {
            "sales": 0,
            "sale_lines": 0,
            "sold events": 0,
            "audit": [],
        }
    finally:
        engine.dispose()
        with app.app_context():
            db.engine.dispose()
