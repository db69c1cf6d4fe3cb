"""End-to-end: on a 10" tablet (1024×768) the roll-call shows, big, the hours it will record,
and the supervisor corrects them before saving."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from atelier.workshops.models import Attendance, WorkshopSession
from atelier.workshops.services import site_today
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_people, make_session, make_workshop

pytestmark = pytest.mark.e2e


def test_the_supervisor_records_the_hours_that_happened(tablet, world, db):
    """A 2.5 h workshop ran 2 h today: one tap on −, a tap on Ana, Save; the session is 2 h
    and Ana is present. The hours and Save are on screen without scrolling."""
    tablet.set_viewport_size({"width": 1024, "height": 768})
    people = make_people(world.sites["ORA"], world.programmes["STEP"], 12, prefix="Maker ")
    workshop = make_workshop(
        world.sites["ORA"], world.programmes["STEP"], participants=people, default_centihours=250
    )
    session = make_session(workshop, site_today(world.sites["ORA"]), centihours=250)
    db.session.commit()
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(f"/workshops/{workshop.id}")
    expect(tablet.get_by_role("radio", name="2.5 h")).to_be_checked()
    expect(tablet.get_by_role("radio", name="3 h")).not_to_be_checked()
    expect(tablet.get_by_label("Usual length of a session (hours)")).to_have_value("2.5")
    screenshot(tablet, "workshop-new-session-tablet-1024")
    tablet.goto(f"/sessions/{session.id}/roll")
    hours = tablet.get_by_label("Hours to record")
    expect(hours).to_have_value("2.5")
    box = hours.bounding_box()
    assert box["y"] + box["height"] <= 768 and box["x"] + box["width"] <= 1024
    assert float(hours.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 28
    tablet.get_by_role("button", name="Half an hour less").click()
    expect(hours).to_have_value("2")
    tablet.locator(".roll-tile").first.click()
    save = tablet.get_by_role("button", name="Save the roll")
    assert save.bounding_box()["y"] + save.bounding_box()["height"] <= 768
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot(tablet, "rollcall-hours-tablet-1024")
    save.click()
    expect(tablet.get_by_text("Saved.")).to_be_visible()
    expect(hours).to_have_value("2")
    db.session.expire_all()
    assert db.session.get(WorkshopSession, session.id).centihours == 200
    marks = db.session.scalars(
        sa.select(Attendance.status).where(Attendance.session_id == session.id)
    ).all()
    assert marks == ["present"]
    assert tablet.js_errors == []
    screenshot(tablet, "rollcall-hours-saved-tablet-1024")
