"""Wages use cases against the database: preview, close, late events, boundaries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.catalog.models import ProductRule
from atelier.errors import Invalid
from atelier.wages import demo, services
from atelier.wages.models import ExchangeRate, PayPeriod, Payslip, PayslipLine
from tests import factories as f

AFTER_APRIL = date(2026, 5, 2)


@pytest.fixture(autouse=True)
def _request(app, db):  # noqa: ARG001 - the database is set up first
    """Messages are translated, so services run inside a request."""
    with app.test_request_context():
        yield


def slip_of(view, maker):
    """The maker's slip in a period view (or None)."""
    return next((s for s in view.slips if s.beneficiary_id == maker.id), None)


@pytest.mark.usefixtures("db")
def test_preview_pays_pieces_sales_and_stipend(world):
    """A month's preview has one traceable line per piece, sale line and presence."""
    world.workshop.stipend_per_hour_cents = 500
    f.make_attendance(world.session, world.elena)  # 3 h on 2 March
    sale = f.make_sale(world.sites["AMS"], [world.item_shop], prices=[1500])
    f.make_item(world.tote, world.elena, status="rejected")
    services.set_rates("2026-03", {"EUR": "4.9770"})
    view = services.preview("2026-03")
    slip = slip_of(view, world.elena)
    kinds = [(x.kind, x.amount_cents) for x in slip.lines]
    # two passed pieces at 10.00, 20 % of 15.00 EUR = 3.00 EUR × 4.977 = 14.931 → 14.93, 3 h × 5
    assert kinds == [("piece", 1000), ("piece", 1000), ("sales_share", 1493), ("stipend", 1500)]
    assert slip.total_cents == 4993
    assert view.missing_rates == []
    sale_line = sale.lines[0]
    assert ("sale_line", sale_line.id) in {(x.source_type, x.source_id) for x in slip.lines}


@pytest.mark.usefixtures("db")
def test_missing_rate_leaves_the_line_out(world):
    """Without a EUR rate the sale line has no amount, and EUR is listed as missing."""
    f.make_sale(world.sites["AMS"], [world.item_shop])
    view = services.preview("2026-03")
    slip = slip_of(view, world.elena)
    assert [x.amount_cents for x in slip.lines if x.kind == "sales_share"] == [None]
    assert view.missing_rates == ["EUR"]
    assert slip.total_cents == 2000
    with pytest.raises(Invalid) as refused:
        services.close_period("2026-03", None, world.users["admin"], on=AFTER_APRIL)
    assert "exchange_rates.EUR" in refused.value.fields


@pytest.mark.usefixtures("db")
def test_piece_at_2330_on_last_day_is_paid_that_month(world):
    """A piece logged at 23:30 local time on 31 March (made_on 31 March) is March's."""
    late = f.make_item(
        world.tote,
        world.elena,
        made_on=date(2026, 3, 31),
        created_at=datetime(2026, 3, 31, 20, 30, tzinfo=UTC),
    )
    march = {x.source_id for x in slip_of(services.preview("2026-03"), world.elena).lines}
    april = slip_of(services.preview("2026-04"), world.elena)
    assert late.id in march
    assert april is None


@pytest.mark.parametrize(
    ("sold_at", "period"),
    [
        (datetime(2026, 3, 31, 20, 30, tzinfo=UTC), "2026-03"),  # 23:30 EEST, after the DST change
        (datetime(2026, 3, 31, 21, 30, tzinfo=UTC), "2026-04"),  # 00:30 on 1 April local
        (datetime(2026, 10, 31, 21, 30, tzinfo=UTC), "2026-10"),  # 23:30 EET, after the change back
        (datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "2026-11"),  # 00:30 on 1 November local
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "2026-03"),  # the hour the clocks jump
    ],
)
@pytest.mark.usefixtures("db")
def test_sales_fall_in_the_local_month_across_dst(world, sold_at, period):
    """Month boundaries follow Bucharest time, in summer and winter time alike."""
    f.make_sale(world.sites["AMS"], [world.item_shop], sold_at=sold_at)
    view = services.preview(period)
    assert [x.kind for x in slip_of(view, world.elena).lines].count("sales_share") == 1


def test_rule_change_on_the_15th_pays_earlier_pieces_at_the_old_rate(world, db):
    """Pieces made before the 15th keep the old piece rate; from the 15th the new one."""
    db.session.add(
        ProductRule(
            product_type_id=world.tote.id,
            effective_from=date(2026, 3, 15),
            price_cents=1500,
            price_currency="EUR",
            piece_rate_cents=1200,
            maker_share_bp=2000,
        )
    )
    db.session.flush()
    world.item_shop.status = "voided"
    before = f.make_item(world.tote, world.elena, made_on=date(2026, 3, 14))
    after = f.make_item(world.tote, world.elena, made_on=date(2026, 3, 15))
    db.session.flush()
    db.session.expire_all()
    lines = {
        x.source_id: x.amount_cents for x in slip_of(services.preview("2026-03"), world.elena).lines
    }
    assert lines[before.id] == 1000
    assert lines[after.id] == 1200
    assert world.item_shop.id not in lines


