"""End-to-end: the people and workshop pages on a tablet, and a maker's training on her phone."""

import pytest

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
    assert tablet.get_by_text("Saved. Maker code:").is_visible()
    assert tablet.get_by_role("link", name="Ana").is_visible()
    screenshot(tablet, "people-list-tablet")
    tablet.goto(f"/workshops/{world.workshop.id}")
    assert tablet.get_by_role("cell", name="100 %").is_visible()
    screenshot(tablet, "workshop-tablet")
    assert tablet.js_errors == []


def test_a_maker_sees_her_training_on_her_phone(phone, world, db):
    """From her home tile to her sessions and hours."""
    make_attendance(world.session, world.elena, "present")
    db.session.commit()
    sign_in_page(phone, world.users["beneficiary"])
    phone.get_by_role("link", name="My training").last.click()
    assert phone.locator(".big-figure").inner_text() == "3"
    assert phone.get_by_text(world.workshop.title).is_visible()
    screenshot(phone, "my-training-phone")
    assert phone.js_errors == []
