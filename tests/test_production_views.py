"""Production pages on the tablet, voiding, label PDFs, item pages and the story page."""

import uuid

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.production.models import Item, ProductionEntry
from atelier.wages.models import PayslipLine
from tests.conftest import sign_in
from tests.factories import (
    give_photo,
    make_beneficiary,
    make_entry,
    make_item,
    make_payslip,
    make_product_type,
    sync_item_seq,
)
from tests.refusals import error_page


@pytest.fixture
def ora(world, db):
    """ORA's counter, in step with the pieces the world already has."""
    site = sync_item_seq(world.sites["ORA"])
    db.session.commit()
    return site


def _form(world, **overrides):
    return {
        "beneficiary": world.elena.maker_code,
        "product_type": "TOTE",
        "quantity": "3",
        "qc": "passed",
        "made_on": "2026-03-02",
        "client_id": str(uuid.uuid4()),
        **overrides,
    }


def test_the_page_shows_only_her_sites_makers(client, world):
    """The ORA supervisor sees Elena's tile, not Oksana's (BUC)."""
    sign_in(client, world.users["supervisor"])
    page = client.get("/atelier/production").text
    assert "Elena" in page and "Oksana" not in page
    assert world.tote.name in page


def test_another_sites_supervisor_is_refused(client, world):
    """The BUC supervisor cannot open ORA's production screen."""
    sign_in(client, world.users["supervisor_other"])
    refused = error_page(client.get("/atelier/production?site=ORA"), 403)
    assert world.elena.display_name not in refused


@pytest.mark.usefixtures("ora")
def test_saving_offers_to_print_the_labels_at_once(client, world, db):
    """Three pieces saved: a message, and a button to print exactly their labels."""
    sign_in(client, world.users["supervisor"])
    response = client.post("/atelier/production?site=ORA", data=_form(world), follow_redirects=True)
    assert "3 pieces saved." in response.text
    entry = db.session.scalar(sa.select(ProductionEntry))
    assert f"/atelier/labels.pdf?entry={entry.id}" in response.text
    assert "Print the labels now" in response.text
    pdf = client.get(f"/atelier/labels.pdf?entry={entry.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


@pytest.mark.usefixtures("ora")
def test_a_double_submitted_form_saves_once(client, world, db):
    """Tapping save twice (same form, same client_id) makes three pieces, not six."""
    sign_in(client, world.users["supervisor"])
    data = _form(world)
    client.post("/atelier/production?site=ORA", data=data)
    again = client.post("/atelier/production?site=ORA", data=data, follow_redirects=True)
    assert "These pieces were saved already." in again.text
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 1


JSON = {"Accept": "application/json"}


@pytest.mark.usefixtures("ora")
def test_the_tablets_outbox_gets_a_json_answer_and_then_the_confirmation(client, world, db):
    """The page's script sends a kept entry: JSON saying where to go, and that page says
    "3 pieces saved." with the labels to print, as after a plain form post."""
    sign_in(client, world.users["supervisor"])
    response = client.post("/atelier/production?site=ORA", data=_form(world), headers=JSON)
    assert response.status_code == 200
    entry = db.session.scalar(sa.select(ProductionEntry))
    assert response.json["message"] == "3 pieces saved."
    assert response.json["redirect"].endswith(f"saved={entry.id}")
    page = client.get(response.json["redirect"]).text
    assert "3 pieces saved." in page
    assert f"/atelier/labels.pdf?entry={entry.id}" in page


@pytest.mark.usefixtures("ora")
def test_an_entry_for_a_site_no_longer_hers_is_refused_in_json(client, world, db):
    """Kept on the tablet for Oradea, sent after she was moved: a JSON 403, so the outbox
    drops it with the reason instead of retrying for ever; a browser still gets a page."""
    sign_in(client, world.users["supervisor"])
    refused = client.post("/atelier/production?site=BUC", data=_form(world), headers=JSON)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    page = client.get("/atelier/production?site=BUC", headers={"Accept": "text/html"})
    assert page.status_code == 403 and page.mimetype == "text/html"
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 0


@pytest.mark.usefixtures("ora")
def test_an_outbox_retry_the_server_already_has_creates_nothing(client, world, db):
    """The answer was lost, the tablet sends again with the same client_id: still 3 pieces."""
    sign_in(client, world.users["supervisor"])
    data = _form(world)
    client.post("/atelier/production?site=ORA", data=data, headers=JSON)
    again = client.post("/atelier/production?site=ORA", data=data, headers=JSON)
    assert again.status_code == 200
    assert again.json["message"] == "These pieces were saved already."
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Item.id)).where(Item.production_entry_id.is_not(None))
        )
        == 3
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"beneficiary": ""}, "beneficiary"),
        ({"made_on": "2999-01-01"}, "made_on"),
    ],
)
@pytest.mark.usefixtures("ora")
def test_a_refused_outbox_entry_says_why_in_json(client, world, db, overrides, field):
    """An entry the server refuses (form or rule) is a 400 naming the field, not a retry."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/atelier/production?site=ORA", data=_form(world, **overrides), headers=JSON
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 0


@pytest.mark.usefixtures("ora")
def test_a_browser_without_script_still_gets_the_page(client, world):
    """A plain form post (a browser's Accept header) is redirected, not answered in JSON."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/atelier/production?site=ORA",
        data=_form(world),
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 302 and "saved=" in response.location


@pytest.mark.usefixtures("ora")
def test_a_missing_maker_is_shown_on_the_form(client, world):
    """Saving without choosing a maker says so, and saves nothing."""
    sign_in(client, world.users["supervisor"])
    response = client.post("/atelier/production?site=ORA", data=_form(world, beneficiary=""))
    assert response.status_code == 200 and "Choose a maker." in response.text


def test_the_day_lists_production_per_maker(client, world, db):
    """Each maker's pieces of the day, with passed and rejected counts."""
    make_entry(world.elena, world.tote, quantity=3)
    make_entry(world.elena, world.tote, quantity=1, qc="rejected")
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    page = client.get("/atelier/production?site=ORA&day=2026-03-02").text
    assert "3 passed" in page and "1 rejected" in page


def test_voiding_an_entry_voids_its_pieces_and_is_audited(client, world, db):
    """A mistaken entry is voided: its pieces are voided, and the audit log says who."""
    entry = make_entry(world.elena, world.tote, quantity=2)
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    response = client.post(f"/atelier/production/entries/{entry.id}/void", follow_redirects=True)
    assert "The entry is voided." in response.text
    statuses = db.session.scalars(
        sa.select(Item.status).where(Item.production_entry_id == entry.id)
    ).all()
    assert statuses == ["voided", "voided"]
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(AuditEntry.action == "production.void")
    )


