"""The till pages: scan lookup (with its query budget), selling from the page, receipt."""

import uuid
from datetime import UTC, datetime

import pytest

from atelier import camera
from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.till.models import Sale
from tests.conftest import sign_in
from tests.factories import give_photo, make_item, make_product_type, make_sale
from tests.refusals import api_error, row_counts


def _shop_client(client, world):
    sign_in(client, world.users["shop"])
    return client


def test_scan_gives_name_price_and_code(client, world):
    """A scanned QR URL gives the line: product name, code and list price."""
    c = _shop_client(client, world)
    tag = world.item_shop.tag
    response = c.get(f"/till/AMS/scan?q=https://atelier.test/t/{tag}")
    assert response.status_code == 200
    assert response.json["item"] == world.item_shop.code
    assert response.json["product"] == "Tote bag"
    assert response.json["price_cents"] == 1500 and response.json["currency"] == "EUR"
    assert "maker" not in str(response.json).lower()
    assert world.elena.display_name not in response.get_data(as_text=True)
    assert response.json["photo_url"] is None


def test_scan_shows_the_catalogue_photo(client, world, db):
    """The line's photo is the catalogue's own versioned, cacheable URL, and it loads."""
    give_photo(world.tote)
    db.session.commit()
    c = _shop_client(client, world)
    url = c.get(f"/till/AMS/scan?q={world.item_shop.code}").json["photo_url"]
    assert url == f"/products/TOTE/photo-{world.tote.photo_version}.jpg"
    assert c.get(url).mimetype == "image/jpeg"


def test_sold_piece_says_when(client, world):
    """A piece sold on 3 March says so, in words."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    make_sale(world.sites["AMS"], [piece], sold_at=datetime(2026, 3, 3, 12, tzinfo=UTC))
    response = _shop_client(client, world).get(f"/till/AMS/scan?q={piece.code}")
    assert response.status_code == 409
    assert response.json["error"]["message"] == f"{piece.code} was already sold on 3 March."


UNSELLABLE = [
    ("RTM", "in_shop", "belongs to Reshare Rotterdam"),
    ("ORA", "in_atelier", "still at the atelier"),
    ("AMS", "in_transit", "receive its shipment first"),
    ("WEB", "reserved", "reserved for an online order"),
    ("AMS", "written_off", "was written off"),
]


def test_unsellable_pieces_say_why(client, world):
    """Each reason a piece cannot be sold here is spelled out."""
    c = _shop_client(client, world)
    for where, status, says in UNSELLABLE:
        piece = make_item(world.tote, world.elena, site=world.sites[where], status=status)
        response = c.get(f"/till/AMS/scan?q={piece.tag}")
        assert response.status_code == 409
        assert says in response.json["error"]["message"], status


def test_unknown_piece_is_404_with_a_message(client, world):
    """A code that names nothing gets a clear message."""
    response = _shop_client(client, world).get("/till/AMS/scan?q=ORA-999999")
    assert response.status_code == 404
    assert "Unknown piece: ORA-999999" == response.json["error"]["message"]


def _fill_shop(world, n):
    """``n`` pieces in stock at AMS, of several products."""
    products = [world.tote, make_product_type(name="Apron"), make_product_type(name="Pouch")]
    for i in range(n):
        make_item(products[i % 3], world.elena, site=world.sites["AMS"], status="in_shop")
    _db.session.commit()


def test_scan_query_budget_is_the_same_for_10_and_1000_pieces(client, world, count_queries):
    """From lookup to the line: a fixed number of queries, whatever the shop holds."""
    c = _shop_client(client, world)
    counts = []
    for size in (10, 1000):
        _fill_shop(world, size - len(counts) * 10)
        piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
        url = f"/till/AMS/scan?q={piece.tag}"
        _db.session.commit()
        with count_queries() as q:
            response = c.get(url)
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], q.report()
    assert counts[1] <= 5, q.report()


def test_selling_from_the_page_and_the_receipt(client, world):
    """The page's sale call records the sale; the receipt shows lines and total, no maker."""
    c = _shop_client(client, world)
    other = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    response = c.post(
        "/till/AMS/sales",
        json={
            "payment_method": "card",
            "client_id": str(uuid.uuid4()),
            "lines": [
                {"scan": world.item_shop.code},
                {"scan": other.code, "price_cents": 1000, "discount_reason": "Loose seam"},
            ],
        },
    )
    assert response.status_code == 201, response.json
    receipt = c.get(response.json["receipt_url"])
    text = receipt.get_data(as_text=True)
    assert receipt.status_code == 200
    assert "€25.00" in text and "Loose seam" in text and "Paid by card" in text
    assert world.elena.display_name not in text and world.elena.maker_code not in text


