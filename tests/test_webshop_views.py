"""Storefront, basket, checkout and the orders page, through HTTP."""

import pytest
import sqlalchemy as sa

from atelier.production.models import Item
from atelier.webshop.models import Order
from tests import factories
from tests.conftest import sign_in
from tests.factories import make_order, make_web_item
from tests.refusals import error_page
from tests.webshop_helpers import completed, deliver, serve_fake_stripe


@pytest.fixture
def fake_stripe(app):
    """A fake Stripe API on loopback, with the app's key and base URL pointed at it."""
    yield from serve_fake_stripe(app)


def _add(client, item):
    """Put a piece in the basket."""
    return client.post("/store/cart", data={"add": item.tag})


@pytest.mark.usefixtures("db")
def test_storefront_lists_pieces_with_price_and_story_but_no_maker(client, world):
    """Anyone sees the piece, its EUR price and the atelier's story; never Elena."""
    make_web_item(world)
    page = client.get("/store").get_data(as_text=True)
    assert "Tote bag" in page and "€15.00" in page
    assert "Our story" in page
    assert "Elena" not in page and world.elena.maker_code not in page
    assert "Oradea" not in page


@pytest.mark.usefixtures("db")
def test_storefront_in_dutch(client, world):
    """The language switch applies to the public pages."""
    make_web_item(world)
    client.post("/language", data={"lang": "nl"})
    page = client.get("/store").get_data(as_text=True)
    assert 'lang="nl"' in page
    assert "€\xa015,00" in page


@pytest.mark.parametrize("size", [1, 12])
def test_storefront_runs_a_fixed_number_of_queries(client, world, db, count_queries, size):
    """No N+1: the same queries for one piece or a dozen."""
    for _ in range(size):
        make_web_item(world)
    db.session.commit()
    with count_queries() as q:
        assert client.get("/store").status_code == 200
    assert q.count <= 3


@pytest.mark.usefixtures("db")
def test_product_page_shows_sold_pieces_as_sold(client, world):
    """A buyer's old link still works and says Sold; no add button."""
    item = make_web_item(world, status="sold")
    page = client.get(f"/store/p/{item.tag}").get_data(as_text=True)
    assert 'data-status="sold"' in page and "Add to basket" not in page


@pytest.mark.usefixtures("db")
def test_product_page_of_shop_stock_is_404(client, world):
    """Pieces in the Reshare shops are not online."""
    error_page(client.get(f"/store/p/{world.item_shop.tag}"), 404)


@pytest.mark.usefixtures("db")
def test_basket_adds_each_piece_once_and_removes(client, world):
    """A unique piece cannot be added twice."""
    item = make_web_item(world)
    _add(client, item)
    _add(client, item)
    page = client.get("/store/cart").get_data(as_text=True)
    assert page.count(f'value="{item.tag}"') == 1
    client.post("/store/cart", data={"remove": item.tag})
    assert "Your basket is empty." in client.get("/store/cart").get_data(as_text=True)


def test_without_stripe_keys_the_basket_says_payment_is_not_configured(client, world, db):
    """Demo machine: the pieces show, checkout says so plainly, nothing crashes."""
    item = make_web_item(world)
    _add(client, item)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "Online payment is not configured" in page
    response = client.post("/store/checkout", data={"email": "b@example.org"})
    assert response.status_code == 503
    assert "not configured" in response.get_data(as_text=True)
    assert db.session.get(Item, item.id).status == "in_shop"


def test_checkout_page_redirects_to_stripe(client, world, db, fake_stripe):
    """303 to Stripe's payment page, the piece reserved."""
    item = make_web_item(world)
    _add(client, item)
    response = client.post("/store/checkout", data={"email": "b@example.org"})
    assert response.status_code == 303
    assert response.location.startswith(fake_stripe.base + "/pay/")
    assert db.session.get(Item, item.id).status == "reserved"
    assert fake_stripe.base not in client.get("/store").headers["Content-Security-Policy"]


@pytest.mark.usefixtures("world", "db")
def test_basket_page_lets_its_form_go_to_stripe(client, fake_stripe):
    """Browsers check form-action on the redirect: the basket page allows Stripe's origin."""
    csp = client.get("/store/cart").headers["Content-Security-Policy"]
    assert f"form-action 'self' {fake_stripe.base}" in csp


