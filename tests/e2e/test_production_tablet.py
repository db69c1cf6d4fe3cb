"""End-to-end: a supervisor logs three pieces on the tablet and prints their labels."""

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from playwright.sync_api import expect

from atelier.production.models import Item
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import give_photo, make_beneficiary, make_product_type, sync_item_seq

pytestmark = pytest.mark.e2e


def _qr_texts(pdf: bytes) -> list[str]:
    """Every QR code on every page of a PDF."""
    document = pdfium.PdfDocument(pdf)
    texts = []
    try:
        for page in document:
            bitmap = page.render(scale=2.5)
            texts += [r.text for r in zxingcpp.read_barcodes(bitmap.to_pil())]
            bitmap.close()
            page.close()
    finally:
        document.close()
    return texts


def fill_three_totes(page):
    """Open the production page, tap Elena, the tote bag and "One more" twice (3 pieces);
    returns the "One more" button."""
    page.goto("/atelier/production")
    page.locator("label.maker-tile", has_text="Elena").click()
    page.locator("label.product-tile", has_text="Tote bag").click()
    more = page.get_by_role("button", name="One more")
    more.click()
    more.click()
    expect(page.get_by_label("How many")).to_have_value("3")
    return more


def test_log_three_pieces_and_print_their_labels(tablet, world, db):
    """Tap the maker, the product, + twice, save; the label PDF has their three QR codes."""
    sync_item_seq(world.sites["ORA"])
    give_photo(world.tote)
    sign_in_page(tablet, world.users["supervisor"])
    more = fill_three_totes(tablet)
    box = more.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48
    screenshot(tablet, "production-tablet-form")
    tablet.get_by_role("button", name="Save pieces").click()
    tablet.wait_for_load_state()
    expect(tablet.get_by_text("3 pieces saved.")).to_be_visible()
    link = tablet.get_by_role("link", name="Print the labels now")
    expect(link).to_be_visible()
    screenshot(tablet, "production-tablet-saved")
    response = tablet.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    db.session.expire_all()
    tags = db.session.scalars(
        sa.select(Item.tag).where(Item.production_entry_id.is_not(None))
    ).all()
    assert len(tags) == 3
    assert sorted(_qr_texts(response.body())) == sorted(
        f"https://atelier.test/t/{tag}" for tag in tags
    )
    assert tablet.js_errors == []


def test_story_page_fits_a_phone(phone, world, db):
    """The page a buyer's phone opens: product, photo, no sideways scrolling, no script."""
    give_photo(world.tote)
    db.session.commit()
    phone.goto(f"/t/{world.item_shop.tag}")
    expect(phone.get_by_role("heading", name="Tote bag")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.evaluate("document.scripts.length") == 0
    assert phone.js_errors == []
    screenshot(phone, "story-phone")


@pytest.mark.usefixtures("db")
def test_production_screen_fits_a_phone(phone, world):
    """On a 360px phone the production screen does not scroll sideways."""
    sign_in_page(phone, world.users["supervisor"])
    phone.goto("/atelier/production")
    expect(phone.get_by_role("button", name="Save pieces")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.js_errors == []
    screenshot(phone, "production-phone")


@pytest.mark.usefixtures("db")
def test_the_whole_production_form_fits_one_tablet_screen(browser, live_server, world):
    """At 1024×768 with eight makers and six products: who, what, how many, QC and Save are
    all on the first screen, before and after a save, and the offer to print the labels of
    that save sits beside the form instead of pushing it down."""
    for n in range(7):
        make_beneficiary(world.sites["ORA"], world.programmes["STEP"], display_name=f"Maker {n}")
    for n in range(5):
        give_photo(make_product_type(name=f"Design {n}"))
    give_photo(world.tote)
    sync_item_seq(world.sites["ORA"])
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1024, "height": 768}, has_touch=True
    )
    page = context.new_page()
    try:
        sign_in_page(page, world.users["supervisor"])
        for step in ("fresh", "after-save"):
            if step == "fresh":
                fill_three_totes(page)
            save = page.get_by_role("button", name="Save pieces")
            for control in (
                page.locator("label.maker-tile", has_text="Elena"),
                page.locator("label.product-tile", has_text="Tote bag"),
                page.get_by_role("button", name="One more"),
                page.locator("label.qc-passed"),
                save,
            ):
                box = control.bounding_box()
                assert box and box["y"] + box["height"] <= 768, f"{step}: below the fold at {box}"
            screenshot(page, f"production-1024-{step}")
            if step == "fresh":
                save.click()
                page.wait_for_load_state()
                expect(page.get_by_role("link", name="Print the labels now")).to_be_visible()
        offer = page.get_by_role("link", name="Print the labels now").bounding_box()
        assert offer["y"] + offer["height"] <= 768, "the label offer is below the fold"
    finally:
        context.close()
