"""The demand pages: the matrix and charts, What sells here, requests, the plan."""

import io
from datetime import timedelta

import openpyxl
import pytest

from atelier.db import utcnow
from atelier.demand.markdowns import replace_rules
from atelier.demand.models import Plan, ShopRequest
from atelier.demand.rules import Markdown
from atelier.extensions import db as _db
from atelier.timeutil import local_date, start_of_day_utc
from tests.conftest import sign_in
from tests.demand_history import received
from tests.factories import make_entry, make_item, make_sale, photo_bytes


def _sold_and_on_shelf(world):
    """At AMS: a tote sold after 10 days, and one on the shelf for 60 days."""
    ams = world.sites["AMS"]
    now = utcnow()
    sold = make_item(world.tote, world.elena, site=ams, status="in_shop")
    received(sold, ams, now - timedelta(days=20))
    make_sale(ams, [sold], sold_at=now - timedelta(days=10))
    old = make_item(world.tote, world.elena, site=ams, status="in_shop")
    today = local_date(now, ams.timezone)
    received(old, ams, start_of_day_utc(today - timedelta(days=60), ams.timezone))
    _db.session.commit()
    return old


def test_the_demand_page_shows_the_matrix_charts_and_tables(client, world):
    """A cell per shop × product with sell-through as colour and number; the two charts
    and their tables; the window buttons."""
    _sold_and_on_shelf(world)
    sign_in(client, world.users["supervisor"])
    page = client.get("/demand?weeks=4").get_data(as_text=True)
    assert 'id="demand-matrix"' in page
    # sold 1, on hand 2 (the world's piece and the old one): 33.3 %, heat step 3
    assert "heat-3" in page and "33.3 %" in page
    assert page.count('<svg class="chart"') == 2
    assert 'id="weekly-table"' in page and 'id="shelf-table"' in page
    assert 'aria-current="page">4 weeks' in page


def test_downloads_are_safe_tables(client, world):
    """CSV and XLSX: the same rows; a shop name that looks like a formula stays text."""
    world.sites["AMS"].name = "=HYPERLINK(1)"
    _sold_and_on_shelf(world)
    sign_in(client, world.users["admin"])
    text = client.get("/demand/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1),Tote bag,2,1,0,2,0,33.3,10,1,0,1,0" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/demand/export.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:4] == ("=HYPERLINK(1)", "Tote bag", 2, 1)
    assert book.active.cell(2, 1).data_type == "s"


def test_what_sells_here_lists_the_oldest_first_with_the_markdown(client, world):
    """Shop staff see their shop's row, the piece on the shelf longest first with its
    price struck through and marked down, and a button to ask for more."""
    old = _sold_and_on_shelf(world)
    replace_rules(world.sites["AMS"], [Markdown(56, 2500)])
    _db.session.commit()
    sign_in(client, world.users["shop"])
    page = client.get("/demand/shop").get_data(as_text=True)
    pieces = page[page.index('id="shelf-pieces"') :]
    assert pieces.index(old.code) < pieces.index(world.item_shop.code)
    assert '<s class="price-was"' in pieces and "Markdown −25 %" in pieces
    assert "/requests/new?product=TOTE" in page.replace("&amp;", "&")


