"""End-to-end: the camera as a scanner beyond the till (static/js/camera-scan.js).

As in test_till_camera_e2e: Chromium plays a Y4M file showing a QR tag as its camera, and
reads it with the self-hosted barcode-detector polyfill under each page's CSP.
"""

import pytest
from playwright.sync_api import expect

from atelier.extensions import db
from tests.e2e.conftest import screenshot
from tests.e2e.test_till_camera_e2e import camera_page, wait_for_live_tracks
from tests.factories import make_item, make_sale, make_shipment

pytestmark = pytest.mark.e2e


def test_receiving_a_shipment_by_camera(browser, live_server, world, tmp_path):
    """Camera on the shipment page: the piece in view is received ("1 of 2 received"), the
    camera comes back for the next piece, and the same tag is not received twice."""
    pieces = [make_item(world.tote, world.elena) for _ in range(2)]
    shipment = make_shipment(world.sites["ORA"], world.sites["AMS"], pieces)
    db.session.commit()
    shipment_id, code = shipment.id, pieces[0].code
    with camera_page(
        browser,
        live_server,
        tmp_path,
        f"https://atelier.test/t/{pieces[0].tag}",
        world.users["shop"],
    ) as page:
        page.goto(f"/shipments/{shipment_id}")
        expect(page.locator("#progress")).to_have_text("0 of 2 received")
        page.get_by_role("button", name="Camera").click()
        expect(page.locator("#progress")).to_have_text("1 of 2 received", timeout=20_000)
        expect(page.locator(".flash-success")).to_have_text(f"{code} received.")
        # ready for the next piece: the viewfinder is on again after the page came back
        expect(page.locator(".camera-box video")).to_be_visible(timeout=20_000)
        page.wait_for_timeout(1500)  # several frames of the same tag
        expect(page.locator(".flash-success")).to_have_text(f"{code} received.")
        expect(page.locator("#progress")).to_have_text("1 of 2 received")
        screenshot(page, "shipment-phone-camera")
        page.get_by_role("button", name="Stop camera").click()
        expect(page.locator(".camera-box")).to_be_hidden()
        wait_for_live_tracks(page, 0)
        assert page.js_errors == []


def test_find_a_piece_by_camera(browser, live_server, world, tmp_path):
    """Camera on "Find a piece": the piece in view opens."""
    piece = world.item_shop
    with camera_page(
        browser, live_server, tmp_path, f"https://atelier.test/t/{piece.tag}", world.users["shop"]
    ) as page:
        page.goto("/items")
        with page.expect_navigation(url=f"**/items/{piece.code}", timeout=20_000):
            page.get_by_role("button", name="Camera").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(piece.code)
        assert page.js_errors == []


def test_a_return_by_camera_fills_the_scan_and_waits_for_the_reason(
    browser, live_server, world, tmp_path
):
    """Camera on the returns page: the tag fills the field, the camera stops, the reason is
    next; the return is taken only once the shop confirms it."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    make_sale(world.sites["AMS"], [piece])
    db.session.commit()
    url = f"https://atelier.test/t/{piece.tag}"
    with camera_page(browser, live_server, tmp_path, url, world.users["shop"]) as page:
        page.goto("/till/AMS/returns")
        page.get_by_role("button", name="Camera").click()
        expect(page.get_by_label("Scan the piece")).to_have_value(url, timeout=20_000)
        expect(page.locator(".camera-box")).to_be_hidden()
        wait_for_live_tracks(page, 0)
        expect(page.get_by_label("Why did it come back?")).to_be_focused()
        page.keyboard.type("Wrong size")
        page.on("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.get_by_role("button", name="Take back and refund").click()
        expect(page.locator(".flash-success")).to_contain_text(f"{piece.code} is back in stock")
        assert page.js_errors == []


def test_building_a_shipment_by_camera_adds_a_line_once(browser, live_server, world, tmp_path):
    """Camera on "New shipment": the tag becomes one line of the scans, however long it is
    in view; hiding the page turns the camera off."""
    piece = world.item_atelier
    url = f"https://atelier.test/t/{piece.tag}"
    with camera_page(browser, live_server, tmp_path, url, world.users["supervisor"]) as page:
        page.goto("/shipments/new")
        page.get_by_role("button", name="Camera").click()
        scans = page.get_by_label("Or scan pieces (one per line)")
        expect(scans).to_have_value(url + "\n", timeout=20_000)
        expect(page.get_by_role("status").filter(has_text="Added")).to_contain_text(url)
        page.wait_for_timeout(1500)  # the same tag stays in view: still one line
        expect(scans).to_have_value(url + "\n")
        wait_for_live_tracks(page, 1)
        page.evaluate("""() => {
          Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
          document.dispatchEvent(new Event("visibilitychange"));
        }""")
        expect(page.locator(".camera-box")).to_be_hidden()
        wait_for_live_tracks(page, 0)
        assert page.js_errors == []
