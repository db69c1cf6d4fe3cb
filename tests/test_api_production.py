"""API: POST /production, GET /items/{ref}, POST /labels."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.production.models import Item, ItemEvent
from tests.conftest import bearer
from tests.factories import make_item, make_product_type, make_user, sync_item_seq
from tests.refusals import api_error


@pytest.fixture
def ora(world, db):
    """ORA's counter, in step with the pieces the world already has."""
    site = sync_item_seq(world.sites["ORA"])
    db.session.commit()
    return site


def _body(world, **overrides):
    return {
        "beneficiary": world.elena.maker_code,
        "product_type": "TOTE",
        "quantity": 3,
        "made_on": "2026-03-02",
        "qc": "passed",
        **overrides,
    }


def _count(db):
    return db.session.scalar(sa.select(sa.func.count(Item.id)))


def test_logging_three_pieces_gives_three_consecutive_codes_and_tags(client, world, ora, db):
    """Three pieces get the next three codes of the atelier, each with its own tag and URL."""
    start = ora.item_seq
    response = client.post(
        "/api/v1/production", json=_body(world), headers=bearer(world.users["supervisor"])
    )
    assert response.status_code == 201, response.json
    items = response.json["items"]
    assert [i["code"] for i in items] == [f"ORA-{n:06d}" for n in range(start + 1, start + 4)]
    assert len({i["tag"] for i in items}) == 3
    assert all(i["qr_url"] == f"https://atelier.test/t/{i['tag']}" for i in items)
    assert {i["status"] for i in items} == {"in_atelier"}
    made = db.session.scalars(
        sa.select(ItemEvent.kind).join(Item).where(Item.code == items[0]["code"])
    ).all()
    assert made == ["made"]