@pytest.mark.parametrize("with_photo", [False, True])
def test_a_shop_asks_and_the_supervisor_marks_it_planned(client, world, with_photo):
    """The request (and its re-encoded sample photo) reaches the atelier home; marking it
    planned shows on the shop's list."""
    sign_in(client, world.users["shop"])
    data = {"shop": "AMS", "product_type": "TOTE", "quantity": "8", "note": "spring colours"}
    if with_photo:
        data["photo"] = (io.BytesIO(photo_bytes()), "sample.png")
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    request = _db.session.query(ShopRequest).one()
    assert (request.quantity, request.note, bool(request.photo_mime)) == (
        8,
        "spring colours",
        with_photo,
    )
    supervisor = world.users["supervisor"]
    sign_in(client, supervisor)
    home = client.get("/atelier").get_data(as_text=True)
    assert "8 × Tote bag" in home and "spring colours" in home
    if with_photo:
        photo = client.get(f"/requests/{request.id}/photo")
        assert photo.status_code == 200 and photo.data[:2] == b"\xff\xd8"  # a JPEG now
    decided = client.post(
        f"/requests/{request.id}/status", data={"status": "planned", "next": "/atelier"}
    )
    assert decided.status_code == 302 and decided.headers["Location"].endswith("/atelier")
    sign_in(client, world.users["shop"])
    listing = client.get("/requests").get_data(as_text=True)
    assert 'data-status="planned"' in listing


def test_a_bad_photo_is_refused_and_nothing_is_kept(client, world):
    """Not an image: the form says so; no request is recorded."""
    sign_in(client, world.users["shop"])
    data = {
        "shop": "AMS",
        "product_type": "TOTE",
        "quantity": "3",
        "photo": (io.BytesIO(b"nope"), "x.png"),
    }
    response = client.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "The photo could not be used" in response.get_data(as_text=True)
    assert _db.session.query(ShopRequest).count() == 0


def test_the_plan_is_saved_and_its_progress_shows_on_the_production_screen(client, world):
    """The supervisor adjusts the suggestion and saves; the production screen then says
    how many of the planned pieces were made this week."""
    sign_in(client, world.users["supervisor"])
    page = client.get("/atelier/plan?site=ORA").get_data(as_text=True)
    assert 'name="planned-TOTE"' in page
    saved = client.post("/atelier/plan?site=ORA", data={"planned-TOTE": "12"})
    assert saved.status_code == 302
    plan = _db.session.query(Plan).one()
    assert [(line.product_type.sku, line.planned) for line in plan.lines] == [("TOTE", 12)]
    today = local_date(utcnow(), "Europe/Bucharest")
    make_entry(world.elena, world.tote, quantity=7, made_on=today)
    _db.session.commit()
    screen = client.get("/atelier/production?site=ORA").get_data(as_text=True)
    assert "Tote bag: 7 of 12 planned" in screen


def test_a_bad_planned_quantity_is_refused(client, world):
    """A negative or non-numeric quantity: the plan is not saved."""
    sign_in(client, world.users["supervisor"])
    response = client.post("/atelier/plan?site=ORA", data={"planned-TOTE": "-3"})
    assert response.status_code == 200
    assert _db.session.query(Plan).count() == 0


def test_the_stock_page_and_the_receipt_show_the_markdown(client, world):
    """The stock page lists the old piece at its marked-down price, the list price struck
    through; sold at the till, its receipt shows the list price struck and the reason."""
    old = _sold_and_on_shelf(world)
    replace_rules(world.sites["AMS"], [Markdown(56, 2500)])
    _db.session.commit()
    sign_in(client, world.users["shop"])
    stock = client.get("/stock").get_data(as_text=True)
    row = stock[stock.index(old.code) :]
    assert '<s class="price-was"' in row[:400] and "Markdown −25 %" in row[:600]
    scanned = client.get(f"/till/AMS/scan?q={old.code}").get_json()
    assert (scanned["price_cents"], scanned["list_price_cents"], scanned["price_reason"]) == (
        1125,
        1500,
        "markdown",
    )
    sold = client.post(
        "/till/AMS/sales",
        json={
            "payment_method": "cash",
            "lines": [{"scan": old.code, "price_cents": 1125, "discount_reason": ""}],
        },
        headers={"Accept": "application/json"},
    )
    assert sold.status_code == 201, sold.get_json()
    receipt = client.get(sold.get_json()["receipt_url"]).get_data(as_text=True)
    assert "<s>" in receipt and "Markdown" in receipt and "11.25" in receipt.replace(",", ".")