def test_an_entry_whose_piece_has_shipped_cannot_be_voided(client, world, db):
    """Once a piece is on its way to a shop, the entry stays and says why."""
    entry = make_entry(world.elena, world.tote, quantity=2)
    entry.items[0].status = "in_transit"
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    response = client.post(f"/atelier/production/entries/{entry.id}/void", follow_redirects=True)
    assert "Some pieces have left the atelier" in response.text
    statuses = db.session.scalars(
        sa.select(Item.status).where(Item.production_entry_id == entry.id).order_by(Item.id)
    ).all()
    assert statuses == ["in_transit", "in_atelier"]


def test_an_entry_already_paid_in_a_closed_month_cannot_be_voided(client, world, db):
    """A closed month never changes: pieces on a closed payslip are not voided."""
    entry = make_entry(world.elena, world.tote, quantity=1)
    slip = make_payslip("2026-03", world.elena, 1000)
    db.session.add(
        PayslipLine(
            payslip_id=slip.id,
            kind="piece",
            description="piece",
            amount_cents=1000,
            source_type="item",
            source_id=entry.items[0].id,
        )
    )
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    response = client.post(f"/atelier/production/entries/{entry.id}/void", follow_redirects=True)
    assert "on a closed payslip" in response.text
    assert db.session.get(Item, entry.items[0].id).status == "in_atelier"


