"""End-to-end: the people and workshop pages on a tablet, and a maker's training on her phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_attendance

pytestmark = pytest.mark.e2e


def test_a_supervisor_adds_a_person_and_opens_the_workshop(tablet, world, db):
    """Add someone by taps and a name; the workshop page shows each person's rate."""
    make_attendance(world.session, world.elena, "present")
    db.session.commit()
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto("/people")
    tablet.get_by_label("Display name (a first name or pseudonym)").fill("Ana")
    tablet.get_by_label("Birth year").fill("1994")
    tablet.get_by_role("button", name="Save").click()
    expect(tablet.get_by_text("Saved. Maker code:")).to_be_visible()
    expect(tablet.get_by_role("link", name="Ana")).to_be_visible()
    screenshot(tablet, "people-list-tablet")
    tablet.goto(f"/workshops/{world.workshop.id}")
    expect(tablet.get_by_role("cell", name="100 %")).to_be_visible()
    screenshot(tablet, "workshop-tablet")
    assert tablet.js_errors == []


def test_a_maker_sees_her_training_on_her_phone(phone, world, db):
    """From her home tile to her sessions and hours."""
    make_attendance(world.session, world.elena, "present")
    db.session.commit()
    sign_in_page(phone, world.users["beneficiary"])
    phone.get_by_role("link", name="My training").last.click()
    expect(phone.locator(".big-figure")).to_have_text("3", use_inner_text=True)
    expect(phone.get_by_text(world.workshop.title)).to_be_visible()
    screenshot(phone, "my-training-phone")
    assert phone.js_errors == []
