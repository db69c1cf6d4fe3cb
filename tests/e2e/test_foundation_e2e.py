"""End-to-end: each role signs in and lands on its home, on a tablet and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

HOMES = {"admin": "/admin/", "supervisor": "/atelier", "shop": "/shop", "beneficiary": "/me"}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_home_on_a_tablet(tablet, world, role):
    """Signing in takes each role to its own home page, with no script errors."""
    sign_in_page(tablet, world.users[role])
    assert tablet.url.endswith(HOMES[role])
    expect(tablet.get_by_role("button", name="Sign out")).to_be_visible()
    assert tablet.js_errors == []
    screenshot(tablet, f"home-{role}-tablet")


def test_language_switch_on_a_phone(phone, world):
    """A maker switches to Ukrainian on her phone and the page (and the next ones) follow.

    Each language is offered by its own name (never "UK", which reads as United Kingdom).
    """
    sign_in_page(phone, world.users["beneficiary"])
    phone.locator(".langswitch summary").click()
    for name in ("Română", "Українська", "Nederlands", "English"):
        expect(phone.get_by_role("button", name=name, exact=True)).to_be_visible()
    screenshot(phone, "language-choice-phone")
    phone.get_by_role("button", name="Українська").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "uk"
    assert phone.url.endswith("/me")
    phone.goto("/me")
    assert phone.locator("html").get_attribute("lang") == "uk"
    expect(phone.locator(".langswitch summary")).to_contain_text("Українська")
    screenshot(phone, "home-maker-phone-uk")


def test_wrong_password_shows_one_message(tablet, world):
    """A wrong password says the same as an unknown user, and does not sign in."""
    sign_in_page(tablet, world.users["shop"], password="wrong password!")
    assert "/sign-in" in tablet.url
    expect(tablet.get_by_text("Unknown username or wrong password.")).to_be_visible()


SIGN_OUT = {"en": "Sign out", "ro": "Ieșire", "uk": "Вийти", "nl": "Uitloggen"}


@pytest.mark.parametrize("lang", sorted(SIGN_OUT))
def test_every_role_signs_in_in_each_language(browser, live_server, world, lang):
    """With the browser in each language, every role lands on its home, in that language."""
    context = browser.new_context(
        base_url=live_server, locale=lang, viewport={"width": 1280, "height": 800}
    )
    try:
        for role, home in HOMES.items():
            context.clear_cookies()
            page = context.new_page()
            page.goto("/sign-in")
            assert page.locator("html").get_attribute("lang") == lang
            page.fill("#username", world.users[role].username)
            page.fill("#password", PASSWORD)
            page.locator("main button[type=submit]").click()
            page.wait_for_url(f"**{home}")
            expect(page.get_by_role("button", name=SIGN_OUT[lang])).to_be_visible()
            page.close()
    finally:
        context.close()
