"""Query budgets: preview, close and the maker's page run the same number of SQL statements
for 3 makers with a handful of pieces as for 200 makers with tens of thousands of events."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from atelier.db import utcnow
from atelier.people.models import Beneficiary
from atelier.production.models import Item
from atelier.till.models import Return, Sale, SaleLine
from atelier.timeutil import local_date
from atelier.wages import services
from atelier.wages.models import PayslipLine
from atelier.workshops.models import Attendance
from tests.conftest import bearer, sign_in

MARCH = datetime(2026, 3, 1, 8, tzinfo=UTC)
#: makers, pieces per maker; every second piece is sold, every tenth sale returned
SIZES = {"small": (3, 4), "large": (200, 50)}


def bulk(db, model, rows: list[dict]) -> None:
    """Insert many rows in one executemany."""
    if rows:
        db.session.execute(sa.insert(model), rows)


def fill(world, db, makers: int, per_maker: int, start: datetime = MARCH) -> int:
    """Bulk-insert a month of makers, pieces, sales, returns and presences; pieces count."""
    site, shop = world.sites["ORA"], world.sites["AMS"]
    bulk(
        db,
        Beneficiary,
        [
            {
                "display_name": f"M{i}",
                "maker_code": f"BULK{i:05d}",
                "site_id": site.id,
                "programme_id": world.programmes["STEP"].id,
                "birth_year": 1990,
                "gender": "female",
                "public_name_consent": False,
                "is_exited": False,
                "created_at": utcnow(),
            }
            for i in range(makers)
        ],
    )
    maker_ids = db.session.scalars(
        sa.select(Beneficiary.id).where(Beneficiary.maker_code.like("BULK%"))
    ).all()
    world.workshop.stipend_per_hour_cents = 400
    now = utcnow()
    items = []
    for m, maker_id in enumerate(maker_ids):
        for k in range(per_maker):
            n = m * per_maker + k
            items.append(
                {
                    "code": f"BLK-{n:07d}",
                    "tag": f"bulktag{n:09d}",
                    "product_type_id": world.tote.id,
                    "beneficiary_id": maker_id,
                    "origin_site_id": site.id,
                    "site_id": shop.id,
                    "made_on": (start + timedelta(days=n % 28)).date(),
                    "status": "sold" if k % 2 else "in_atelier",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    bulk(db, Item, items)
    sold = db.session.execute(
        sa.select(Item.id, Item.beneficiary_id)
        .where(Item.code.like("BLK-%"), Item.status == "sold")
        .order_by(Item.id)
    ).all()
    bulk(
        db,
        Sale,
        [
            {
                "site_id": shop.id,
                "channel": "till",
                "payment_method": "card",
                "currency": "EUR",
                "total_cents": 1500 + i % 7,
                "sold_at": start + timedelta(minutes=37 * i % (19 * 24 * 60)),
            }
            for i in range(len(sold))
        ],
    )
    sale_ids = db.session.scalars(sa.select(Sale.id).order_by(Sale.id)).all()
    bulk(
        db,
        SaleLine,
        [
            {
                "sale_id": sale_id,
                "item_id": item.id,
                "beneficiary_id": item.beneficiary_id,
                "list_price_cents": 1500,
                "price_cents": 1500 + i % 7,
                "currency": "EUR",
                "discount_reason": "",
                "is_returned": i % 10 == 0,
            }
            for i, (sale_id, item) in enumerate(zip(sale_ids, sold, strict=True))
        ],
    )
    returned = db.session.execute(
        sa.select(SaleLine.id, SaleLine.item_id).where(SaleLine.is_returned.is_(True))
    ).all()
    bulk(
        db,
        Return,
        [
            {
                "sale_line_id": line_id,
                "item_id": item_id,
                "reason": "x",
                "is_restocked": True,
                "refund_cents": 1500,
                "currency": "EUR",
                "returned_at": start + timedelta(days=20),
            }
            for line_id, item_id in returned
        ],
    )
    bulk(
        db,
        Attendance,
        [
            {
                "session_id": world.session.id,
                "beneficiary_id": maker_id,
                "status": "present",
                "recorded_at": now,
            }
            for maker_id in maker_ids
        ],
    )
    db.session.commit()
    return len(items)


@pytest.fixture
def counted(app, count_queries):
    """Run a callable inside a request and count its SQL statements."""

    def run(call):
        with app.test_request_context(), count_queries() as q:
            result = call()
        return q.count, result, q

    return run


@pytest.mark.parametrize("size", sorted(SIZES))
def test_preview_and_close_run_a_bounded_number_of_queries(world, db, counted, size):
    """The live preview and closing March cost the same few statements for 3 makers with a
    dozen pieces as for 200 makers with 10,000 pieces, 5,000 sales and 500 returns."""
    pieces = fill(world, db, *SIZES[size])
    count, view, q = counted(lambda: services.view_period("2026-03"))
    assert count <= 9, q.report()
    assert view.missing_rates == ["EUR"]
    COUNTS[f"preview-{size}"] = count
    count, view, q = counted(
        lambda: services.close_period(
            "2026-03", {"EUR": "4.9770"}, world.users["admin"], on=date(2026, 4, 2)
        )
    )
    db.session.commit()
    assert count <= 23, q.report()
    COUNTS[f"close-{size}"] = count
    assert len(view.slips) == SIZES[size][0] + 1
    lines = db.session.scalar(sa.select(sa.func.count()).select_from(PayslipLine))
    assert lines >= pieces * 1.5
    assert sum(s.total_cents for s in view.slips) == db.session.scalar(
        sa.select(sa.func.sum(PayslipLine.amount_cents))
    )


COUNTS: dict[str, int] = {}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_maker_page_and_api_run_a_bounded_number_of_queries(client, world, db, count_queries, size):
    """Her earnings page and API: a fixed number of statements, however many pieces."""
    today = local_date(utcnow(), "Europe/Bucharest")
    _makers, per_maker = SIZES[size]
    fill(world, db, 1, per_maker * 3, start=datetime(today.year, today.month, 1, 8, tzinfo=UTC))
    bulk = db.session.scalar(sa.select(Beneficiary).where(Beneficiary.maker_code == "BULK00000"))
    world.users["beneficiary"].beneficiary_id = bulk.id
    headers = bearer(world.users["beneficiary"])
    sign_in(client, world.users["beneficiary"])
    with count_queries() as page_q:
        page = client.get("/me/earnings")
    with count_queries() as api_q:
        api = client.get("/api/v1/me/earnings", headers=headers)
    assert page.status_code == api.status_code == 200
    assert page_q.count <= 12, page_q.report()
    assert api_q.count <= 12, api_q.report()
    COUNTS[f"page-{size}"], COUNTS[f"api-{size}"] = page_q.count, api_q.count
    assert api.get_json()["current"]["accrued_cents"] > 0


def test_budgets_do_not_grow_with_data():
    """The large month ran exactly as many statements as the small one, everywhere."""
    for name in ("preview", "close", "page", "api"):
        if f"{name}-small" in COUNTS and f"{name}-large" in COUNTS:
            assert COUNTS[f"{name}-small"] == COUNTS[f"{name}-large"], (name, COUNTS)
