"""The bench generator builds a consistent, deterministic history (tiny scale, fast)."""

import os
from datetime import date

import pytest
import sqlalchemy as sa

from bench import dbutil
from bench.generate import generate

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