def test_a_replayed_save_creates_nothing(client, world, ora, db):
    """The same client_id twice: the second answer is the first result, and no new piece."""
    body = _body(world, client_id=str(uuid.uuid4()))
    headers = bearer(world.users["supervisor"])
    first = client.post("/api/v1/production", json=body, headers=headers)
    before = _count(db)
    second = client.post("/api/v1/production", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["items"] == first.json["items"]
    assert _count(db) == before
    db.session.refresh(ora)
    assert ora.item_seq == int(first.json["items"][-1]["code"].split("-")[1])


@pytest.mark.usefixtures("ora")
def test_rejected_pieces_are_recorded_as_rejected(client, world):
    """QC rejected: the pieces exist (codes are gap-free) but are not for sale."""
    response = client.post(
        "/api/v1/production",
        json=_body(world, qc="rejected", quantity=1),
        headers=bearer(world.users["admin"]),
    )
    assert response.json["items"][0]["status"] == "rejected"


BAD = [
    ({"quantity": 0}, "quantity"),
    ({"quantity": 201}, "quantity"),
    ({"made_on": (date.today() + timedelta(days=2)).isoformat()}, "made_on"),
    ({"beneficiary": "NOSUCH"}, "beneficiary"),
    ({"product_type": "NOSUCH"}, "product_type"),
    ({"qc": "maybe"}, "qc"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.usefixtures("ora")
def test_bad_production_is_refused_naming_the_field(client, world, db):
    """Each bad input is a 400 naming the field, and nothing is written."""
    before = _count(db)
    headers = bearer(world.users["supervisor"])
    for overrides, field in BAD:
        response = client.post(
            "/api/v1/production", json=_body(world, **overrides), headers=headers
        )
        assert response.status_code == 400, overrides
        assert field in response.json["error"]["fields"], overrides
    assert _count(db) == before


@pytest.mark.usefixtures("ora")
def test_a_supervisor_cannot_log_for_another_sites_maker(client, world, db):
    """Oksana works at BUC: the ORA supervisor is refused and nothing is written."""
    before = _count(db)
    response = client.post(
        "/api/v1/production",
        json=_body(world, beneficiary=world.oksana.maker_code),
        headers=bearer(world.users["supervisor"]),
    )
    api_error(response, 403, "forbidden")
    assert _count(db) == before


def test_item_lookup_by_code_tag_or_url(client, world):
    """A supervisor finds a piece by code, tag or QR URL and sees its maker code."""
    item = world.item_atelier
    headers = bearer(world.users["supervisor"])
    for ref in (item.code, item.tag):
        response = client.get(f"/api/v1/items/{ref}", headers=headers)
        assert response.status_code == 200
        assert response.json["code"] == item.code
        assert response.json["maker_code"] == world.elena.maker_code
        assert response.json["price_cents"] == 1500 and response.json["currency"] == "EUR"
        assert response.json["status"] == "in_atelier" and response.json["site"] == "ORA"


def test_shop_staff_see_their_pieces_without_the_maker(client, world):
    """The AMS shop sees the piece in its shop, but not who made it."""
    response = client.get(
        f"/api/v1/items/{world.item_shop.code}", headers=bearer(world.users["shop"])
    )
    assert response.status_code == 200
    assert "maker_code" not in response.json
    assert world.elena.display_name not in response.text


def test_unknown_and_foreign_pieces_look_the_same(client, world):
    """An unknown code, an unknown tag and a piece of another site give the same 404."""
    shop = bearer(world.users["shop"])
    unknown_code = client.get("/api/v1/items/ORA-999999", headers=shop)
    unknown_tag = client.get("/api/v1/items/zzzzzzzzzzzzzzzz", headers=shop)
    in_atelier = client.get(f"/api/v1/items/{world.item_atelier.code}", headers=shop)
    other_shop = client.get(
        f"/api/v1/items/{world.item_shop.tag}", headers=bearer(world.users["shop_other"])
    )
    bodies = {r.get_data(as_text=True) for r in (unknown_code, unknown_tag, in_atelier, other_shop)}
    assert {r.status_code for r in (unknown_code, unknown_tag, in_atelier, other_shop)} == {404}
    assert len(bodies) == 1
    assert "ORA-999999" not in bodies.pop()


def test_labels_call_returns_a_pdf(client, world):
    """POST /labels gives an A4 PDF for the pieces named."""
    response = client.post(
        "/api/v1/labels",
        json={"items": [world.item_atelier.code]},
        headers=bearer(world.users["supervisor"]),
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_labels_refuse_unknown_pieces_and_bad_grids(client, world):
    """Unknown codes are named (404); a grid of 9 columns is a 400."""
    headers = bearer(world.users["supervisor"])
    unknown = client.post("/api/v1/labels", json={"items": ["ORA-999999"]}, headers=headers)
    assert "ORA-999999" in api_error(unknown, 404, "not_found")["fields"]["items"]
    grid = client.post(
        "/api/v1/labels", json={"items": [world.item_atelier.code], "columns": 9}, headers=headers
    )
    assert "columns" in api_error(grid, 400, "invalid")["fields"]


@pytest.mark.usefixtures("ora")
def test_production_is_audited(client, world, db):
    """Logging pieces leaves an audit entry."""
    client.post("/api/v1/production", json=_body(world), headers=bearer(world.users["admin"]))
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "production.log")
        )
        == 1
    )


def _labels_queries(client, headers, codes, count_queries):
    with count_queries() as q:
        response = client.post("/api/v1/labels", json={"items": codes}, headers=headers)
    assert response.status_code == 200
    return q


def test_label_and_item_calls_have_a_fixed_query_budget(client, world, db, count_queries):
    """Labels for 1 or 12 pieces, of one or four products, run the same number of queries."""
    headers = bearer(world.users["supervisor"])
    small = _labels_queries(client, headers, [world.item_atelier.code], count_queries)
    products = [make_product_type() for _ in range(4)]
    codes = [make_item(products[n % 4], world.elena).code for n in range(12)]
    db.session.commit()
    large = _labels_queries(client, headers, codes, count_queries)
    assert large.count == small.count, large.report()
    with count_queries() as q:
        client.get(f"/api/v1/items/{codes[0]}", headers=headers)
    assert q.count <= 8, q.report()


@pytest.mark.usefixtures("ora")
def test_logging_runs_the_same_few_queries_whatever_the_quantity_and_history(
    client, world, db, count_queries
):
    """Logging 1 or 20 pieces, with a short or a long history: the same statements, with
    one INSERT for all the pieces and one for all their events."""
    headers, counts = bearer(world.users["supervisor"]), []
    for history in (0, 500):
        for _ in range(history // 20):
            client.post("/api/v1/production", json=_body(world, quantity=20), headers=headers)
        for quantity in (1, 20):
            body = _body(world, quantity=quantity)  # the test's own reads are not counted
            with count_queries() as q:
                response = client.post("/api/v1/production", headers=headers, json=body)
            assert response.status_code == 201, response.json
            assert len(response.json["items"]) == quantity
            counts.append(q.count)
            inserts = [s for s in q.statements if s.startswith("INSERT INTO items")]
            assert len(inserts) == 1, q.report()
    assert len(set(counts)) == 1 and counts[0] <= 11, q.report()
    assert _count(db) >= 500


def test_a_supervisor_posted_to_a_shop_never_sees_other_ateliers_makers(client, world, db):
    """Only the supervisor of the atelier where a piece was made sees its maker code."""
    shop_supervisor = make_user("supervisor", sites=[world.sites["AMS"]])
    db.session.commit()
    seen = client.get(f"/api/v1/items/{world.item_shop.code}", headers=bearer(shop_supervisor))
    assert seen.status_code == 200
    assert "maker_code" not in seen.get_json()
    assert world.elena.maker_code not in seen.get_data(as_text=True)
    own = client.get(
        f"/api/v1/items/{world.item_shop.code}", headers=bearer(world.users["supervisor"])
    )
    assert own.get_json()["maker_code"] == world.elena.maker_code