def test_close_freezes_and_later_return_lands_in_next_month(world, db):
    """A closed month is byte-for-byte unchanged after a later return; April takes it back."""
    sale = f.make_sale(world.sites["AMS"], [world.item_shop])
    admin = world.users["admin"]
    closed = services.close_period("2026-03", {"EUR": "4.9770"}, admin, on=AFTER_APRIL)
    db.session.commit()
    before = repr([(s.beneficiary_id, s.total_cents, s.lines) for s in closed.slips])
    f.make_return(sale.lines[0], returned_at=datetime(2026, 4, 3, tzinfo=UTC))
    late = f.make_item(world.tote, world.elena, made_on=date(2026, 3, 20))
    services.set_rates("2026-04", {"EUR": "5.1000"})
    db.session.commit()
    again = services.view_period("2026-03")
    assert repr([(s.beneficiary_id, s.total_cents, s.lines) for s in again.slips]) == before
    april = slip_of(services.preview("2026-04"), world.elena)
    assert [(x.kind, x.amount_cents) for x in april.lines] == [
        ("piece", 1000),
        ("adjustment", -1493),
    ]
    assert april.lines[0].source_id == late.id
    assert (
        db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "wages.close"))
        == "wages.close"
    )


@pytest.mark.usefixtures("db")
def test_closing_twice_or_too_early_is_a_conflict(world):
    """A closed month cannot be closed again, nor can a month that has not ended."""
    admin = world.users["admin"]
    with pytest.raises(services.PeriodNotOver):
        services.close_period("2026-03", None, admin, on=date(2026, 3, 31))
    services.close_period("2026-03", None, admin, on=AFTER_APRIL)
    with pytest.raises(services.PeriodClosed):
        services.close_period("2026-03", None, admin, on=AFTER_APRIL)
    with pytest.raises(services.PeriodClosed):
        services.set_rates("2026-03", {"EUR": "5"})


@pytest.mark.usefixtures("db")
def test_return_in_same_month_nets_to_zero(world):
    """A piece sold and returned in one month: the share and its adjustment cancel out."""
    sale = f.make_sale(world.sites["AMS"], [world.item_shop])
    f.make_return(sale.lines[0], returned_at=datetime(2026, 3, 20, tzinfo=UTC))
    services.set_rates("2026-03", {"EUR": "4.9770"})
    lines = slip_of(services.preview("2026-03"), world.elena).lines
    shares = [x.amount_cents for x in lines if x.kind in ("sales_share", "adjustment")]
    assert shares == [1493, -1493]


def test_closed_lines_are_unique_per_source(world, db):
    """Nothing is paid twice: each piece appears on exactly one payslip line."""
    admin = world.users["admin"]
    services.close_period("2026-03", None, admin, on=AFTER_APRIL)
    services.close_period("2026-04", None, admin, on=date(2026, 5, 2))
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PayslipLine)
        .where(PayslipLine.source_id == world.item_atelier.id, PayslipLine.kind == "piece")
    )
    assert count == 1


@pytest.mark.usefixtures("world", "db")
def test_bad_rates_are_refused_by_name():
    """A bad currency or rate is a 400 naming it, and nothing is stored."""
    with pytest.raises(Invalid) as refused:
        services.set_rates("2026-03", {"EUR": "-1", "eur": "4", "RON": "1"})
    assert set(refused.value.fields) == {"EUR", "eur", "RON"}
    with pytest.raises(Invalid):
        services.check_period("2026-13")


@pytest.mark.usefixtures("app")
def test_demo_seed_is_idempotent_and_closes_months_before_last(world, db):
    """Demo wages: six months of EUR rates, all but last month closed; twice adds nothing."""
    today = services.today()
    f.make_item(
        world.tote, world.elena, made_on=date(today.year, today.month, 1) - timedelta(days=40)
    )
    demo.seed()
    db.session.commit()

    def counts():
        """Rows in every wages table and the audit log."""
        return [
            db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (PayPeriod, ExchangeRate, Payslip, PayslipLine, AuditEntry)
        ]

    first = counts()
    demo.seed()
    db.session.commit()
    assert counts() == first
    statuses = db.session.execute(
        sa.select(PayPeriod.period, PayPeriod.status).order_by(PayPeriod.period)
    ).all()
    assert [s for _p, s in statuses] == ["closed"] * 5 + ["open"]
    assert first[2] == 1  # Elena's piece of two months ago is on a payslip
