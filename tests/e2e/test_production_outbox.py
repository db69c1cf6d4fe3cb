"""End-to-end: production saved on a weak connection is kept on the tablet and sent once."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from atelier.production.models import Item, ProductionEntry
from tests.e2e.conftest import screenshot, sign_in_page
from tests.e2e.test_production_tablet import fill_three_totes
from tests.factories import make_user, sync_item_seq

pytestmark = pytest.mark.e2e

WAITING = "Saved on this tablet; will send when the connection is back."


def _counts(db) -> tuple[int, int]:
    """(entries, pieces) in the database."""
    db.session.expire_all()
    entries = db.session.scalar(sa.select(sa.func.count(ProductionEntry.id)))
    items = db.session.scalar(
        sa.select(sa.func.count(Item.id)).where(Item.production_entry_id.is_not(None))
    )
    return entries, items


def _outbox(page) -> list[str]:
    """Every outbox key kept in this browser's storage, with its number of entries."""
    return page.evaluate("""() => Object.keys(localStorage)
        .filter(k => k.startsWith('atelier.outbox.'))
        .map(k => k + '=' + JSON.parse(localStorage.getItem(k)).length)""")


def test_a_save_without_connection_is_kept_and_sent_when_it_is_back(tablet, world, db):
    """Offline at Save: the tablet says it kept the entry; back online it is sent, once."""
    sync_item_seq(world.sites["ORA"])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)
    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Save pieces").click()
    status = tablet.locator("[data-role=outbox-status]")
    expect(status).to_contain_text(WAITING)
    expect(status).to_contain_text("Waiting to send: 1")
    screenshot(tablet, "production-outbox-waiting")
    assert _counts(db) == (0, 0)

    tablet.context.set_offline(False)  # the browser's `online` event sends it
    expect(tablet.get_by_text("3 pieces saved.")).to_be_visible()
    expect(tablet.get_by_role("link", name="Print the labels now")).to_be_visible()
    expect(status).to_be_hidden()
    assert _counts(db) == (1, 3)
    assert _outbox(tablet) == []
    assert [e for e in tablet.js_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_retry_after_the_server_saved_it_creates_nothing(tablet, world, db):
    """The server saves, the answer is lost on the way back: the tablet keeps the entry and
    sends it again (on the next page load) with the same client_id: still three pieces."""
    sync_item_seq(world.sites["ORA"])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)

    def lose_the_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch()  # the server gets it and saves
        return route.abort("connectionreset")

    tablet.route("**/atelier/production**", lose_the_answer)
    tablet.get_by_role("button", name="Save pieces").click()
    expect(tablet.locator("[data-role=outbox-status]")).to_contain_text("Waiting to send: 1")
    assert _counts(db) == (1, 3)

    tablet.unroute("**/atelier/production**")
    tablet.reload()  # a page load sends what is waiting
    expect(tablet.get_by_text("These pieces were saved already.")).to_be_visible()
    expect(tablet.get_by_role("link", name="Print the labels now")).to_be_visible()
    assert _counts(db) == (1, 3)
    assert _outbox(tablet) == []


def test_a_kept_entry_is_never_sent_under_another_user(tablet, world, db):
    """Another supervisor signs in on the same tablet: the first one's kept entry waits for
    her, and is sent when she is back."""
    sync_item_seq(world.sites["ORA"])
    colleague = make_user("supervisor", sites=[world.sites["ORA"]])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)
    context = tablet.context
    context.set_offline(True)
    tablet.get_by_role("button", name="Save pieces").click()
    expect(tablet.locator("[data-role=outbox-status]")).to_contain_text("Waiting to send: 1")
    tablet.close()  # she closes the tab and signs out; the tablet keeps its storage
    context.clear_cookies()
    context.set_offline(False)

    page = context.new_page()
    posts = []
    page.on(
        "request",
        lambda r: r.method == "POST" and "/atelier/production" in r.url and posts.append(r.url),
    )
    sign_in_page(page, colleague)
    page.goto("/atelier/production")
    expect(page.get_by_role("button", name="Save pieces")).to_be_visible()
    page.wait_for_timeout(1000)  # what the page sends by itself, it sends at once on load
    assert posts == [] and _counts(db) == (0, 0)
    expect(page.locator("[data-role=outbox-status]")).to_be_hidden()
    assert _outbox(page) == [f"atelier.outbox.production.{world.users['supervisor'].id}=1"]

    context.clear_cookies()
    sign_in_page(page, world.users["supervisor"])  # sent from the first page she sees
    expect(page.get_by_text("3 pieces saved.").first).to_be_visible()
    assert _counts(db) == (1, 3)
    entry = db.session.scalar(sa.select(ProductionEntry))
    assert entry.created_by_id == world.users["supervisor"].id


def test_a_form_with_a_mistake_is_shown_as_before_and_not_kept(tablet, world, db):
    """No maker chosen: the page says so, as without script, and nothing waits to be sent."""
    sign_in_page(tablet, world.users["supervisor"])
    tablet.goto("/atelier/production")
    tablet.locator("label.product-tile", has_text="Tote bag").click()
    tablet.get_by_role("button", name="Save pieces").click()
    expect(tablet.get_by_text("Choose a maker.")).to_be_visible()
    expect(tablet.locator("[data-role=outbox-status]")).to_be_hidden()
    assert _outbox(tablet) == [] and _counts(db) == (0, 0)
    assert [e for e in tablet.js_errors if "status of 400" not in e] == []  # the refusal
