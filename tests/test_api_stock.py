"""The stock API: send a shipment (all or nothing), receive it and hear what is missing."""

import sqlalchemy as sa

from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.stock.models import Shipment
from tests.conftest import bearer
from tests.factories import make_item
from tests.refusals import api_error, row_counts, status_of


def _made(world, n, status="in_atelier"):
    """``n`` pieces by Elena at Oradea."""
    return [make_item(world.tote, world.elena, status=status) for _ in range(n)]


def _send(client, world, items, to="AMS"):
    return client.post(
        "/api/v1/shipments",
        headers=bearer(world.users["supervisor"]),
        json={"from": "ORA", "to": to, "items": items},
    )


def test_sending_puts_the_pieces_in_transit_to_the_shop(client, world):
    """201 with the codes; every piece is in transit, bound for the shop."""
    pieces = _made(world, 3)
    response = _send(
        client, world, [pieces[0].code, pieces[1].tag, f"https://atelier.test/t/{pieces[2].tag}"]
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "in_transit"
    assert response.json["items"] == [p.code for p in pieces]
    for piece in pieces:
        item = _db.session.get(Item, piece.id)
        assert (item.status, item.site_id) == ("in_transit", world.sites["AMS"].id)


def test_a_piece_not_at_the_atelier_refuses_the_whole_shipment(client, world):
    """409 naming the piece already in a shop; the other pieces do not move."""
    ready = _made(world, 2)
    response = _send(client, world, [ready[0].code, world.item_shop.code, ready[1].code])
    assert response.status_code == 409
    assert world.item_shop.code in response.json["error"]["fields"]
    assert {_db.session.get(Item, p.id).status for p in ready} == {"in_atelier"}
    assert _db.session.scalar(sa.select(sa.func.count(Shipment.id))) == 0


def test_unknown_sites_and_empty_lists_are_400(client, world):
    """Bad input names the field."""
    [piece] = _made(world, 1)
    bad_to = _send(client, world, [piece.code], to="XXX")
    assert "to" in api_error(bad_to, 400, "invalid")["fields"]
    api_error(_send(client, world, []), 400, "invalid")
    twice = _send(client, world, [piece.code, piece.tag])
    api_error(twice, 400, "invalid")
    assert row_counts(Shipment) == [0]
    assert status_of(piece) == "in_atelier"


def test_receiving_reports_missing_pieces(client, world):
    """Two of three arrive: they are in the shop, the third is reported missing."""
    pieces = _made(world, 3)
    shipment_id = _send(client, world, [p.code for p in pieces]).json["id"]
    response = client.post(
        f"/api/v1/shipments/{shipment_id}/receive",
        headers=bearer(world.users["shop"]),
        json={"items": [pieces[0].code, pieces[2].tag]},
    )
    assert response.status_code == 200, response.json
    assert response.json["received"] == [pieces[0].code, pieces[2].code]
    assert response.json["missing"] == [pieces[1].code]
    assert _db.session.get(Item, pieces[0].id).status == "in_shop"
    assert _db.session.get(Item, pieces[1].id).status == "in_transit"
    again = client.post(
        f"/api/v1/shipments/{shipment_id}/receive", headers=bearer(world.users["shop"]), json={}
    )
    api_error(again, 409, "conflict")
    assert [status_of(p) for p in pieces] == ["in_shop", "in_transit", "in_shop"]


def test_receiving_without_a_list_accepts_all(client, world):
    """Omitting items receives every piece."""
    pieces = _made(world, 2)
    shipment_id = _send(client, world, [p.code for p in pieces]).json["id"]
    response = client.post(
        f"/api/v1/shipments/{shipment_id}/receive", headers=bearer(world.users["shop"]), json={}
    )
    assert response.json["received"] == [p.code for p in pieces]
    assert response.json["missing"] == []


def test_another_shop_cannot_receive(client, world):
    """Rotterdam staff cannot receive a shipment for Amsterdam: 403 (another site's), as
    API.md says; 404 is for a shipment that does not exist."""
    [piece] = _made(world, 1)
    shipment_id = _send(client, world, [piece.code]).json["id"]
    response = client.post(
        f"/api/v1/shipments/{shipment_id}/receive",
        headers=bearer(world.users["shop_other"]),
        json={},
    )
    api_error(response, 403, "forbidden")
    assert _db.session.get(Item, piece.id).status == "in_transit"
    unknown = client.post(
        f"/api/v1/shipments/{shipment_id + 1}/receive",
        headers=bearer(world.users["shop_other"]),
        json={},
    )
    api_error(unknown, 404, "not_found")
    assert status_of(piece) == "in_transit"


def test_a_piece_listed_twice_on_receiving_is_refused_and_nothing_moves(client, world):
    """Its code and its tag both listed: 400 naming it; the shipment stays in transit."""
    pieces = _made(world, 2)
    stray = _made(world, 1)[0]
    shipment_id = _send(client, world, [p.code for p in pieces]).json["id"]
    response = client.post(
        f"/api/v1/shipments/{shipment_id}/receive",
        headers=bearer(world.users["shop"]),
        json={"items": [pieces[0].code, stray.code, stray.tag]},
    )
    assert response.status_code == 400
    assert stray.code in response.json["error"]["fields"]["items"]
    assert _db.session.get(Shipment, shipment_id).status == "in_transit"
    assert _db.session.get(Item, pieces[0].id).status == "in_transit"
