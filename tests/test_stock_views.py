"""Shipment pages: send from the atelier, receive at the shop with progress, shop stock."""

from datetime import date

from flask_babel import force_locale, ngettext

from atelier.extensions import db as _db
from atelier.production.models import Item
from tests.conftest import sign_in
from tests.factories import make_item, make_product_type, make_sale, make_shipment


def _shipment(world, n=3):
    """An ORA → AMS shipment of ``n`` pieces, in transit."""
    pieces = [make_item(world.tote, world.elena) for _ in range(n)]
    shipment = make_shipment(world.sites["ORA"], world.sites["AMS"], pieces)
    _db.session.commit()
    return shipment, pieces


def test_supervisor_sends_selected_and_scanned_pieces(client, world):
    """Ticked and scanned pieces leave together; the packing list is a PDF."""
    extra = make_item(world.tote, world.elena)
    sign_in(client, world.users["supervisor"])
    page = client.get("/shipments/new")
    assert world.item_atelier.code in page.get_data(as_text=True)
    response = client.post(
        "/shipments/new",
        data={
            "from_site": "ORA",
            "to_site": "AMS",
            "items": [world.item_atelier.code],
            "scans": f"https://atelier.test/t/{extra.tag}\n",
        },
        follow_redirects=True,
    )
    assert "2 pieces are on their way" in response.get_data(as_text=True)
    assert _db.session.get(Item, extra.id).status == "in_transit"
    pdf = client.get(response.request.path + "/packing-list.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_sending_a_piece_already_shipped_shows_why(client, world):
    """A piece in a shop cannot be sent: the page names it and nothing moves."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/shipments/new",
        data={
            "from_site": "ORA",
            "to_site": "AMS",
            "scans": f"{world.item_atelier.code}\n{world.item_shop.code}",
        },
    )
    assert world.item_shop.code in response.get_data(as_text=True)
    assert _db.session.get(Item, world.item_atelier.id).status == "in_atelier"


def test_receiving_by_scanning_shows_progress_and_lists_missing(client, world):
    """Scan 2 of 3: "2 of 3 received"; finishing lists the third as missing."""
    shipment, pieces = _shipment(world)
    sign_in(client, world.users["shop"])
    for piece in pieces[:2]:
        client.post(f"/shipments/{shipment.id}/scan", data={"scan": piece.tag})
    page = client.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert "2 of 3 received" in page
    done = client.post(f"/shipments/{shipment.id}/finish", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert f"Missing: {pieces[2].code}" in text
    assert "Receiving finished: 1 piece missing." in text  # one piece, not "1 pieces"
    assert _db.session.get(Item, pieces[0].id).status == "in_shop"
    assert _db.session.get(Item, pieces[2].id).status == "in_transit"


def test_an_unexpected_piece_is_listed_not_accepted(client, world):
    """A piece not on the shipment is set aside and shown, and stays where it was."""
    shipment, _pieces = _shipment(world, 1)
    stray = make_item(world.tote, world.elena)
    _db.session.commit()
    sign_in(client, world.users["shop"])
    response = client.post(
        f"/shipments/{shipment.id}/scan", data={"scan": stray.code}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "is not on this shipment" in text and "Not on this shipment (set aside)" in text
    assert _db.session.get(Item, stray.id).status == "in_atelier"
    assert "0 of 1 received" in text


def test_accept_all_receives_every_piece(client, world):
    """One tap puts the whole shipment in stock."""
    shipment, pieces = _shipment(world, 2)
    sign_in(client, world.users["shop"])
    response = client.post(f"/shipments/{shipment.id}/accept-all", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "2 of 2 received" in text and "Shipment received: 2 pieces in stock." in text
    assert {_db.session.get(Item, p.id).status for p in pieces} == {"in_shop"}


def test_a_missing_piece_that_turns_up_late_can_still_be_received(client, world):
    """Receiving finished with two pieces missing; one arrives a week later: scanned on the
    same shipment page it goes into stock. A piece that was not missing cannot be scanned in."""
    shipment, pieces = _shipment(world, 3)
    stray = make_item(world.tote, world.elena)
    _db.session.commit()
    sign_in(client, world.users["shop"])
    client.post(f"/shipments/{shipment.id}/scan", data={"scan": pieces[0].code})
    client.post(f"/shipments/{shipment.id}/finish")
    page = client.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert "A missing piece turned up?" in page and "Finish receiving" not in page
    refused = client.post(
        f"/shipments/{shipment.id}/scan", data={"scan": stray.code}, follow_redirects=True
    ).get_data(as_text=True)
    assert "only a missing piece can still arrive" in refused
    assert _db.session.get(Item, stray.id).status == "in_atelier"
    late = client.post(
        f"/shipments/{shipment.id}/scan", data={"scan": pieces[1].tag}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"{pieces[1].code} arrived late and is now in stock." in late
    assert "2 of 3 received" in late and f"Missing: {pieces[2].code}<" in late
    assert _db.session.get(Item, pieces[1].id).status == "in_shop"


def test_counts_are_worded_for_the_number_in_ukrainian(app):
    """Ukrainian has its own form for 1, for 2-4 and for 5 and more."""
    with app.test_request_context(), force_locale("uk"):
        forms = [
            ngettext(
                "Receiving finished: %(num)d piece missing.",
                "Receiving finished: %(num)d pieces missing.",
                n,
            )
            for n in (1, 3, 5)
        ]
    assert forms == [
        "Приймання завершено: не надійшов 1 виріб.",
        "Приймання завершено: не надійшли 3 вироби.",
        "Приймання завершено: не надійшло 5 виробів.",
    ]


def test_shop_stock_by_product_never_names_the_maker(client, world):
    """Stock per product with days on the shelf and this week's sales; no maker anywhere."""
    sold = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    make_sale(world.sites["AMS"], [sold])
    _db.session.commit()
    sign_in(client, world.users["shop"])
    text = client.get("/stock").get_data(as_text=True)
    assert "Reshare Amsterdam" in text and "Tote bag" in text
    assert "Reshare Rotterdam" not in text
    assert world.elena.display_name not in text and world.elena.maker_code not in text


def test_shop_stock_query_budget(client, world, count_queries):
    """The stock page runs the same number of queries for 5 or 200 pieces."""
    sign_in(client, world.users["shop"])
    counts = []
    for n in (5, 200):
        for _ in range(n):
            make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
        _db.session.commit()
        with count_queries() as q:
            assert client.get("/stock").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], q.report()


