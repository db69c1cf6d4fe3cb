"""End-to-end: the coordinator disables an account, with a confirmation, from a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("db")
def test_the_coordinator_disables_an_account_after_confirming(phone, world):
    """Dismissing the question changes nothing; confirming disables the account. The page
    fits a phone's width."""
    supervisor = world.users["supervisor"]
    sign_in_page(phone, world.users["admin"])
    phone.goto("/admin/users")
    phone.get_by_role("link", name=supervisor.username).click()
    expect(phone.get_by_role("heading", name=supervisor.username)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    phone.once("dialog", dismiss)
    phone.get_by_role("button", name="Disable account").click()
    expect(phone.get_by_role("button", name="Disable account")).to_be_visible()
    assert questions and supervisor.username in questions[0]
    expect(phone.get_by_text("Enabled", exact=True)).to_be_visible()

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Disable account").click()
    expect(phone.get_by_text("is signed out everywhere")).to_be_visible()
    expect(phone.get_by_role("button", name="Enable account")).to_be_visible()
    screenshot(phone, "account-disabled-phone")
    assert phone.js_errors == []
