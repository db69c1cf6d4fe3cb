"""End-to-end: the database goes away while a supervisor logs production on the tablet.

The tablet's outbox keeps the entry on the 503 and sends it when the database is back; a page
opened meanwhile says, in words, that the database is away and her work is kept.
"""

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.e2e.conftest import _page, screenshot, sign_in_page
from tests.e2e.test_production_outbox import WAITING, _counts, _outbox
from tests.e2e.test_production_tablet import fill_three_totes
from tests.factories import sync_item_seq
from tests.outage import app_behind, close_app, database_switch

pytestmark = pytest.mark.e2e


@pytest.fixture
def outage(app, db, browser, tmp_path):
    """(tablet page, switch): a tablet on an app served on loopback whose way to the
    database the test takes away and puts back."""
    switch = database_switch(app, tmp_path)
    switch.up()
    other = app_behind(switch)
    server = make_server("127.0.0.1", 0, other, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context, page = _page(browser, "tablet", f"http://127.0.0.1:{server.server_port}")
    yield page, switch
    context.close()
    server.shutdown()
    switch.close()
    assert not close_app(other, db), "a request answered 500"


def test_an_outage_keeps_the_tablets_work_and_sends_it_when_the_database_is_back(outage, world, db):
    """Save during the outage: kept on the tablet (503 is "send again"), nothing saved; the
    home page says the database is away; back, the kept entry is sent, once."""
    tablet, switch = outage
    sync_item_seq(world.sites["ORA"])
    sign_in_page(tablet, world.users["supervisor"])
    fill_three_totes(tablet)

    switch.down()
    tablet.get_by_role("button", name="Save pieces").click()
    status = tablet.locator("[data-role=outbox-status]")
    expect(status).to_contain_text(WAITING)
    expect(status).to_contain_text("Waiting to send: 1")
    screenshot(tablet, "outage-outbox-waiting")
    assert _counts(db) == (0, 0)

    tablet.goto("/atelier")
    expect(tablet.get_by_role("heading", name="Not available right now")).to_be_visible()
    expect(tablet.get_by_text("your work on this tablet is kept")).to_be_visible()
    screenshot(tablet, "outage-page")

    switch.up()
    tablet.goto("/atelier/production")  # a page load sends what is waiting
    expect(tablet.get_by_text("3 pieces saved.")).to_be_visible()
    assert _counts(db) == (1, 3)
    assert _outbox(tablet) == []
    errors = [e for e in tablet.js_errors if "503" not in e]
    assert errors == []