def test_shipment_picker_lists_newest_first_says_what_is_not_shown_and_filters(
    client, world, count_queries
):
    """With more waiting pieces than fit, the newest are shown first, the page says how many
    there are and which of them it shows, the rest are on the next pages, and filters by
    product and day made narrow the list; a fixed number of queries however many there are."""
    apron = make_product_type("APRON", name="Apron")
    old = [make_item(world.tote, world.elena, made_on=date(2026, 1, 5)) for _ in range(70)]
    new = [make_item(apron, world.elena, made_on=date(2026, 3, 2)) for _ in range(5)]
    _db.session.commit()
    sign_in(client, world.users["supervisor"])
    with count_queries() as q:
        page = client.get("/shipments/new").get_data(as_text=True)
    total = 70 + 5 + 1  # and the world's own waiting piece
    assert f"{total} pieces are waiting." in page
    assert "Showing 1–60, newest first." in page and "Page 1 of 2" in page
    assert all(p.code in page for p in new)  # the five newest are on the first page
    assert old[0].code not in page  # the oldest is on page 2
    assert "hold Ctrl or Shift" not in page
    second = client.get("/shipments/new?page=2").get_data(as_text=True)
    assert old[0].code in second and "Page 2 of 2" in second
    only_aprons = client.get("/shipments/new?product=APRON").get_data(as_text=True)
    assert "5 pieces are waiting." in only_aprons and old[-1].code not in only_aprons
    that_day = client.get("/shipments/new?made_on=2026-01-05").get_data(as_text=True)
    assert "70 pieces are waiting." in that_day and new[0].code not in that_day
    with count_queries() as q2:
        client.get("/shipments/new?page=2")
    assert q2.count == q.count
