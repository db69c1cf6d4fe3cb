"""End-to-end: a supervisor takes the roll on a 10" tablet, saves, reloads, sees the same roll."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from atelier.workshops.models import Attendance
from atelier.workshops.services import site_today
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_people, make_session, make_workshop

pytestmark = pytest.mark.e2e

NAMES = [
    "Ana",
    "Bianca",
    "Camelia",
    "Denisa",
    "Elisabeta",
    "Florina",
    "Gabriela",
    "Iryna",
    "Kateryna",
    "Larisa",
    "Maria",
    "Nadia",
]


def _session_of_twelve(world, db):
    """An ORA workshop with twelve people and a session today."""
    people = make_people(world.sites["ORA"], world.programmes["STEP"], 12)
    for person, name in zip(people, NAMES, strict=True):
        person.display_name = name
    workshop = make_workshop(
        world.sites["ORA"], world.programmes["STEP"], participants=people, title="Sewing basics"
    )
    session = make_session(workshop, site_today(world.sites["ORA"]))
    db.session.commit()
    return session


def _tile(page, name):
    """The roll tile of the person with this name."""
    return page.locator(".roll-tile", has_text=name)


def test_take_the_roll_of_twelve_save_reload_and_see_it(tablet, world, db):
    """Tap through statuses, see the running count, save, reload: the same roll."""
    session = _session_of_twelve(world, db)
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(f"/sessions/{session.id}/roll")
    expect(tablet.locator(".roll-tile")).to_have_count(12)
    # all twelve tiles and the Save button fit the tablet's screen without scrolling
    save = tablet.get_by_role("button", name="Save the roll")
    last = _tile(tablet, "Nadia").bounding_box()
    assert last["y"] + last["height"] <= save.bounding_box()["y"]
    assert _tile(tablet, "Ana").bounding_box()["height"] >= 48

    tablet.get_by_role("button", name="Mark the rest present").click()
    expect(tablet.locator(".roll-count")).to_contain_text("12 present, 0 absent")
    _tile(tablet, "Bianca").click()  # present → absent
    _tile(tablet, "Denisa").click()  # present → absent
    _tile(tablet, "Iryna").click()
    _tile(tablet, "Iryna").click()  # present → absent → excused
    expect(tablet.locator(".roll-count")).to_have_text("9 present, 2 absent, 1 excused")
    bianca = _tile(tablet, "Bianca")
    assert bianca.get_attribute("data-status") == "absent"
    expect(bianca.locator(".roll-icon")).to_have_text("✗", use_inner_text=True)
    expect(_tile(tablet, "Ana").locator(".roll-icon")).to_have_text("✓", use_inner_text=True)
    assert bianca.evaluate("e => getComputedStyle(e).backgroundColor") != _tile(
        tablet, "Ana"
    ).evaluate("e => getComputedStyle(e).backgroundColor")

    save.click()
    tablet.get_by_text("Saved.").wait_for()
    tablet.reload()
    statuses = {name: _tile(tablet, name).get_attribute("data-status") for name in NAMES}
    assert statuses == {
        **dict.fromkeys(NAMES, "present"),
        "Bianca": "absent",
        "Denisa": "absent",
        "Iryna": "excused",
    }
    expect(tablet.locator(".roll-count")).to_have_text("9 present, 2 absent, 1 excused")
    assert tablet.js_errors == []
    screenshot(tablet, "rollcall-12-tablet")


def test_a_failed_save_keeps_her_taps_and_says_so(tablet, world, db):
    """The connection drops: she is told plainly; after a reload the taps are still there."""
    session = _session_of_twelve(world, db)
    sign_in_page(tablet, world.users["supervisor"])
    url = f"/sessions/{session.id}/roll"
    tablet.goto(url)
    _tile(tablet, "Ana").click()
    _tile(tablet, "Maria").click()
    _tile(tablet, "Maria").click()
    tablet.route(
        f"**{url}",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    tablet.get_by_role("button", name="Save the roll").click()
    error = tablet.get_by_role("alert").filter(has_text="Not saved")
    error.wait_for()
    expect(error).to_contain_text("taps are kept")
    screenshot(tablet, "rollcall-save-failed-tablet")
    tablet.unroute(f"**{url}")

    tablet.once("dialog", lambda dialog: dialog.accept())  # "the roll is not saved yet"
    tablet.reload()
    tablet.get_by_text("brought back").wait_for()
    assert _tile(tablet, "Ana").get_attribute("data-status") == "present"
    assert _tile(tablet, "Maria").get_attribute("data-status") == "absent"
    tablet.get_by_role("button", name="Save the roll").click()
    tablet.get_by_text("Saved.").wait_for()
    tablet.reload()
    assert _tile(tablet, "Maria").get_attribute("data-status") == "absent"
    assert tablet.evaluate("Object.keys(localStorage).length") == 0
    assert [e for e in tablet.js_errors if "ERR_FAILED" not in e] == []


def test_quick_add_someone_from_the_site(tablet, world, db):
    """Elena is at ORA but not in the workshop: one tap adds her, present; saved, she stays."""
    session = _session_of_twelve(world, db)
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(f"/sessions/{session.id}/roll")
    tablet.get_by_text("Add someone from the site").click()
    tablet.get_by_role("button", name="Elena").click()
    assert _tile(tablet, "Elena").get_attribute("data-status") == "present"
    tablet.get_by_role("button", name="Save the roll").click()
    tablet.get_by_text("Saved.").wait_for()
    tablet.reload()
    expect(tablet.locator(".roll-tile")).to_have_count(13)
    assert _tile(tablet, "Elena").get_attribute("data-status") == "present"
    assert tablet.js_errors == []


def test_thirty_people_fit_the_tablet_without_scrolling(tablet, world, db):
    """With 30 people every tile and the Save bar are on one 1280×800 screen."""
    people = make_people(world.sites["ORA"], world.programmes["STEP"], 30, prefix="Maker ")
    workshop = make_workshop(world.sites["ORA"], world.programmes["STEP"], participants=people)
    session = make_session(workshop, site_today(world.sites["ORA"]))
    db.session.commit()
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(f"/sessions/{session.id}/roll")
    tiles = tablet.locator(".roll-tile")
    expect(tiles).to_have_count(30)
    bar_top = tablet.locator(".roll-bar").bounding_box()["y"]
    last = tiles.nth(29).bounding_box()
    assert last["y"] + last["height"] <= bar_top <= 800
    assert min(tiles.nth(i).bounding_box()["height"] for i in range(30)) >= 48
    tiles.nth(0).click()
    expect(tablet.locator(".roll-count")).to_have_text(re.compile(r"^1 present, 0 absent"))
    assert tablet.js_errors == []
    screenshot(tablet, "rollcall-30-tablet")


def test_a_save_without_connection_is_sent_when_it_is_back(tablet, world, db):
    """Offline at Save: the taps are kept, and sent by themselves once the connection is back."""
    session = _session_of_twelve(world, db)
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(f"/sessions/{session.id}/roll")
    _tile(tablet, "Ana").click()
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save the roll").click()
    expect(tablet.get_by_role("alert").filter(has_text="Not saved yet")).to_contain_text(
        "will be sent when the connection is back"
    )
    tablet.context.set_offline(False)  # no second tap on Save
    expect(tablet.get_by_text("Saved.")).to_be_visible()
    assert tablet.evaluate("Object.keys(localStorage).length") == 0
    db.session.expire_all()
    marks = db.session.scalars(
        sa.select(Attendance.status).where(Attendance.session_id == session.id)
    ).all()
    assert marks == ["present"]
