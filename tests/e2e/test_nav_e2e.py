"""End-to-end: the menu in the top bar, too long for a phone (and for some roles a tablet),
scrolls in its row and says so: its edge fades where more links lie beyond it, and not where
the menu ends or fits. A page's own link is scrolled into sight."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e

#: how wide the fades at the menu's left and right edges are now, in px
FADES = """n => ['--nav-fade-start', '--nav-fade-end'].map(
  p => parseFloat(getComputedStyle(n).getPropertyValue(p)))"""
#: the page itself scrolls sideways by this much (none, if it fits)
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _fades(page) -> list[float]:
    return page.locator(".mainnav").evaluate(FADES)


def _wait_for_fades(page, left: bool, right: bool) -> None:
    """Wait (a frame or two: the fade follows the scroll) until the edges fade as said."""
    page.wait_for_function(
        f"""([left, right]) => {{ const [l, r] = ({FADES})(document.querySelector('.mainnav'));
        return (l > 0) === left && (r > 0) === right; }}""",
        arg=[left, right],
    )


def _inside_menu(page, link) -> bool:
    """The link is wholly in the part of the menu a person sees (and on the screen)."""
    menu = page.locator(".mainnav").bounding_box()
    box = link.bounding_box()
    width = page.viewport_size["width"]
    return (
        menu["x"] - 1 <= box["x"]
        and box["x"] + box["width"] <= min(menu["x"] + menu["width"], width) + 1
    )


def test_shop_menu_on_a_phone_fades_where_it_goes_on(phone, world):
    """At the till on a 360 px phone: the menu's right edge fades (the last link is off
    screen); scrolled to its end, the fade moves to the left edge and the last link shows
    whole; tapped, its page opens with its own link in sight."""
    sign_in_page(phone, world.users["shop"])
    phone.goto("/till/AMS")
    menu = phone.locator(".mainnav")
    last = menu.get_by_role("link", name="Requests")
    assert phone.evaluate(PAGE_OVERFLOW) == 0
    assert menu.evaluate("n => n.scrollWidth > n.clientWidth")
    assert not _inside_menu(phone, last)
    _wait_for_fades(phone, left=False, right=True)
    screenshot(phone, "nav-phone-shop-start", full_page=False)

    menu.evaluate("n => { n.scrollLeft = n.scrollWidth; }")
    _wait_for_fades(phone, left=True, right=False)
    assert _inside_menu(phone, last)
    screenshot(phone, "nav-phone-shop-end", full_page=False)

    last.click()
    phone.wait_for_url("**/requests")
    current = menu.locator("[aria-current=page]")
    expect(current).to_have_text("Requests")
    assert _inside_menu(phone, current)
    assert phone.evaluate(PAGE_OVERFLOW) == 0
    screenshot(phone, "nav-phone-shop-requests", full_page=False)
    assert phone.js_errors == []


def test_a_menu_that_fits_does_not_fade(phone, world):
    """The maker's two links fit a phone: no fade at either edge."""
    sign_in_page(phone, world.users["beneficiary"])
    phone.goto("/me")
    menu = phone.locator(".mainnav")
    assert menu.evaluate("n => n.scrollWidth <= n.clientWidth")
    assert _fades(phone) == [0, 0]
    screenshot(phone, "nav-phone-maker", full_page=False)


@pytest.mark.parametrize("role", ["admin", "supervisor", "shop", "beneficiary"])
def test_menu_on_a_tablet(tablet, world, role):
    """On a 1024×768 tablet the top bar stays one row, the page does not scroll sideways,
    and the menu fades at its right edge only where it is longer than its room."""
    tablet.set_viewport_size({"width": 1024, "height": 768})
    sign_in_page(tablet, world.users[role])
    menu = tablet.locator(".mainnav")
    bar = tablet.locator(".topbar").bounding_box()
    assert bar["height"] < 80  # one row: the brand, the menu and the buttons side by side
    assert tablet.evaluate(PAGE_OVERFLOW) == 0
    longer = menu.evaluate("n => n.scrollWidth > n.clientWidth")
    _wait_for_fades(tablet, left=False, right=longer)
    screenshot(tablet, f"nav-tablet-{role}", full_page=False)
