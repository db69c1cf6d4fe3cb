"""Issue #15: very long lists and oversized bodies are refused cleanly (400 naming the field,
413 for the body), and nothing changes; no answer tells one site's staff about another's
people or pieces (the roll-call and participant reasons, and POST /returns)."""

import io

import pytest
import sqlalchemy as sa

from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.till.models import Return, Sale
from atelier.workshops.models import Attendance, Workshop
from tests.conftest import bearer, sign_in
from tests.factories import make_item, make_sale, make_user, workshop_body
from tests.refusals import api_error

MANY = 66_000  # more than PostgreSQL's 65,535 bind parameters in one statement


def _count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_sale_of_66000_lines_is_400_naming_lines(client, world):
    """The till gets a clear 400 naming ``lines`` (not a 500), and nothing is sold."""
    response = client.post(
        "/api/v1/sales",
        headers=bearer(world.users["shop"]),
        json={"shop": "AMS", "payment_method": "cash", "lines": [{"scan": "A"}] * MANY},
    )
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["lines"]
    assert "500" in error["fields"]["lines"]
    assert _count(Sale) == 0


@pytest.mark.parametrize(
    "role, method, url, body, field",
    [
        ("supervisor", "post", "/api/v1/shipments", {"from": "ORA", "to": "AMS"}, "items"),
        ("supervisor", "post", "/api/v1/workshops", None, "participants"),
        ("supervisor", "put", "/api/v1/sessions/{session}/attendance", {}, "records"),
        ("supervisor", "post", "/api/v1/labels", {}, "items"),
        ("admin", "post", "/api/v1/users", None, "sites"),
    ],
)
def test_every_long_list_is_400_naming_its_field(client, world, role, method, url, body, field):
    """Shipment items, participants, attendance records, labels, a user's sites: too many →
    400 naming the field; the roll and the workshops stay as they were."""
    if body is None:
        body = {
            "/api/v1/workshops": workshop_body(),
            "/api/v1/users": {"username": "many", "password": "x" * 12, "role": "shop"},
        }[url]
    entry = {"beneficiary": world.elena.maker_code, "status": "present"}
    # 66,000 records would pass the body's size limit (413); one over the maximum is enough
    many = [entry] * 501 if field == "records" else ["X"] * MANY
    response = getattr(client, method)(
        url.format(session=world.session.id),
        headers=bearer(world.users[role]),
        json={**body, field: many},
    )
    assert response.status_code == 400, response.get_json()
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert _count(Attendance) == 0 and _count(Workshop) == 1