def test_whole_day_and_single_item_labels(client, world, db):
    """A day's sheet and a reprint of one piece are PDFs; another site's piece is not found."""
    make_entry(world.elena, world.tote, quantity=4)
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    day = client.get("/atelier/labels.pdf?site=ORA&day=2026-03-02")
    assert day.status_code == 200 and day.mimetype == "application/pdf"
    one = client.get(f"/atelier/labels.pdf?item={world.item_atelier.code}")
    assert one.status_code == 200
    sign_in(client, world.users["supervisor_other"])
    error_page(client.get(f"/atelier/labels.pdf?item={world.item_atelier.code}"), 404)


def test_item_page_shows_history_and_maker_to_supervisors(client, world, db):
    """The supervisor sees state, history and maker; the read is audited."""
    entry = make_entry(world.elena, world.tote, quantity=1)
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    code = entry.items[0].code
    page = client.get(f"/items/{code}").text
    assert "In the atelier" in page and "Elena" in page and world.elena.maker_code in page
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "production.view_item")
    )


def test_shop_staff_never_see_who_made_a_piece(client, world):
    """The shop's item page shows the piece, not the maker."""
    sign_in(client, world.users["shop"])
    page = client.get(f"/items/{world.item_shop.tag}").text
    assert world.item_shop.code in page
    assert "Elena" not in page and world.elena.maker_code not in page


def test_find_a_piece_by_scan(client, world):
    """A scanned QR URL opens the piece's page; an unknown code says so."""
    sign_in(client, world.users["shop"])
    found = client.get(f"/items?q=https://atelier.test/t/{world.item_shop.tag}")
    assert found.status_code == 302 and found.headers["Location"].endswith(world.item_shop.code)
    assert "No such piece." in client.get("/items?q=ORA-999999").text


def test_story_page_without_consent_names_nobody(client, world, db):
    """No consent: no name, no maker code, no city; the share of the price is there."""
    world.elena.display_name = "Elena Popescu"
    world.elena.public_name_consent = False
    give_photo(world.tote)
    db.session.commit()
    response = client.get(f"/t/{world.item_shop.tag}")
    page = response.text
    assert response.status_code == 200
    assert "Elena" not in page and "Popescu" not in page
    assert world.elena.maker_code not in page and "Oradea" not in page
    assert "Romania" in page and "20%" in page and world.tote.name in page
    assert f"/products/TOTE/photo-{world.tote.photo_version}.jpg" in page


def test_story_page_with_consent_gives_only_her_first_name(client, world, db):
    """With consent the first name appears, never the rest."""
    world.elena.display_name = "Elena Popescu"
    world.elena.public_name_consent = True
    db.session.commit()
    page = client.get(f"/t/{world.item_shop.tag}").text
    assert "Elena" in page and "Popescu" not in page


def test_unknown_or_voided_tag_is_a_plain_404(client, world, db):
    """An unknown tag and a voided piece's tag both give the same plain 404."""
    voided = make_item(world.tote, world.elena, status="voided")
    db.session.commit()
    unknown = client.get("/t/zzzzzzzzzzzzzzzz")
    gone = client.get(f"/t/{voided.tag}")
    assert unknown.status_code == gone.status_code == 404
    assert unknown.data == gone.data and unknown.mimetype == "text/plain"


def test_story_page_is_rate_limited(app, client, world, monkeypatch):
    """A burst from one address beyond the public limit is throttled (429)."""
    monkeypatch.setitem(app.config, "PUBLIC_RATE_LIMIT", "5 per minute")
    statuses = [client.get(f"/t/{world.item_shop.tag}").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def _production_page_queries(client, count_queries):
    with count_queries() as q:
        assert client.get("/atelier/production?site=ORA&day=2026-03-02").status_code == 200
    return q


def test_production_page_query_budget(client, world, db, count_queries):
    """The production screen runs the same number of queries for 1 or 12 entries."""
    sign_in(client, world.users["supervisor"])
    make_entry(world.elena, world.tote, quantity=2)
    db.session.commit()
    small = _production_page_queries(client, count_queries)
    for n in range(4):
        maker = make_beneficiary(world.sites["ORA"], world.programmes["STEP"])
        product = give_photo(make_product_type())
        for _ in range(3):
            make_entry(maker, product, quantity=n + 1)
    db.session.commit()
    large = _production_page_queries(client, count_queries)
    assert large.count == small.count, large.report()
    assert small.count <= 12, small.report()