@pytest.mark.usefixtures("fake_stripe")
def test_checkout_of_a_piece_just_taken_says_so_and_reserves_nothing(client, world, db):
    """Someone else reserved it after it went into this basket: a clear message."""
    item = make_web_item(world)
    _add(client, item)
    item.status = "reserved"
    db.session.commit()
    response = client.post("/store/checkout", data={"email": "b@example.org"})
    assert response.status_code == 409
    assert "no longer available" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


@pytest.mark.usefixtures("fake_stripe")
def test_thanks_page_waits_for_the_webhook(client, world, db):
    """The success redirect never sells; the page says we are waiting until the webhook."""
    item = make_web_item(world)
    _add(client, item)
    client.post("/store/checkout", data={"email": "b@example.org"})
    order = db.session.scalars(sa.select(Order)).one()
    page = client.get(f"/store/thanks?order={order.reference}").get_data(as_text=True)
    assert 'data-order-status="pending"' in page
    assert db.session.get(Item, item.id).status == "reserved"
    deliver(client, completed(order))
    page = client.get(f"/store/thanks?order={order.reference}").get_data(as_text=True)
    assert 'data-order-status="paid"' in page


@pytest.mark.usefixtures("db")
def test_cancel_page(client, world):
    """Back from Stripe without paying: nothing was charged."""
    order = make_order(world)
    page = client.get(f"/store/cancelled?order={order.reference}").get_data(as_text=True)
    assert "Nothing was charged" in page


@pytest.mark.usefixtures("db")
def test_admin_orders_page_shows_status_items_amount_refund(client, world):
    """The coordinator sees what needs attention."""
    order = make_order(
        world,
        status="refunded",
        flag_reason="paid for a piece sold meanwhile",
        stripe_refund_id="re_123",
    )
    sign_in(client, world.users["admin"])
    page = client.get("/admin/orders").get_data(as_text=True)
    assert order.reference in page and "Refunded" in page and "re_123" in page
    assert order.lines[0].item.code in page and "€15.00" in page


@pytest.mark.parametrize("size", [1, 10])
def test_orders_page_runs_a_fixed_number_of_queries(client, world, db, count_queries, size):
    """No N+1 over orders and their lines."""
    for _ in range(size):
        make_order(world)
    sign_in(client, world.users["admin"])
    db.session.commit()
    with count_queries() as q:
        assert client.get("/admin/orders").status_code == 200
    assert q.count <= 5


@pytest.mark.usefixtures("world", "db")
def test_storefront_is_rate_limited(app, client):
    """A scraper hammering the shop gets 429 with a clear page."""
    saved = app.config["PUBLIC_RATE_LIMIT"]
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [client.get("/store").status_code for _ in range(3)]
    finally:
        app.config["PUBLIC_RATE_LIMIT"] = saved
    assert statuses == [200, 200, 429]


@pytest.mark.usefixtures("db")
def test_storefront_groups_identical_pieces_and_says_payment_is_off(client, world):
    """Six identical totes are one card saying "6 available", not six identical cards; with
    no payment configured the store says so before anyone fills a basket."""
    for _ in range(6):
        make_web_item(world)
    page = client.get("/store").get_data(as_text=True)
    assert page.count('class="shop-card"') == 1
    assert "6 available" in page
    assert "Online payment is not available right now" in page


@pytest.mark.usefixtures("db")
def test_story_page_of_a_piece_for_sale_online_shows_its_price_and_a_way_to_buy(client, world):
    """The QR tag leads somewhere: the price and a link to buy this very piece, and whom a
    purchase helps; a piece in a shop points to the store instead."""
    online = make_web_item(world)
    page = client.get(f"/t/{online.tag}").get_data(as_text=True)
    assert "€15.00" in page
    assert f'href="/store/p/{online.tag}"' in page
    assert "Next Steps" in page
    assert "Elena" not in page
    in_shop = factories.make_item(
        world.tote, world.elena, site=world.sites["AMS"], status="in_shop"
    )
    page = client.get(f"/t/{in_shop.tag}").get_data(as_text=True)
    assert 'href="/store"' in page and "/store/p/" not in page
