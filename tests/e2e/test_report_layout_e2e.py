"""End-to-end: the report layout page is several screens tall, yet its Save button is on
screen wherever the coordinator is in the form, on a 1024×768 tablet and a 360 px phone."""

import pytest
from playwright.sync_api import expect

from atelier.extensions import db
from atelier.reports import demo, layouts
from tests.e2e.conftest import VIEWPORTS, screenshot, sign_in_page

pytestmark = pytest.mark.e2e

#: the shared phone, and the tablet at the 10" size the issue names (1024×768)
SIZES = {
    "tablet": {**VIEWPORTS["tablet"], "viewport": {"width": 1024, "height": 768}},
    "phone": VIEWPORTS["phone"],
}


def _on_screen(page, locator) -> bool:
    """The whole of the element lies within the viewport."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and 0 <= box["y"]
        and box["y"] + box["height"] <= size["height"]
        and 0 <= box["x"]
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.mark.parametrize("size", SIZES)
def test_save_is_on_screen_wherever_one_is_in_the_layout(browser, live_server, world, size):
    """At the top, in the middle and after a refused save, Save is within the viewport, and
    a field reached from the keyboard is not hidden under it; the page does not scroll
    sideways."""
    layouts.define(None, demo.PILLARS)
    db.session.commit()
    context = browser.new_context(base_url=live_server, locale="en-GB", **SIZES[size])
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in_page(page, world.users["admin"])
    page.goto("/reports/layout?year=2026")
    height = page.viewport_size["height"]
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * height  # a long page
    save = page.locator(".lay-savebar").get_by_role("button", name="Save the layout")
    assert _on_screen(page, save)
    screenshot(page, f"reports-layout-save-{size}-top", full_page=False)

    # a field just below the screen, reached with Tab, is scrolled clear of the save bar
    labels = page.get_by_label("Label", exact=True)
    field = labels.nth(labels.count() // 2)
    page.evaluate(
        "el => window.scrollBy(0, el.getBoundingClientRect().top - innerHeight + 4)",
        field.element_handle(),
    )
    field.evaluate(  # the field before it in the form, focused where it is
        "el => { const all = [...el.form.elements].filter(e => e.tabIndex >= 0 && !e.hidden);"
        " all[all.indexOf(el) - 1].focus({preventScroll: true}); }"
    )
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    bar = page.locator(".lay-savebar").bounding_box()
    assert field.bounding_box()["y"] + field.bounding_box()["height"] <= bar["y"]
    assert _on_screen(page, save)
    screenshot(page, f"reports-layout-save-{size}-middle", full_page=False)

    # a pillar without a name: refused, the page comes back with the error, Save on screen
    page.get_by_label("Name").last.fill("")
    save.click()
    expect(page.locator(".flash-error")).to_contain_text("Some of the layout is invalid.")
    expect(page.locator(".field-error")).to_have_text("required")
    assert _on_screen(page, save)
    page.get_by_label("Name").last.scroll_into_view_if_needed()
    assert _on_screen(page, save)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"reports-layout-save-{size}-error", full_page=False)
    context.close()