def test_a_lowered_price_needs_a_reason_at_the_till(client, world):
    """The page refuses a lower price without a reason, and sells nothing."""
    response = _shop_client(client, world).post(
        "/till/AMS/sales",
        json={
            "payment_method": "cash",
            "lines": [{"scan": world.item_shop.code, "price_cents": 900}],
        },
    )
    error = api_error(response, 400, "invalid")
    assert error["fields"]
    assert _db.session.get(Item, world.item_shop.id).status == "in_shop"
    assert row_counts(Sale) == [0]


def test_only_the_till_page_allows_webassembly(client, world):
    """The CSP is widened for the camera polyfill on the till page, not elsewhere."""
    c = _shop_client(client, world)
    till = c.get("/till/AMS")
    assert till.status_code == 200
    assert 'id="scan-input"' in till.get_data(as_text=True)
    home = c.get("/shop")
    assert "wasm-unsafe-eval" not in home.headers["Content-Security-Policy"]
    if "data-polyfill-url" in till.get_data(as_text=True):
        assert "'wasm-unsafe-eval'" in till.headers["Content-Security-Policy"]
        assert "'unsafe-eval'" not in till.headers["Content-Security-Policy"].replace(
            "'wasm-unsafe-eval'", ""
        )


def test_till_works_without_the_vendor_files(client, world, monkeypatch, tmp_path):
    """With no static/vendor (no `make assets`), the page still serves the scanner path."""
    monkeypatch.setattr(camera, "POLYFILL", tmp_path / "absent.js")
    response = _shop_client(client, world).get("/till/AMS")
    assert response.status_code == 200
    assert "data-polyfill-url" not in response.get_data(as_text=True)
    assert "wasm-unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_a_shop_user_with_one_shop_goes_straight_to_its_till(client, world):
    """One shop: no picker."""
    response = _shop_client(client, world).get("/till/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/till/AMS")


def test_returns_page_restocks_a_sold_piece(client, world):
    """Scan, reason, back in stock: the piece is in the shop again and the refund is shown."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    make_sale(world.sites["AMS"], [piece], price_cents=1500)
    c = _shop_client(client, world)
    response = c.post(
        "/till/AMS/returns",
        data={"scan": piece.code, "reason": "Too small", "outcome": "restock"},
        follow_redirects=True,
    )
    assert "back in stock" in response.get_data(as_text=True)
    assert _db.session.get(Item, piece.id).status == "in_shop"


def test_returns_page_says_why_an_unsold_piece_cannot_come_back(client, world):
    """An unsold piece gets a clear error and nothing changes."""
    response = _shop_client(client, world).post(
        "/till/AMS/returns",
        data={"scan": world.item_shop.code, "reason": "x", "outcome": "write_off"},
    )
    assert "is not sold" in response.get_data(as_text=True)
    assert _db.session.get(Item, world.item_shop.id).status == "in_shop"


@pytest.mark.parametrize(
    ("method", "how"),
    [
        ("cash", "Paid in cash: give €15.00 back in cash."),
        ("card", "Paid by card: refund €15.00 to the card on the shop's card terminal."),
    ],
)
def test_returns_say_how_to_refund_as_the_sale_was_paid(client, world, method, how):
    """The lookup a scan triggers, and the confirmation after the return, both say how to pay
    the buyer back: cash for cash, the card terminal for a card sale."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    make_sale(world.sites["AMS"], [piece], price_cents=1500, payment_method=method)
    c = _shop_client(client, world)
    found = c.get(f"/till/AMS/returns/lookup?q={piece.code}").get_json()
    assert found["code"] == piece.code and found["price"] == "€15.00"
    assert found["refund"] == how
    assert _db.session.get(Item, piece.id).status == "sold"  # looking up changes nothing
    page = c.post(
        "/till/AMS/returns",
        data={"scan": piece.code, "reason": "Too small", "outcome": "restock"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "is back in stock." in page and how.replace("'", "&#39;") in page


def test_return_lookup_tells_nothing_about_other_shops_pieces(client, world):
    """A piece sold at another shop, stocked elsewhere, or unknown: one and the same 404."""
    elsewhere = make_item(world.tote, world.elena, site=world.sites["RTM"], status="in_shop")
    sold_elsewhere = make_item(world.tote, world.elena, site=world.sites["RTM"], status="in_shop")
    make_sale(world.sites["RTM"], [sold_elsewhere])
    c = _shop_client(client, world)
    answers = [
        c.get(f"/till/AMS/returns/lookup?q={code}")
        for code in (elsewhere.code, sold_elsewhere.code, "ORA-999999")
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.get_json()["error"]["message"] for r in answers}) == 1
    unsold_here = c.get(f"/till/AMS/returns/lookup?q={world.item_shop.code}")
    api_error(unsold_here, 409, "not_sold")
