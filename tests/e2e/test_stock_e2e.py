"""End-to-end: shop staff receive a shipment on a tablet by scanning, and see what is missing."""

import pytest
from playwright.sync_api import expect

from atelier.extensions import db
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import PASSWORD, make_item, make_product_type, make_shipment

pytestmark = pytest.mark.e2e


def test_receiving_by_scanning_on_a_tablet(tablet, world):
    """Scan two of three pieces: "2 of 3 received"; finishing lists the third as missing."""
    pieces = [make_item(world.tote, world.elena) for _ in range(3)]
    shipment = make_shipment(world.sites["ORA"], world.sites["AMS"], pieces)
    db.session.commit()
    urls = [f"https://atelier.test/t/{p.tag}" for p in pieces]
    missing, shipment_id = pieces[2].code, shipment.id
    sign_in_page(tablet, world.users["shop"])
    tablet.goto(f"/shipments/{shipment_id}")
    scan_field = tablet.get_by_label("Scan a piece")
    for received, url in enumerate(urls[:2], start=1):
        # The scan field takes the focus by itself, as a scanner needs; the browser gives
        # it that focus just after the page loads, so wait for it before "scanning".
        expect(scan_field).to_be_focused()
        tablet.keyboard.type(url)
        with tablet.expect_navigation():
            tablet.keyboard.press("Enter")
        expect(tablet.locator("#progress")).to_have_text(f"{received} of 3 received")
    tablet.on("dialog", lambda dialog: dialog.accept())
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Finish receiving").click()
    expect(tablet.get_by_role("alert").filter(has_text="Missing")).to_contain_text(missing)
    screenshot(tablet, "shipment-received-tablet")
    assert tablet.js_errors == []


def test_receiving_everything_turns_finish_into_done(tablet, world):
    """Once every piece is scanned nothing is missing: "Done" is a plain button, not a warning."""
    pieces = [make_item(world.tote, world.elena) for _ in range(2)]
    shipment = make_shipment(world.sites["ORA"], world.sites["AMS"], pieces)
    db.session.commit()
    shipment_id = shipment.id
    sign_in_page(tablet, world.users["shop"])
    tablet.goto(f"/shipments/{shipment_id}")
    expect(tablet.get_by_role("button", name="Finish receiving")).to_be_visible()
    scan_field = tablet.get_by_label("Scan a piece")
    for received, piece in enumerate(pieces, start=1):
        expect(scan_field).to_be_focused()
        tablet.keyboard.type(piece.code)
        with tablet.expect_navigation():
            tablet.keyboard.press("Enter")
        expect(tablet.locator("#progress")).to_have_text(f"{received} of 2 received")
    done = tablet.get_by_role("button", name="Done")
    expect(done).to_be_visible()
    expect(tablet.get_by_role("button", name="Finish receiving")).to_have_count(0)
    assert "btn-danger" not in (done.get_attribute("class") or "")
    screenshot(tablet, "shipment-all-received-tablet")
    with tablet.expect_navigation():
        done.click()  # no "pieces will be recorded as missing" question: none are
    expect(tablet.get_by_role("alert").filter(has_text="Missing")).to_have_count(0)
    assert tablet.js_errors == []


def test_shop_staff_read_every_shipment_column_on_a_phone(browser, live_server, world):
    """On a 390 px phone the shipments list turns into cards: status and received count are
    shown for each shipment, not cut off at the right edge."""
    pieces = [make_item(world.tote, world.elena) for _ in range(3)]
    make_shipment(world.sites["ORA"], world.sites["AMS"], pieces)
    db.session.commit()
    context = browser.new_context(
        base_url=live_server,
        locale="nl-NL",
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    try:
        page.goto("/sign-in")
        page.locator("input[name=username]").fill(world.users["shop"].username)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.goto("/shipments")
        card = page.locator("table.table-cards tbody tr").first
        status = card.locator("td[data-label='Status']")
        received = card.locator("td[data-label='Ontvangen']")
        expect(status).to_be_visible()
        expect(status).to_contain_text("Onderweg")
        expect(received).to_contain_text("0 van 3")
        expect(card.locator("td").first).to_have_attribute("data-label", "Nr.")  # not "Nee."
        for cell in (status, received):
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        screenshot(page, "shipments-shop-phone-nl")
    finally:
        context.close()


def test_supervisor_picks_a_shipment_by_tapping_tiles_on_a_tablet(browser, live_server, world):
    """On a 1024×768 tablet: filter to one product, "Select all shown", send; no Ctrl or
    Shift anywhere, and the pieces of the other product stay at the atelier."""
    apron = make_product_type("APRON", name="Apron")
    aprons = [make_item(apron, world.elena) for _ in range(4)]
    db.session.commit()
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1024, "height": 768}, has_touch=True
    )
    page = context.new_page()
    try:
        sign_in_page(page, world.users["supervisor"])
        page.goto("/shipments/new")
        page.get_by_label("Product").select_option("APRON")
        with page.expect_navigation():
            page.get_by_role("button", name="Show", exact=True).click()
        expect(page.locator("#picker-count")).to_contain_text("4 pieces are waiting.")
        page.get_by_role("button", name="Select all shown").click()
        expect(page.locator(".ship-tile input:checked")).to_have_count(4)
        screenshot(page, "shipment-picker-tablet")
        page.on("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.get_by_role("button", name="Send shipment").click()
        expect(page.locator(".flash").first).to_contain_text("4 pieces are on their way")
        db.session.expire_all()
        assert {piece.status for piece in aprons} == {"in_transit"}
        assert world.item_atelier.status == "in_atelier"
    finally:
        context.close()
