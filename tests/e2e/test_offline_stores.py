"""End-to-end (issue #15): work kept on a shared tablet stays with the user who did it.

A supervisor's unsaved roll-call taps never carry over to the next user of the tablet, and
nothing is saved under the next user's name; signing out with work waiting says so and offers
to send it now; a production entry waiting to be sent is sent from any page of its user; an
entry refused for a reason that will not change is shown to its owner and kept for her.
"""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from atelier.audit import AuditEntry
from atelier.production.models import ProductionEntry
from atelier.workshops.models import Attendance
from tests.e2e.conftest import screenshot, sign_in_page
from tests.e2e.test_production_tablet import fill_three_totes
from tests.e2e.test_workshops_rollcall import _session_of_twelve, _tile
from tests.factories import make_user, sync_item_seq

pytestmark = pytest.mark.e2e

WAITING_ONE = "1 entry waiting to be sent: stay signed in until it is sent, or discard it."


def _no_answer(page, url):
    """Posts to ``url`` get no answer (the connection is back, the retry is lost)."""
    page.route(
        f"**{url}",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )


def _roll_marks(db, session) -> list:
    db.session.expire_all()
    return db.session.execute(
        sa.select(Attendance.status, Attendance.recorded_by_id).where(
            Attendance.session_id == session.id
        )
    ).all()


def test_a_supervisors_unsaved_taps_never_reach_the_next_user(tablet, world, db):
    """The issue's four steps: she taps Present and Saves with no connection; the retry gets
    no answer and she signs out; the coordinator signs in on the same tablet and opens the
    same roll: no carried-over taps, and her Save records nothing under her name."""
    session = _session_of_twelve(world, db)
    coordinator = make_user("supervisor", sites=[world.sites["ORA"]], username="coordinator")
    supervisor = world.users["supervisor"]
    url = f"/sessions/{session.id}/roll"

    # 1. Present, Save with no connection: the page says the taps are kept
    sign_in_page(tablet, supervisor)
    tablet.goto(url)
    _tile(tablet, "Ana").click()
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save the roll").click()
    expect(tablet.get_by_role("alert").filter(has_text="Not saved yet")).to_be_visible()

    # 2. the connection is back but the retry gets no answer; she signs out
    _no_answer(tablet, url)
    tablet.context.set_offline(False)
    tablet.get_by_role("button", name="Sign out").click()
    panel = tablet.get_by_role("alertdialog")
    expect(panel).to_contain_text(WAITING_ONE)
    screenshot(tablet, "offline-sign-out-waiting-tablet")
    panel.get_by_role("button", name="Send it now").click()
    expect(panel).to_contain_text("Not sent: no connection")
    expect(panel).to_contain_text(WAITING_ONE)
    assert _roll_marks(db, session) == []
    # she leaves it (the tab is closed, her session ends): the taps stay kept for her
    tablet.close()
    context = tablet.context
    context.clear_cookies()

    # 3. the coordinator signs in on the same tablet and opens the same roll
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    posts = []
    page.on("request", lambda r: r.method == "POST" and url in r.url and posts.append(r.url))
    sign_in_page(page, coordinator)
    page.goto(url)
    expect(page.locator(".roll-tile")).to_have_count(12)
    page.wait_for_timeout(500)  # what the page restores, it restores at once on load
    assert _tile(page, "Ana").get_attribute("data-status") == "unmarked"
    expect(page.get_by_text("brought back")).to_have_count(0)
    expect(page.locator(".roll-count")).to_have_text("0 present, 0 absent, 12 not marked")
    screenshot(page, "offline-coordinator-clean-roll-tablet")

    # 4. her Save records nothing under her name; nothing of the supervisor's is sent
    page.get_by_role("button", name="Save the roll").click()
    expect(page.get_by_text("Nothing new to save.")).to_be_visible()
    assert posts == []
    assert _roll_marks(db, session) == []
    db.session.expire_all()
    assert not db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.user_id == coordinator.id, AuditEntry.action == "workshops.roll"
        )
    ).all()
    # the signed-out prompt has nothing to say for her: she signs out at once
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()

    # the supervisor, back on the tablet, finds her taps and saves them under her name
    sign_in_page(page, supervisor)
    page.goto(url)
    expect(page.get_by_text("brought back")).to_be_visible()
    assert _tile(page, "Ana").get_attribute("data-status") == "present"
    page.get_by_role("button", name="Save the roll").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert _roll_marks(db, session) == [("present", supervisor.id)]
    assert errors == []


