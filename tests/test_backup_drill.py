"""The restore drill: back up while a till keeps selling, restore into SQLite and (with
PostgreSQL) into a fresh PostgreSQL database, and read the same answers through the API."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from atelier.auth.models import User
from atelier.auth.services import issue_token
from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.till.models import Sale, SaleLine
from atelier.wages import services as wages
from tests import factories as f
from tests.backup_helpers import fresh_database, invoke
from tests.conftest import bearer, on_postgres

KEY = "the drill's backup passphrase"


def _seed(world):
    """A month of work: pieces sold in March, a rate, a roll-call, a target; and 40 of
    Oksana's pieces on the Amsterdam shelf for the till to sell during the backup."""
    ams = world.sites["AMS"]
    march = [f.make_item(world.tote, world.elena, site=ams, status="in_shop") for _ in range(3)]
    f.make_sale(ams, march, sold_at=datetime(2026, 3, 12, 15, 30, tzinfo=UTC), prices=[1500] * 3)
    f.make_sale(ams, [world.item_shop], sold_at=datetime(2026, 3, 20, 9, 0, 0, 123456, tzinfo=UTC))
    wages.set_rates("2026-03", {"EUR": "4.9770"})
    f.make_attendance(world.session, world.elena)
    f.make_target(2026, "vocational_participants", 12)
    shelf = [f.make_item(world.tote, world.oksana, site=ams, status="in_shop") for _ in range(41)]
    _db.session.commit()
    # the last piece is kept back: the restored databases sell it
    return march[0].code, [item.code for item in shelf]


def _sell_until(client, headers, codes, stop: threading.Event, sold: list) -> None:
    """The till: one piece per sale, until told to stop (or out of pieces)."""
    for code in codes:
        if stop.is_set():
            return
        body = {"shop": "AMS", "payment_method": "card", "lines": [{"scan": code}]}
        response = client.post("/api/v1/sales", json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        sold.append(code)


def _headers(app, username: str) -> dict:
    """A bearer token for ``username`` in ``app``'s database."""
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == username))
        secret, _ = issue_token(user)
        _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _answers(app, admin: str, maker: str, item_code: str) -> dict[str, bytes]:
    """The pay period, indicators, a piece and a maker's earnings, as the API sends them."""
    client = app.test_client()
    as_admin, as_maker = _headers(app, admin), _headers(app, maker)
    reads = {
        "pay period": client.get("/api/v1/pay-periods/2026-03", headers=as_admin),
        "indicators": client.get("/api/v1/indicators?year=2026", headers=as_admin),
        "item": client.get(f"/api/v1/items/{item_code}", headers=as_admin),
        "earnings": client.get("/api/v1/me/earnings", headers=as_maker),
    }
    assert {r.status_code for r in reads.values()} == {200}
    return {name: r.get_data() for name, r in reads.items()}


def _one_point_in_time(app) -> int:
    """Every sold piece has its sale line and every sale its total: no half-copied sale.
    Returns the number of sales."""
    with app.app_context():
        sold = _db.session.scalar(sa.select(sa.func.count()).where(Item.status == "sold"))
        lines = _db.session.scalar(sa.select(sa.func.count()).select_from(SaleLine))
        totals = _db.session.execute(
            sa.select(Sale.total_cents, sa.func.sum(SaleLine.price_cents))
            .join(SaleLine)
            .group_by(Sale.id)
        ).all()
        assert sold == lines and all(total == summed for total, summed in totals)
        return _db.session.scalar(sa.select(sa.func.count()).select_from(Sale))


@pytest.mark.usefixtures("db")
def test_restore_drill_while_the_till_sells(app, runner, world, tmp_path):
    """A backup taken while sales go on holds one instant. Restored into SQLite (and, backed
    up again there, into a fresh PostgreSQL), each answers the pay period, indicators, piece
    and earnings byte for byte alike, and as the live system does; each takes new sales."""
    app.config["BACKUP_KEY"] = KEY
    march_code, shelf = _seed(world)
    spare, shelf = shelf[-1], shelf[:-1]
    admin, maker = world.users["admin"].username, world.users["beneficiary"].username
    shop_name = world.users["shop"].username
    stop, sold = threading.Event(), []
    till = threading.Thread(
        target=_sell_until, args=(app.test_client(), bearer(world.users["shop"]), shelf, stop, sold)
    )
    till.start()
    try:
        while len(sold) < 3 and till.is_alive():
            threading.Event().wait(0.01)
        sold_before = len(sold)
        made = runner.invoke(args=["backup", "create", "--out", str(tmp_path)])
        sold_during = len(sold) - sold_before
    finally:
        stop.set()
        till.join()
        app.config["BACKUP_KEY"] = ""
    assert made.exit_code == 0, made.output
    assert sold_during > 0  # the till went on selling while the backup ran
    live = _answers(app, admin, maker, march_code)
    # PostgreSQL runs go the whole way round: PostgreSQL → SQLite → a fresh PostgreSQL
    engines = ["sqlite"] + (["postgresql"] if on_postgres() else [])
    restored_answers, backup = {}, made.stdout.strip()
    for engine in engines:
        (tmp_path / engine).mkdir()
        with fresh_database(tmp_path / engine, app.config["BACKUP_DIR"], engine) as restored:
            restored.config["BACKUP_KEY"] = KEY
            result = invoke(restored, "backup", "restore", backup)
            assert result.exit_code == 0, result.output
            sales = _one_point_in_time(restored)
            assert 2 + sold_before <= sales <= 2 + len(sold)
            restored_answers[engine] = _answers(restored, admin, maker, march_code)
            again = invoke(restored, "backup", "create", "--out", str(tmp_path / engine))
            assert again.exit_code == 0, again.output
            backup = again.stdout.strip()  # made on this engine: the next one restores it
            # the restored database takes a new sale of a piece still on the shelf
            client, shop = restored.test_client(), _headers(restored, shop_name)
            body = {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": spare}]}
            sale = client.post("/api/v1/sales", json=body, headers=shop)
            assert sale.status_code == 201, sale.get_data(as_text=True)
    for engine, answers in restored_answers.items():
        for name in ("pay period", "item", "earnings"):  # the till sold none of these
            assert answers[name] == live[name], (engine, name)
        assert answers == restored_answers["sqlite"], engine
    assert b'"2026-03"' in live["pay period"] and b'"total_cents"' in live["pay period"]
