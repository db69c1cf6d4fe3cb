"""End-to-end: a buyer on a phone buys a piece through the storefront and a fake Stripe."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from atelier.db import utcnow
from atelier.extensions import db as _db
from atelier.till.models import SaleLine
from atelier.timeutil import local_date, period_of
from atelier.webshop.models import Order
from tests.conftest import bearer
from tests.e2e.conftest import screenshot, sign_in_page
from tests.factories import make_web_item
from tests.webshop_helpers import completed, deliver, serve_fake_stripe


@pytest.fixture
def fake_stripe(app):
    """A fake Stripe API on loopback, with the app's key and base URL pointed at it."""
    yield from serve_fake_stripe(app)


pytestmark = pytest.mark.e2e


def test_buy_a_piece_on_a_phone_then_the_webhook_sells_it(phone, app, world, fake_stripe):
    """Store → piece → basket → email → Stripe (fake) → thanks; webhook → the piece is Sold."""
    item = make_web_item(world)
    _db.session.commit()
    phone.goto("/store")
    screenshot(phone, "webshop-store-phone")
    phone.get_by_role("link", name="Tote bag").click()
    phone.get_by_role("button", name="Add to basket").click()
    phone.get_by_label("Your email (for the receipt)").fill("buyer@example.org")
    screenshot(phone, "webshop-basket-phone")
    phone.get_by_role("button", name="Pay securely with Stripe").click()
    phone.wait_for_load_state()
    phone.wait_for_url("**/store/thanks**")
    expect(phone.get_by_text("We are waiting for the payment confirmation.")).to_be_visible()
    screenshot(phone, "webshop-thanks-phone")

    order = _db.session.scalars(sa.select(Order)).one()
    assert fake_stripe.session_requests()[0]["params"]["metadata"]["order_id"] == order.reference
    assert deliver(app.test_client(), completed(order)).status_code == 200

    phone.goto(f"/store/p/{item.tag}")
    expect(phone.get_by_text("Sold", exact=True)).to_be_visible()
    line = _db.session.scalars(sa.select(SaleLine)).one()
    assert (line.price_cents, line.beneficiary_id) == (1500, world.elena.id)
    assert phone.js_errors == []
    screenshot(phone, "webshop-sold-phone")

    # the online sale feeds her wage exactly as a till sale does: 20 % of €15.00 at 4.9770
    client = app.test_client()
    period = period_of(local_date(utcnow(), "Europe/Bucharest"))
    rates = client.put(
        f"/api/v1/exchange-rates/{period}",
        json={"EUR": "4.9770"},
        headers=bearer(world.users["admin"]),
    )
    assert rates.status_code == 200
    earnings = client.get("/api/v1/me/earnings", headers=bearer(world.users["beneficiary"]))
    current = earnings.get_json()["current"]
    assert (current["period"], current["accrued_cents"]) == (period, 1493)
    assert [(x["kind"], x["amount_cents"]) for x in current["lines"]] == [("sales_share", 1493)]


def test_admin_sees_the_order_on_a_laptop(laptop, world):
    """The coordinator's orders page opens from the admin home."""
    sign_in_page(laptop, world.users["admin"])
    laptop.get_by_role("link", name="Online orders").first.click()
    expect(laptop.get_by_role("heading", name="Online orders")).to_be_visible()
    assert laptop.js_errors == []