def test_sign_out_with_work_waiting_offers_to_send_it_now(tablet, world, db):
    """Taps kept after a failed Save: Sign out says so; "Send it now" sends them (under her
    name), and then she signs out."""
    session = _session_of_twelve(world, db)
    url = f"/sessions/{session.id}/roll"
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(url)
    _tile(tablet, "Maria").click()
    _no_answer(tablet, url)
    tablet.get_by_role("button", name="Save the roll").click()
    expect(tablet.get_by_role("alert").filter(has_text="Not saved yet")).to_be_visible()
    tablet.unroute(f"**{url}")
    tablet.goto("/")  # another page of hers: the roll taps are still kept for her
    tablet.get_by_role("button", name="Sign out").click()
    panel = tablet.get_by_role("alertdialog")
    expect(panel).to_contain_text(WAITING_ONE)
    panel.get_by_role("button", name="Send it now").click()
    expect(panel).to_contain_text("Everything kept on this tablet is sent.")
    assert _roll_marks(db, session) == [("present", world.users["supervisor"].id)]
    tablet.get_by_role("button", name="Sign out").click()
    expect(tablet.get_by_label("Username")).to_be_visible()
    assert tablet.evaluate("Object.keys(localStorage).length") == 0


def test_discard_and_sign_out_forgets_the_kept_taps(tablet, world, db):
    """She chooses to discard: she is signed out and nothing is kept or sent."""
    session = _session_of_twelve(world, db)
    url = f"/sessions/{session.id}/roll"
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto(url)
    _tile(tablet, "Ana").click()
    tablet.get_by_role("button", name="Sign out").click()
    tablet.get_by_role("alertdialog").get_by_role("button", name="Discard and sign out").click()
    expect(tablet.get_by_label("Username")).to_be_visible()
    assert tablet.evaluate("Object.keys(localStorage).length") == 0
    assert _roll_marks(db, session) == []


def test_a_waiting_production_entry_is_sent_from_any_page(tablet, world, db):
    """Saved offline on the Production page, then she goes to her home page: once the
    connection is back the entry is sent from there, under her name."""
    sync_item_seq(world.sites["ORA"])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save pieces").click()
    expect(tablet.locator("[data-role=outbox-status]")).to_contain_text("Waiting to send: 1")
    _no_answer(tablet, "/atelier/production*")  # not sent from the Production page
    tablet.context.set_offline(False)
    tablet.goto("/")
    expect(tablet.get_by_role("button", name="Sign out")).to_be_visible()
    tablet.unroute("**/atelier/production*")
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 0
    tablet.reload()  # her home page, with the connection back
    for _ in range(50):
        db.session.expire_all()
        if db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))):
            break
        tablet.wait_for_timeout(200)
    entry = db.session.scalar(sa.select(ProductionEntry))
    assert entry is not None and entry.created_by_id == world.users["supervisor"].id
    expect(tablet.get_by_role("status").filter(has_text="3 pieces saved.")).to_be_visible()
    screenshot(tablet, "offline-entry-sent-from-home-tablet")
    assert tablet.evaluate("Object.keys(localStorage).length") == 0


@pytest.mark.usefixtures("db")
def test_an_entry_refused_for_good_is_kept_for_her_and_not_retried(tablet, world):
    """The server refuses a kept entry (403): it is shown to her, kept for her, and not sent
    again by itself; she may discard it."""
    sync_item_seq(world.sites["ORA"])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save pieces").click()
    expect(tablet.locator("[data-role=outbox-status]")).to_contain_text("Waiting to send: 1")
    tablet.get_by_label("How many").fill("4")  # she is on the next entry already
    posts = []

    def refuse(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.url)
        return route.fulfill(
            status=403,
            content_type="application/json",
            body='{"error": {"code": "forbidden", "message": "This belongs to another site."}}',
        )

    tablet.route("**/atelier/production*", refuse)
    tablet.context.set_offline(False)
    panel = tablet.get_by_role("alertdialog")
    expect(panel).to_contain_text("Not accepted, and kept on this tablet for you")
    expect(panel).to_contain_text("This belongs to another site.")
    screenshot(tablet, "offline-entry-held-tablet")
    tablet.goto("/")
    expect(panel).to_contain_text("This belongs to another site.")
    tablet.wait_for_timeout(500)
    assert len(posts) == 1  # held: not sent again by itself
    key = f"atelier.outbox.production.{world.users['supervisor'].id}"
    kept = tablet.evaluate(f"JSON.parse(localStorage.getItem('{key}'))")
    assert len(kept) == 1 and kept[0]["held"] == "This belongs to another site."
    panel.get_by_role("button", name="Discard it").click()
    expect(panel).to_be_hidden()
    assert tablet.evaluate("Object.keys(localStorage).length") == 0
