"""End-to-end: a maker on her phone (390×844) sees a month whose groups add up to her total."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page
from tests.test_wages_earnings import make_full_month, set_rate

pytestmark = pytest.mark.e2e


def test_her_month_adds_up_on_her_phone(phone, world, db, app):
    """Pieces, sales, training and a take-back: the amounts she sees sum to the big figure;
    the rate missing is said in words; nothing scrolls sideways, in English or Romanian."""
    phone.set_viewport_size({"width": 390, "height": 844})
    period = make_full_month(world, db, app)
    sign_in_page(phone, world.users["beneficiary"])
    phone.goto("/me/earnings")
    expect(
        phone.get_by_text("1 sale in euros: the amount comes when the rate is set.")
    ).to_be_visible()
    assert "…" not in phone.locator("main").inner_text()
    screenshot(phone, "wages-earnings-waiting-phone-390")
    set_rate(db, period)
    phone.reload()
    total = int(phone.locator(".wages-accrued").get_attribute("data-total-cents"))
    groups = phone.locator(".wages-group")
    expect(groups).to_have_count(4)
    amounts = [int(g.get_attribute("data-amount-cents")) for g in groups.all()]
    assert sum(amounts) == total == 5000 + 1991 + 1250 - 1493
    for group in groups.all():
        entries = group.locator("[data-entry-cents]").all()
        assert sum(int(e.get_attribute("data-entry-cents")) for e in entries) == int(
            group.get_attribute("data-amount-cents")
        )
        expect(group.locator(".wages-group-amount")).to_be_visible()
    assert phone.locator("[data-count=sold]").inner_text().split() == ["Sold", "1"]
    expect(phone.locator(".wages-accrued")).to_have_text("RON\xa067.48")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "wages-earnings-phone-390")
    phone.locator(".langswitch summary").click()
    with phone.expect_navigation():
        phone.locator("button[name=lang][value=ro]").click()
    expect(phone.locator(".wages-accrued")).to_have_text("67,48\xa0lei")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "wages-earnings-phone-390-ro")
    phone.locator(".langswitch summary").click()
    with phone.expect_navigation():
        phone.locator("button[name=lang][value=uk]").click()
    expect(phone.locator(".wages-accrued")).to_have_text("67,48\xa0RON")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "wages-earnings-phone-390-uk")
    assert phone.js_errors == []
