"""End-to-end: a maker sees her month on her phone, matching the coordinator's preview."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from atelier.timeutil import local_date, period_of
from atelier.wages.models import ExchangeRate, PayPeriod
from tests import factories as f
from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e


def this_month(world, db) -> str:
    """Elena made two pieces today and one sold in Amsterdam; Oksana made one."""
    now = datetime.now(UTC)
    today = local_date(now, "Europe/Bucharest")
    period = period_of(today)
    f.make_item(world.tote, world.elena, made_on=today)
    sold = f.make_item(
        world.tote, world.elena, made_on=today, site=world.sites["AMS"], status="in_shop"
    )
    f.make_item(world.tote, world.oksana, made_on=today)
    f.make_sale(world.sites["AMS"], [sold], sold_at=now, prices=[1999])
    db.session.add(
        PayPeriod(
            period=period,
            status="open",
            currency="RON",
            rates=[ExchangeRate(currency="EUR", rate="4.9770")],
        )
    )
    db.session.commit()
    return period


def test_maker_sees_her_month_matching_the_coordinators_preview(phone, laptop, world, db):
    """Her big figure on the phone equals her total in the coordinator's preview."""
    period = this_month(world, db)
    sign_in_page(laptop, world.users["admin"])
    laptop.goto(f"/admin/wages/{period}")
    slip_total = laptop.locator(f"#maker-{world.elena.maker_code} .wages-slip-total")
    coordinator = (slip_total.get_attribute("data-total-cents"), slip_total.inner_text())
    screenshot(laptop, "wages-period-laptop")

    sign_in_page(phone, world.users["beneficiary"])
    phone.get_by_role("link", name="My earnings").first.click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/me/earnings")
    figure = phone.locator(".wages-accrued")
    expect(figure).to_be_visible()
    assert (figure.get_attribute("data-total-cents"), figure.inner_text()) == coordinator
    # 2 pieces × 10.00 + 20 % of 19.99 EUR × 4.977 = 19.898… → 19.90
    assert coordinator[0] == str(2000 + 1990)
    expect(phone.get_by_text("Amsterdam")).to_be_visible()
    assert "Oksana" not in phone.content() and "Reshare" not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page must not scroll sideways on a small phone"
    screenshot(phone, "wages-maker-phone")
    phone.locator(".langswitch summary").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Українська").click()
    assert phone.url.endswith("/me/earnings")
    assert phone.locator(".wages-accrued").get_attribute("data-total-cents") == coordinator[0]
    screenshot(phone, "wages-maker-phone-uk")
    assert phone.js_errors == [] and laptop.js_errors == []


def test_maker_cannot_reach_another_makers_pay(phone, world, db):
    """By page or by API, her account gets nothing about another maker."""
    period = this_month(world, db)
    sign_in_page(phone, world.users["beneficiary"])
    other = world.oksana.maker_code
    page = phone.goto(f"/admin/wages/{period}/payslips/{other}")
    assert page.status == 403
    page = phone.goto(f"/admin/wages/{period}")
    assert page.status == 403
    api = phone.request.get(f"/api/v1/pay-periods/{period}")
    assert api.status == 401
    assert other not in phone.content()
