"""The till API: sales all-or-nothing, client_id replay, one sale per piece, returns."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.till.models import Return, Sale, SaleLine
from tests.conftest import bearer, on_postgres
from tests.factories import make_item, make_sale
from tests.refusals import api_error, row_counts, status_of


def _pieces(world, n, site="AMS", status="in_shop"):
    """``n`` pieces by Elena in stock at a shop."""
    return [
        make_item(world.tote, world.elena, site=world.sites[site], status=status) for _ in range(n)
    ]


def _sell(client, headers, lines, **extra):
    return client.post(
        "/api/v1/sales",
        headers=headers,
        json={"shop": "AMS", "payment_method": "cash", "lines": lines, **extra},
    )


def test_a_sale_records_every_line_at_list_or_lowered_price(client, world):
    """Two pieces sold: one at list price, one lowered; the total is their sum."""
    a, b = _pieces(world, 2)
    response = _sell(
        client,
        bearer(world.users["shop"]),
        [
            {"scan": f"https://atelier.test/t/{a.tag}"},
            {"scan": b.code.lower(), "price_cents": 1200, "discount_reason": "small stain"},
        ],
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["shop"] == "AMS" and body["currency"] == "EUR"
    assert body["total_cents"] == 1500 + 1200
    assert [(line["item"], line["price_cents"]) for line in body["lines"]] == [
        (a.code, 1500),
        (b.code, 1200),
    ]
    assert _db.session.get(Item, a.id).status == "sold"


def test_client_id_replay_returns_the_first_sale(client, world):
    """A till that retries gets the same sale back with 200, and nothing is sold twice."""
    [piece] = _pieces(world, 1)
    headers, cid = bearer(world.users["shop"]), str(uuid.uuid4())
    first = _sell(client, headers, [{"scan": piece.code}], client_id=cid)
    again = _sell(client, headers, [{"scan": piece.code}], client_id=cid)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert _db.session.scalar(sa.select(sa.func.count(Sale.id))) == 1


def test_mixed_batch_is_all_or_nothing(client, world):
    """One piece already sold in a batch of three: 409 naming it, and nothing recorded."""
    free1, free2, gone = _pieces(world, 3)
    make_sale(world.sites["AMS"], [gone])
    _db.session.commit()
    response = _sell(
        client,
        bearer(world.users["shop"]),
        [{"scan": free1.code}, {"scan": gone.code}, {"scan": free2.code}],
    )
    assert response.status_code == 409
    assert gone.code in response.json["error"]["message"]
    assert gone.code in response.json["error"]["fields"]
    assert _db.session.get(Item, free1.id).status == "in_shop"
    assert _db.session.get(Item, free2.id).status == "in_shop"
    assert _db.session.scalar(sa.select(sa.func.count(SaleLine.id))) == 1  # only the old one


def test_piece_of_another_shop_is_refused(client, world):
    """A piece in stock at Rotterdam cannot be sold at the Amsterdam till."""
    [piece] = _pieces(world, 1, site="RTM")
    response = _sell(client, bearer(world.users["shop"]), [{"scan": piece.code}])
    assert response.status_code == 409
    assert piece.code in response.json["error"]["fields"]


def test_same_piece_twice_is_400(client, world):
    """The same piece twice in one sale (by tag and by code) is a 400, nothing sold."""
    [piece] = _pieces(world, 1)
    response = _sell(
        client, bearer(world.users["shop"]), [{"scan": piece.code}, {"scan": piece.tag}]
    )
    assert response.status_code == 400
    assert piece.code in response.json["error"]["message"]
    assert _db.session.get(Item, piece.id).status == "in_shop"


@pytest.mark.parametrize(
    "line, field",
    [
        ({"price_cents": 1600}, "lines.0.price_cents"),
        ({"price_cents": -1}, "lines.0.price_cents"),
    ],
)
def test_a_price_can_only_be_lowered(client, world, line, field):
    """Above the list price or negative: 400 naming the line."""
    [piece] = _pieces(world, 1)
    response = _sell(client, bearer(world.users["shop"]), [{"scan": piece.code, **line}])
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]


BAD_SALES = [
    {"shop": "AMS", "payment_method": "cheque", "lines": [{"scan": "x"}]},
    {"shop": "AMS", "payment_method": "cash", "lines": []},
    {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": ""}]},
    {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": "x"}], "client_id": "nope"},
    {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": "x"}], "extra": 1},
    {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": "x", "price_cents": "12"}]},
]


def test_bad_sale_bodies_are_400(client, world):
    """Bad input gets a clear 400, never a 500, and sells nothing."""
    headers = bearer(world.users["shop"])
    for body in BAD_SALES:
        response = client.post("/api/v1/sales", headers=headers, json=body)
        api_error(response, 400, "invalid")
    assert row_counts(Sale) == [0]
    assert status_of(world.item_shop) == "in_shop"


def test_unknown_shop_is_404_and_other_shop_403(client, world):
    """Selling at a shop that does not exist or where she does not work is refused."""
    headers = bearer(world.users["shop"])
    unknown = client.post(
        "/api/v1/sales",
        headers=headers,
        json={"shop": "NOPE", "payment_method": "cash", "lines": [{"scan": "x"}]},
    )
    api_error(unknown, 404, "not_found")
    other = client.post(
        "/api/v1/sales",
        headers=headers,
        json={"shop": "RTM", "payment_method": "cash", "lines": [{"scan": "x"}]},
    )
    api_error(other, 403, "forbidden")
    assert row_counts(Sale) == [0]


@pytest.mark.parametrize("restock, status", [(True, "in_shop"), (False, "written_off")])
def test_return_restocks_or_writes_off(client, world, restock, status):
    """A return refunds what was paid and puts the piece back in stock or writes it off."""
    [piece] = _pieces(world, 1)
    sale = _sell(
        client,
        bearer(world.users["shop"]),
        [{"scan": piece.code, "price_cents": 1000, "discount_reason": "last one"}],
    )
    assert sale.status_code == 201
    response = client.post(
        "/api/v1/returns",
        headers=bearer(world.users["shop"]),
        json={"scan": piece.tag, "reason": "wrong colour", "restock": restock},
    )
    assert response.status_code == 201, response.json
    assert response.json == {
        "item": piece.code,
        "refund_cents": 1000,
        "currency": "EUR",
        "status": status,
        "reason": "wrong colour",
    }
    line = _db.session.scalar(sa.select(SaleLine).where(SaleLine.item_id == piece.id))
    assert line.is_returned is True
    assert _db.session.scalar(sa.select(Return)).is_restocked is restock
    assert _db.session.get(Item, piece.id).status == status


def test_a_restocked_piece_can_be_sold_again(client, world):
    """After a return to stock, the piece sells again (the old line is no longer active)."""
    [piece] = _pieces(world, 1)
    headers = bearer(world.users["shop"])
    assert _sell(client, headers, [{"scan": piece.code}]).status_code == 201
    assert (
        client.post(
            "/api/v1/returns", headers=headers, json={"scan": piece.code, "reason": "changed mind"}
        ).status_code
        == 201
    )
    assert _sell(client, headers, [{"scan": piece.code}]).status_code == 201


def test_return_of_an_unsold_piece_is_409(client, world):
    """Only sold pieces come back; a second return of the same piece is refused too."""
    [piece] = _pieces(world, 1)
    headers = bearer(world.users["shop"])
    response = client.post(
        "/api/v1/returns", headers=headers, json={"scan": piece.code, "reason": "x"}
    )
    api_error(response, 409, "not_sold")
    no_reason = client.post(
        "/api/v1/returns", headers=headers, json={"scan": piece.code, "reason": ""}
    )
    api_error(no_reason, 400, "invalid")
    assert row_counts(Return) == [0]
    assert status_of(piece) == "in_shop"


@pytest.mark.postgres
def test_twenty_tills_selling_one_piece_at_once(app, world):
    """20 concurrent requests, each with its own connection and thread: one 201, 19 × 409,
    one sale line in the database."""
    [piece] = _pieces(world, 1)
    headers = bearer(world.users["shop"])
    code, piece_id = piece.code, piece.id
    _db.session.commit()
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/sales",
            headers=headers,
            json={"shop": "AMS", "payment_method": "card", "lines": [{"scan": code}]},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 19
    count = _db.session.scalar(
        sa.select(sa.func.count(SaleLine.id)).where(SaleLine.item_id == piece_id)
    )
    assert count == 1


@pytest.mark.postgres
def test_a_retry_racing_its_first_try_gets_the_first_sale(app, world):
    """Five copies of one sale (same client_id) at once: one 201, four 200 with the same
    sale, and one sale in the database; none is refused as sold."""
    [piece] = _pieces(world, 1)
    headers = bearer(world.users["shop"])
    body = {
        "shop": "AMS",
        "payment_method": "cash",
        "lines": [{"scan": piece.code}],
        "client_id": "8f14e45f-ceea-467f-a8e4-4a9d9c0e5f01",
    }
    _db.session.commit()
    barrier = threading.Barrier(5)
    answers: list[tuple[int, int]] = []
    lock = threading.Lock()

    def attempt():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/sales", headers=headers, json=body)
        with lock:
            answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=attempt) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200] * 4 + [201]
    assert len({sale_id for _, sale_id in answers}) == 1
    assert _db.session.scalar(sa.select(sa.func.count(Sale.id))) == 1


def _bulk_stock(world, n):
    """``n`` more pieces in stock at AMS and ``n`` sold ones, inserted in one go (fast)."""
    items, origin = Item.__table__, world.sites["ORA"]
    first = origin.item_seq or 0
    origin.item_seq = first + 2 * n
    rows = [
        {
            "code": f"ORA-{first + k:06d}",
            "tag": f"bulk{first + k:012d}",
            "product_type_id": world.tote.id,
            "beneficiary_id": world.elena.id,
            "origin_site_id": origin.id,
            "site_id": world.sites["AMS"].id,
            "made_on": world.tote.rules[0].effective_from,
            "status": "in_shop" if k % 2 else "sold",
        }
        for k in range(1, 2 * n + 1)
    ]
    if rows:
        _db.session.execute(items.insert(), rows)
    _db.session.commit()


def test_a_sale_runs_the_same_few_queries_whatever_the_stock_and_basket(
    client, world, count_queries
):
    """Selling 1 or 3 pieces from a shop of 10 or 2,000 pieces: always the same statements:
    token and user; the pieces with their prices, their receipts at the shop and the shop's
    markdowns (one query); then the writes (the conditional UPDATE, sale, lines, events,
    audit), which PostgreSQL takes as one statement."""
    headers, counts = bearer(world.users["shop"]), []
    for extra in (0, 1000):
        _bulk_stock(world, extra)
        for size in (1, 3):
            codes = [p.code for p in _pieces(world, size)]
            _db.session.commit()
            with count_queries() as q:
                response = _sell(client, headers, [{"scan": code} for code in codes])
            assert response.status_code == 201, response.json
            assert [line["item"] for line in response.json["lines"]] == codes
            counts.append(q.count)
    expected = 3 if on_postgres() else 7
    assert counts == [expected] * 4, q.report()
