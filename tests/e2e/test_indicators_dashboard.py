"""End-to-end: the coordinator opens the indicators dashboard on a laptop."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e


def test_dashboard_shows_chart_and_table_on_a_laptop(laptop, world):
    """Targets against results: the SVG charts and the table both show, with no JS errors."""
    ws = f.make_workshop(world.sites["ORA"], world.programmes["STEP"])
    session = f.make_session(ws, date(2026, 3, 2))
    f.make_attendance(session, world.elena)
    f.make_target(2026, "vocational_participants", 12, remarks="Offered to all.")
    f.make_target(2026, "vocational_participants", 5, programme=world.programmes["REFUGEE"])
    f.make_target(2026, "pieces_produced", 4)
    sign_in_page(laptop, world.users["admin"])
    laptop.goto("/indicators?year=2026")
    table = laptop.get_by_role("table", name="Targets and results 2026")
    expect(table).to_be_visible()
    row = table.get_by_role("row", name="People in vocational training 12 1")
    expect(row).to_have_count(1)
    chart = laptop.get_by_role("img", name="People in vocational training").first
    expect(chart).to_be_visible()
    assert laptop.locator("svg.chart rect.bar-result").count() >= 7
    expect(laptop.locator("#yoy-table")).to_be_visible()
    row.get_by_role("link").click()
    laptop.wait_for_load_state()
    expect(laptop.get_by_role("rowheader", name="Elena")).to_be_visible()
    laptop.go_back()
    assert laptop.js_errors == []
    screenshot(laptop, "indicators-dashboard-laptop")