def test_an_oversized_body_is_413_before_it_is_read(app, client, world):
    """A body over the API's limit is refused with the JSON error shape; nothing is sold."""
    limit = app.config["API_MAX_CONTENT_LENGTH"]
    filler = "x" * (limit + 1)
    response = client.post(
        "/api/v1/sales",
        headers=bearer(world.users["shop"]),
        json={"shop": "AMS", "payment_method": "cash", "lines": [{"scan": filler}]},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert _count(Sale) == 0


def test_a_body_without_a_length_is_cut_at_the_limit(app, client, world):
    """Sent chunked, with no Content-Length (as gunicorn passes it on), the body is still
    refused at the limit."""
    limit = app.config["API_MAX_CONTENT_LENGTH"]
    body = b'{"shop": "AMS", "payment_method": "cash", "lines": [{"scan": "'
    body += b"x" * limit + b'"}]}'
    response = client.post(
        "/api/v1/sales",
        headers={**bearer(world.users["shop"]), "Content-Type": "application/json"},
        input_stream=io.BytesIO(body),
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert _count(Sale) == 0


# --- oracles ---


def test_workshop_participants_give_one_reason_for_unknown_and_other_site(client, world):
    """Creating a workshop with another site's maker or an unknown code: the same reason."""
    response = client.post(
        "/api/v1/workshops",
        headers=bearer(world.users["supervisor"]),
        json=workshop_body(participants=[world.oksana.maker_code, "QQQQQQ"]),
    )
    fields = api_error(response, 400, "invalid")["fields"]
    reasons = {
        fields["participants.0"].replace(world.oksana.maker_code, "<code>"),
        fields["participants.1"].replace("QQQQQQ", "<code>"),
    }
    assert len(reasons) == 1
    assert _count(Workshop) == 1


def test_the_roll_page_gives_one_reason_for_unknown_and_other_site(client, world):
    """The roll-call page's own save (JSON) answers the same for both too."""
    sign_in(client, world.users["supervisor"])
    answers = []
    for code in (world.oksana.maker_code, "QQQQQQ"):
        response = client.post(
            f"/sessions/{world.session.id}/roll",
            json={"records": [{"beneficiary": code, "status": "present"}]},
            headers={"Accept": "application/json"},
        )
        error = api_error(response, 400, "invalid")
        answers.append(
            (
                error["message"].replace(code, "<code>"),
                error["fields"]["records.0.beneficiary"].replace(code, "<code>"),
            )
        )
    assert answers[0] == answers[1]
    assert _count(Attendance) == 0


def _sold_at(world, shop_code):
    piece = make_item(world.tote, world.elena, site=world.sites[shop_code], status="in_shop")
    make_sale(world.sites[shop_code], [piece])
    _db.session.commit()
    return piece


def test_returns_answer_404_alike_for_anything_not_this_shops(client, world):
    """Unknown, sold at another shop, stocked at another shop, still at the atelier: the
    Amsterdam shop gets one and the same 404 for all, and nothing changes."""
    sold_elsewhere = _sold_at(world, "RTM")
    stocked_elsewhere = make_item(
        world.tote, world.elena, site=world.sites["RTM"], status="in_shop"
    )
    _db.session.commit()
    headers = bearer(world.users["shop"])
    answers = set()
    for scan in (
        "ORA-999999",
        sold_elsewhere.code,
        stocked_elsewhere.code,
        world.item_atelier.code,
    ):
        response = client.post(
            "/api/v1/returns", headers=headers, json={"scan": scan, "reason": "torn"}
        )
        error = api_error(response, 404, "not_found")
        answers.add((error["code"], error["message"], tuple(sorted(error["fields"].items()))))
    assert len(answers) == 1
    assert _count(Return) == 0
    assert _db.session.get(Item, sold_elsewhere.id).status == "sold"


def test_returns_409_only_for_this_shops_unsold_pieces(client, world):
    """A piece in stock at her own shop is 409 not sold; one she sold comes back (201)."""
    headers = bearer(world.users["shop"])
    unsold = client.post(
        "/api/v1/returns", headers=headers, json={"scan": world.item_shop.code, "reason": "x"}
    )
    assert unsold.status_code == 409 and unsold.get_json()["error"]["code"] == "not_sold"
    mine = _sold_at(world, "AMS")
    back = client.post("/api/v1/returns", headers=headers, json={"scan": mine.code, "reason": "x"})
    assert back.status_code == 201 and back.get_json()["status"] == "in_shop"


def test_a_shop_of_two_sites_returns_only_at_the_shop_that_sold(client, world):
    """On a shop's own returns page, a piece sold at her other shop is not this shop's: 404
    on the form, and it stays sold."""
    both = make_user("shop", sites=[world.sites["AMS"], world.sites["RTM"]], username="both")
    piece = _sold_at(world, "RTM")
    sign_in(client, both)
    response = client.post(
        "/till/AMS/returns", data={"scan": piece.code, "reason": "torn", "outcome": "restock"}
    )
    assert response.status_code == 200
    assert "Not a piece of this shop." in response.get_data(as_text=True)
    assert _db.session.get(Item, piece.id).status == "sold"
    assert _count(Return) == 0


def test_admin_may_take_back_a_piece_sold_anywhere(client, world):
    """Admins work at every site: the API return of any sold piece is theirs to take."""
    piece = _sold_at(world, "RTM")
    response = client.post(
        "/api/v1/returns",
        headers=bearer(world.users["admin"]),
        json={"scan": piece.code, "reason": "x", "restock": False},
    )
    assert response.status_code == 201 and response.get_json()["status"] == "written_off"
