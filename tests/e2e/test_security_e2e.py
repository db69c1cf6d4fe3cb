"""End-to-end: sign-out on a shared tablet ends the session; weak passwords get advice."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORTS, screenshot, sign_in_page

pytestmark = pytest.mark.e2e


def test_a_cookie_copied_from_the_tablet_stops_working_at_sign_out(
    tablet, browser, live_server, world
):
    """Someone copies the supervisor's cookies from the shared tablet into another browser;
    once she presses Sign out, that browser is sent to sign in instead of seeing people."""
    sign_in_page(tablet, world.users["supervisor"])
    copy = browser.new_context(base_url=live_server, locale="en-GB", **VIEWPORTS["tablet"])
    try:
        copy.add_cookies(tablet.context.cookies())
        thief = copy.new_page()
        thief.goto("/people")
        expect(thief.get_by_role("button", name="Sign out")).to_be_visible()
        tablet.get_by_role("button", name="Sign out").click()
        expect(tablet.get_by_text("You are signed out.")).to_be_visible()
        thief.goto("/people")
        assert "/sign-in" in thief.url
        expect(thief.get_by_role("button", name="Sign in")).to_be_visible()
        expect(thief.get_by_role("button", name="Sign out")).to_have_count(0)
        screenshot(thief, "copied-cookie-after-sign-out-tablet")
    finally:
        copy.close()
    assert tablet.js_errors == []


def test_a_weak_password_is_refused_with_advice(laptop, world):
    """The coordinator types "aaaaaaaaaa" for a new account: the form keeps what she typed,
    marks the password with zxcvbn's advice, and no account appears."""
    sign_in_page(laptop, world.users["admin"])
    laptop.goto("/admin/users")
    laptop.get_by_label("Username").fill("marit")
    laptop.get_by_label("Password").fill("aaaaaaaaaa")
    laptop.get_by_label("Role").select_option("admin")
    laptop.get_by_role("button", name="Create account").click()
    expect(laptop.get_by_text("too easy to guess.", exact=False)).to_be_visible()
    expect(laptop.get_by_text('Repeats like "aaa" are easy to guess.', exact=False)).to_be_visible()
    expect(laptop.get_by_role("link", name="marit")).to_have_count(0)
    screenshot(laptop, "weak-password-refused-laptop")
    assert laptop.js_errors == []
