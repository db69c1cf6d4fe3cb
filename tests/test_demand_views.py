"""The demand pages: the matrix and charts, What sells here, requests, the plan."""

import io
from datetime import timedelta

import openpyxl
import pytest

from atelier.db import utcnow
from atelier.demand.markdowns import replace_rules, shop_rules
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


def _steps(shop):

    return [(r.after_days, r.discount_bp) for r in shop_rules(shop)]


def test_an_admin_sets_a_shops_markdowns_on_its_page(client, world):
    """The admin types two steps for Amsterdam: the page shows them with the reason the
    till gives, and the piece on the shelf for 60 days scans at 25 % off there only."""
    old = _sold_and_on_shelf(world)
    sign_in(client, world.users["admin"])
    assert 'href="/markdowns"' in client.get("/demand").get_data(as_text=True)
    saved = client.post(
        "/markdowns?shop=AMS",
        data={"after_days": ["112", "56", ""], "percent": ["50", "25", ""]},
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert "Reshare Amsterdam: 2 markdown steps saved." in page
    assert 'name="after_days" value="56"' in page and 'name="percent" value="25"' in page
    assert "Markdown −50 %" in page
    assert _steps(world.sites["AMS"]) == [(56, 2500), (112, 5000)]
    assert _steps(world.sites["RTM"]) == []
    sign_in(client, world.users["shop"])
    scanned = client.get(f"/till/AMS/scan?q={old.code}").get_json()
    assert (scanned["price_cents"], scanned["list_price_cents"]) == (1125, 1500)


def test_bad_markdown_steps_are_named_and_nothing_changes(client, world):
    """A negative day, 150 % and a day listed twice: each line says what is wrong, the
    numbers typed stay, and the shop keeps its steps."""

    replace_rules(world.sites["AMS"], [Markdown(28, 1000)])
    _db.session.commit()
    sign_in(client, world.users["admin"])
    refused = client.post(
        "/markdowns?shop=AMS",
        data={"after_days": ["-1", "30", "30", "14"], "percent": ["10", "150", "20", ""]},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Write a whole number of days from 0 to 9999." in page
    assert "Write a percentage from 0.01 to 99.99, such as 25." in page
    assert "Another step already starts after 30 days." in page
    assert page.count('aria-invalid="true"') == 4  # -1, 150, the second 30, the empty percent
    assert 'name="percent" value="150"' in page
    assert _steps(world.sites["AMS"]) == [(28, 1000)]


def test_clearing_every_markdown_step_is_asked_first(client, world):
    """Emptying every line (or "Clear every step") asks again; only yes clears. (A step of
    25.5 % shows as such on the page and beside the shop's prices.)"""

    _sold_and_on_shelf(world)
    replace_rules(world.sites["AMS"], [Markdown(28, 1000), Markdown(56, 2550)])
    _db.session.commit()
    sign_in(client, world.users["shop"])
    assert "Markdown −25.5 %" in client.get("/stock").get_data(as_text=True)
    sign_in(client, world.users["admin"])
    page = client.get("/markdowns?shop=AMS").get_data(as_text=True)
    assert 'value="25.5"' in page and "Clear every step" in page
    asked = client.post(
        "/markdowns?shop=AMS", data={"after_days": ["", ""], "percent": ["", ""]}
    ).get_data(as_text=True)
    assert "Clear every markdown step of Reshare Amsterdam?" in asked
    assert _steps(world.sites["AMS"]) == [(28, 1000), (56, 2550)]
    cleared = client.post(
        "/markdowns?shop=AMS",
        data={"action": "clear", "confirm_clear": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "every markdown step is cleared" in cleared
    assert _steps(world.sites["AMS"]) == []


def test_the_webshop_has_no_markdown_page(client, world):
    """The online shop sells at its list price: no markdown page for it."""
    sign_in(client, world.users["admin"])
    assert client.get("/markdowns?shop=WEB").status_code == 404


def test_demand_pages_name_products_in_the_readers_language(client, world):
    """With a Romanian name for the tote, a Romanian reader sees it in the matrix, the
    charts and their tables, the plan, the atelier's open requests, the production
    screen's progress, "What sells here", the requests and the request form."""
    world.tote.translations = {"ro": {"name": "Sacoșă"}, "nl": {"name": "Draagtas"}}
    _sold_and_on_shelf(world)
    _db.session.add(
        ShopRequest(shop_id=world.sites["AMS"].id, product_type_id=world.tote.id, quantity=4)
    )
    _db.session.commit()
    sign_in(client, world.users["supervisor"])
    client.post("/language", data={"lang": "ro"})
    demand = client.get("/demand?weeks=4").get_data(as_text=True)
    matrix = demand[demand.index('id="demand-matrix"') :]
    assert '<th scope="row">Sacoșă</th>' in matrix[: matrix.index("</table>")]
    assert "<title>Sacoșă: 1</title>" in demand  # the weekly line and its legend
    assert ">Sacoșă</text>" in demand  # the shelf chart's label
    assert "Tote bag" not in demand
    client.post("/atelier/plan?site=ORA", data={"planned-TOTE": "3"})
    plan = client.get("/atelier/plan?site=ORA").get_data(as_text=True)
    assert '<th scope="row">Sacoșă</th>' in plan and "Tote bag" not in plan
    assert "4 × Sacoșă" in client.get("/atelier").get_data(as_text=True)
    screen = client.get("/atelier/production?site=ORA").get_data(as_text=True)
    progress = screen[screen.index("data-plan-progress") :]
    assert "Sacoșă: 0" in progress[: progress.index("</ul>")]

    sign_in(client, world.users["shop"])
    client.post("/language", data={"lang": "ro"})
    here = client.get("/demand/shop").get_data(as_text=True)
    assert '<th scope="row">Sacoșă</th>' in here and "Tote bag" not in here
    assert "4 × Sacoșă" in client.get("/requests").get_data(as_text=True)
    assert '<option value="TOTE">Sacoșă</option>' in client.get("/requests/new").get_data(
        as_text=True
    )
    client.post("/language", data={"lang": "uk"})  # no Ukrainian name: the default one
    assert '<th scope="row">Tote bag</th>' in client.get("/demand/shop").get_data(as_text=True)
