"""End-to-end: the demand page on a laptop, a shop's request from a phone planned on the
tablet, and the week's plan on the production screen."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from atelier.db import utcnow
from atelier.extensions import db
from atelier.timeutil import local_date
from tests.demand_history import received
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_entry, make_item, make_product_type, make_sale

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


@pytest.fixture
def sized(browser, live_server, db):  # noqa: ARG001 - the database is set up first
    """Pages of a chosen size: ``sized(PHONE)``; closed after the test."""
    contexts = []

    def open_page(options):
        context = browser.new_context(base_url=live_server, locale="en-GB", **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _recent_sales(world):
    """Two products sold at two shops over the last weeks, some still on the shelf."""
    now = utcnow()
    apron = make_product_type(sku="APRON", name="Apron", price_cents=2500)
    for shop_code, product, sold, kept in (
        ("AMS", world.tote, 6, 2),
        ("AMS", apron, 2, 5),
        ("RTM", world.tote, 1, 4),
        ("RTM", apron, 4, 1),
    ):
        shop = world.sites[shop_code]
        for k in range(sold + kept):
            piece = make_item(product, world.elena, site=shop, status="in_shop")
            received(piece, shop, now - timedelta(days=40 + 3 * k))
            if k < sold:
                make_sale(shop, [piece], sold_at=now - timedelta(days=2 + 5 * k))
    db.session.commit()


def test_the_demand_page_with_its_charts_on_a_laptop(laptop, world):
    """The coordinator sees the matrix, both charts and their tables at 1440 px."""
    _recent_sales(world)
    sign_in_page(laptop, world.users["admin"])
    laptop.goto("/demand?weeks=12")
    matrix = laptop.locator("#demand-matrix")
    expect(matrix).to_be_visible()
    expect(matrix.get_by_role("row", name="Tote bag")).to_contain_text("66.7 %")
    expect(laptop.get_by_role("img", name="Pieces sold per week, last 26 weeks")).to_be_visible()
    assert laptop.locator("svg.chart polyline").count() == 2
    expect(laptop.get_by_role("img", name="Days on the shelf before selling")).to_be_visible()
    assert laptop.locator("svg.chart rect.box").count() == 2
    expect(laptop.locator("#shelf-table")).to_be_visible()
    assert laptop.js_errors == []
    screenshot(laptop, "demand-page-laptop")


def test_a_request_from_a_phone_is_planned_on_the_tablet(sized, world):
    """Shop staff ask from a phone (390×844); the supervisor sees it on the atelier home
    on the tablet (1024×768) and marks it planned; the shop sees it planned."""
    phone = sized(PHONE)
    sign_in_page(phone, world.users["shop"])
    phone.goto("/demand/shop")
    expect(phone.locator("#shelf-pieces")).to_contain_text(world.item_shop.code)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(phone, "demand-what-sells-here-phone")
    phone.get_by_role("link", name="Ask the atelier for a product").click()
    phone.get_by_label("Product").select_option("TOTE")
    phone.get_by_label("How many").fill("12")
    phone.get_by_label("Note").fill("spring colours, more aprons")
    phone.get_by_role("button", name="Send the request").click()
    expect(phone.locator("#requests")).to_contain_text("12 × Tote bag")
    expect(phone.locator("#requests [data-status]")).to_have_text("open")
    screenshot(phone, "demand-request-phone")

    tablet = sized(TABLET)
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto("/atelier")
    request = tablet.locator("#open-requests li.request")
    expect(request).to_contain_text("12 × Tote bag")
    expect(request).to_contain_text("spring colours, more aprons")
    screenshot(tablet, "demand-open-requests-tablet")
    request.get_by_role("button", name="Mark planned").click()
    expect(tablet.locator(".flash-success")).to_contain_text("planned")
    expect(tablet.locator("#open-requests")).to_contain_text("No open requests.")

    phone.reload()
    expect(phone.locator("#requests [data-status]")).to_have_text("planned")
    assert phone.js_errors == [] and tablet.js_errors == []
    screenshot(phone, "demand-request-planned-phone")


def test_the_plans_progress_on_the_production_screen(sized, world):
    """The supervisor plans 12 totes; with 7 made this week the production screen says
    "Tote bag: 7 of 12 planned", highlighted when the tote is picked."""
    tablet = sized(TABLET)
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto("/atelier/plan?site=ORA")
    tablet.get_by_label("Planned: Tote bag").fill("12")
    tablet.get_by_role("button", name="Save as this week's plan").click()
    expect(tablet.locator(".flash-success")).to_contain_text("plan is saved")
    screenshot(tablet, "demand-plan-tablet")
    make_entry(
        world.elena, world.tote, quantity=7, made_on=local_date(utcnow(), "Europe/Bucharest")
    )
    db.session.commit()
    tablet.goto("/atelier/production?site=ORA")
    line = tablet.locator("[data-plan-progress] li[data-product='TOTE']")
    expect(line).to_have_text("Tote bag: 7 of 12 planned")
    tablet.locator(".product-tile", has_text="Tote bag").click()
    expect(line).to_have_class("is-current")
    assert tablet.js_errors == []
    screenshot(tablet, "demand-production-progress-tablet")


def test_an_admin_sets_markdowns_on_the_tablet_and_reads_them_on_a_phone(sized, world):
    """At 1024 px the admin types a wrong percentage, is told so at that line, fixes it and
    saves two steps; at 390 px the same page fits the phone and asks before clearing."""
    tablet = sized(TABLET)
    sign_in_page(tablet, world.users["admin"])
    tablet.goto("/demand")
    tablet.get_by_role("link", name="Markdowns").first.click()
    tablet.get_by_role("link", name="Reshare Amsterdam").click()
    tablet.locator("#after_days-0").fill("56")
    tablet.locator("#percent-0").fill("25")
    tablet.locator("#after_days-1").fill("112")
    tablet.locator("#percent-1").fill("150")
    tablet.get_by_role("button", name="Save the steps").click()
    expect(tablet.locator("#percent-1-error")).to_have_text(
        "Write a percentage from 0.01 to 99.99, such as 25."
    )
    screenshot(tablet, "demand-markdowns-refused-tablet")
    tablet.locator("#percent-1").fill("50")
    tablet.get_by_role("button", name="Save the steps").click()
    expect(tablet.locator(".flash-success")).to_have_text(
        "Reshare Amsterdam: 2 markdown steps saved."
    )
    expect(tablet.locator(".markdown-step").nth(1)).to_contain_text("Markdown −50 %")
    screenshot(tablet, "demand-markdowns-tablet")

    phone = sized(PHONE)
    sign_in_page(phone, world.users["admin"])
    phone.goto("/markdowns?shop=AMS")
    expect(phone.locator("#percent-0")).to_have_value("25")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(phone, "demand-markdowns-phone")
    phone.get_by_role("button", name="Clear every step").click()
    expect(
        phone.get_by_role("heading", name="Clear every markdown step of Reshare Amsterdam?")
    ).to_be_visible()
    phone.get_by_role("link", name="Cancel").click()
    expect(phone.locator("#percent-1")).to_have_value("50")
    assert phone.js_errors == [] and tablet.js_errors == []
