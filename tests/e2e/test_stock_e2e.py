"""End-to-end: shop staff receive a shipment on a tablet by scanning, and see what is missing."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_item, make_shipment

pytestmark = pytest.mark.e2e


def test_receiving_by_scanning_on_a_tablet(tablet, world):
    """Scan two of three pieces: "2 of 3 received"; finishing lists the third as missing."""
    from atelier.extensions import db

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
    from atelier.extensions import db

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
