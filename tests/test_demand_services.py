"""Demand services with the database: constant query counts, the week's plan and progress."""

from datetime import date, timedelta

from atelier.demand import services
from atelier.extensions import db as _db
from tests import demand_history
from tests.demand_history import NOW, at, received
from tests.factories import make_entry, make_item, make_sale


def _more_history(world, n: int) -> None:
    """``n`` more totes received at AMS, half of them sold, on different days."""
    ams = world.sites["AMS"]
    for k in range(n):
        piece = make_item(world.tote, world.elena, site=ams, status="in_shop")
        received(piece, ams, at(2026, 4, 1, 8, 0) + timedelta(days=k % 30))
        if k % 2:
            make_sale(ams, [piece], sold_at=at(2026, 5, 10, 12, 0) + timedelta(hours=k))
    _db.session.commit()


def test_demand_runs_the_same_few_queries_as_data_grows(world, count_queries):
    """The figures and the plan cost the same statements for 10 or 60 more pieces."""
    demand_history.build(world)
    admin = world.users["admin"]
    counts = []
    for extra in (10, 50):
        _more_history(world, extra)
        with count_queries() as q:
            figures = services.demand(admin, 12, now=NOW)
            plan = services.production_plan(world.sites["ORA"], 12, 6, now=NOW)
        assert figures.rows and plan
        counts.append(q.count)
    # (PostgreSQL adds one SET LOCAL jit = off to each)
    assert counts[0] == counts[1] <= 17, q.report()


def test_the_saved_plan_and_this_weeks_progress(world):
    """Saving keeps the suggestion beside what was planned; the production screen's line
    counts this week's QC-passed, not voided pieces of the product at the site."""
    demand_history.build(world)
    ora, supervisor = world.sites["ORA"], world.users["supervisor"]
    plan = services.save_plan(supervisor, ora, {"TOTE": 12}, now=NOW)
    lines = {line.product_type.sku: (line.suggested, line.planned) for line in plan.lines}
    assert lines == {"TOTE": (4, 12), "APRON": (10, 10)}
    today = date(2026, 6, 3)  # the Wednesday of NOW's week
    make_entry(world.elena, world.tote, quantity=5, made_on=date(2026, 6, 1))
    make_entry(world.elena, world.tote, quantity=2, made_on=today)
    make_entry(world.elena, world.tote, quantity=4, made_on=today, qc="rejected")
    make_entry(world.elena, world.tote, quantity=9, made_on=date(2026, 5, 31))  # last week
    _db.session.commit()
    shown = {p.sku: (p.product_name, p.made, p.planned) for p in services.week_progress(ora, today)}
    assert shown["TOTE"] == ("Tote bag", 7, 12)
    assert services.week_progress(ora, date(2026, 6, 8)) == []  # next week has no plan
    # saved again the same week: the one plan is updated
    again = services.save_plan(supervisor, ora, {"TOTE": 8}, now=NOW)
    assert again.id == plan.id
    assert [p.planned for p in services.week_progress(ora, today) if p.sku == "TOTE"] == [8]
