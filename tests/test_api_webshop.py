"""API: public checkout and the Stripe webhook, against a fake Stripe on loopback."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.errors import DomainError
from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.till.ledger import LineSpec, sell
from atelier.till.models import Sale, SaleLine
from atelier.webshop import fulfilment
from atelier.webshop.models import Order, StripeEvent
from tests.conftest import sign_in
from tests.factories import make_web_item, stripe_event, stripe_signature
from tests.refusals import api_error, row_counts, status_of
from tests.webshop_helpers import (
    SECRET,
    api_checkout,
    completed,
    deliver,
    expired,
    serve_fake_stripe,
)


@pytest.fixture
def fake_stripe(app):
    """A fake Stripe API on loopback, with the app's key and base URL pointed at it."""
    yield from serve_fake_stripe(app)


def _order(db) -> Order:
    """The one order of the test."""
    return db.session.scalars(sa.select(Order)).one()


def _sales(db) -> int:
    """How many sale lines exist."""
    return db.session.scalar(sa.select(sa.func.count(SaleLine.id)))


def test_checkout_reserves_and_opens_a_session_priced_from_the_database(
    client, world, db, fake_stripe
):
    """201 with order id, Stripe URL and expiry; Stripe got DB prices, metadata, 30 min, a key."""
    item = make_web_item(world)
    response = api_checkout(client, [item.code])
    assert response.status_code == 201, response.json
    body = response.json
    assert body["checkout_url"].startswith(fake_stripe.base + "/pay/")
    assert db.session.get(Item, item.id).status == "reserved"
    sent = fake_stripe.session_requests()[0]
    params = sent["params"]
    assert params["line_items"]["0"]["price_data"]["unit_amount"] == "1500"
    assert params["line_items"]["0"]["price_data"]["currency"] == "eur"
    assert params["metadata"]["order_id"] == body["order_id"]
    lifetime = int(params["expires_at"]) - time.time()
    assert 30 * 60 <= lifetime <= 30 * 60 + 35
    assert sent["idempotency_key"] == f"checkout-{body['order_id']}"
    assert _order(db).total_cents == 1500


def test_a_price_posted_by_the_browser_is_refused_and_never_reaches_stripe(
    client, world, fake_stripe
):
    """The body may not carry prices; Stripe is only ever sent the database price."""
    item = make_web_item(world)
    response = client.post(
        "/api/v1/checkout", json={"items": [item.code], "email": "b@example.org", "price_cents": 1}
    )
    assert response.status_code == 400
    assert response.json["error"]["fields"]["price_cents"] == "unknown field"
    assert fake_stripe.session_requests() == []
    assert api_checkout(client, [item.tag]).status_code == 201
    amount = fake_stripe.session_requests()[0]["params"]["line_items"]["0"]["price_data"]
    assert amount["unit_amount"] == "1500"


@pytest.mark.usefixtures("fake_stripe")
def test_checkout_of_a_taken_piece_is_409_and_reserves_nothing(client, world, db):
    """One of two pieces is sold already: 409 naming it, and the other stays on sale."""
    free = make_web_item(world)
    sold = make_web_item(world, status="sold")
    response = api_checkout(client, [free.code, sold.code])
    assert response.status_code == 409
    assert sold.code in response.json["error"]["fields"]
    assert db.session.get(Item, free.id).status == "in_shop"
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


@pytest.mark.usefixtures("fake_stripe")
def test_a_shop_piece_cannot_be_bought_online(client, world):
    """Only webshop stock is for sale online: refused, no order, the piece stays in the shop."""
    api_error(api_checkout(client, [world.item_shop.code]), 409, "not_available")
    assert row_counts(Order) == [0]
    assert status_of(world.item_shop) == "in_shop"


@pytest.mark.usefixtures("fake_stripe")
def test_bad_email_and_empty_cart_are_400(client, world):
    """Clear messages naming the field."""
    item = make_web_item(world)
    assert api_checkout(client, [item.code], email="nope").json["error"]["fields"]["email"]
    api_error(api_checkout(client, []), 400, "invalid")
    assert row_counts(Order) == [0]
    assert status_of(item) == "in_shop"


def test_without_stripe_keys_checkout_says_payment_is_not_configured(client, world, db):
    """Demo machine: 503 with a plain message, nothing reserved."""
    item = make_web_item(world)
    response = api_checkout(client, [item.code])
    assert response.status_code == 503
    assert "not configured" in response.json["error"]["message"]
    assert db.session.get(Item, item.id).status == "in_shop"


def test_stripe_down_leaves_nothing_reserved(client, world, db, fake_stripe):
    """A failed session creation rolls the reservation back."""
    item = make_web_item(world)
    fake_stripe.failing = True
    response = api_checkout(client, [item.code])
    assert response.status_code == 502
    assert "not available" in response.json["error"]["message"]
    assert db.session.get(Item, item.id).status == "in_shop"
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def _checked_out(client, world, db, count=1):
    """Pieces put on sale and checked out through the API: (order, items)."""
    items = [make_web_item(world) for _ in range(count)]
    assert api_checkout(client, [i.code for i in items]).status_code == 201
    return _order(db), items


@pytest.mark.usefixtures("fake_stripe")
def test_valid_signature_sells_the_piece_online(client, world, db):
    """completed + paid → one online sale at the DB price, order paid, piece sold."""
    order, (item,) = _checked_out(client, world, db)
    response = deliver(client, completed(order))
    assert response.status_code == 200, response.json
    assert response.json["result"] == "sold"
    sale = db.session.scalars(sa.select(Sale)).one()
    assert (sale.channel, sale.payment_method, sale.order_id) == ("online", "stripe", order.id)
    assert sale.lines[0].price_cents == 1500
    assert sale.lines[0].beneficiary_id == world.elena.id
    assert db.session.get(Item, item.id).status == "sold"
    assert db.session.get(Order, order.id).status == "paid"


@pytest.mark.usefixtures("fake_stripe")
def test_bad_signatures_are_400_and_change_nothing(client, world, db):
    """Wrong secret, tampered body, stale timestamp, missing header: 400, nothing changes."""
    order, (item,) = _checked_out(client, world, db)
    body = completed(order)
    tampered = client.post(
        "/api/v1/stripe/webhook",
        data=body.replace(b"paid", b"PAID"),
        headers={"Stripe-Signature": stripe_signature(body, SECRET)},
        content_type="application/json",
    )
    responses = {
        "wrong secret": deliver(client, body, secret="whsec_someone_else"),
        "tampered body": tampered,
        "stale timestamp": deliver(client, body, timestamp=int(time.time()) - 3600),
        "missing header": deliver(client, body, header=False),
    }
    for case, response in responses.items():
        assert response.status_code == 400, case
        assert response.json["error"]["code"] == "bad_signature", case
    assert db.session.get(Item, item.id).status == "reserved"
    assert _sales(db) == 0
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0
    assert deliver(client, body).json["result"] == "sold"  # the genuine one still works


@pytest.mark.usefixtures("fake_stripe")
def test_the_same_event_three_times_in_a_row_sells_once(client, world, db):
    """Replays answer 200 'duplicate' and add nothing."""
    order, _items = _checked_out(client, world, db)
    body = completed(order, event_id="evt_same")
    results = [deliver(client, body).json["result"] for _ in range(3)]
    assert results == ["sold", "duplicate", "duplicate"]
    assert _sales(db) == 1


@pytest.mark.usefixtures("fake_stripe")
def test_the_same_event_five_times_concurrently_sells_once(app, client, world, db):
    """Five deliveries at once: one sale, every delivery gets a 2xx."""
    order, _items = _checked_out(client, world, db)
    body = completed(order, event_id="evt_burst")
    db.session.commit()

    def one(_):
        """Deliver the event once from its own thread."""
        with app.app_context():
            return deliver(app.test_client(), body).status_code

    with ThreadPoolExecutor(5) as pool:
        statuses = list(pool.map(one, range(5)))
    assert statuses == [200] * 5
    assert _sales(db) == 1
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 1


@pytest.mark.usefixtures("fake_stripe")
def test_expired_after_completed_leaves_the_piece_sold(client, world, db):
    """Out of order events: the late 'expired' changes nothing."""
    order, (item,) = _checked_out(client, world, db)
    deliver(client, completed(order))
    assert deliver(client, expired(order)).json["result"] == "unchanged"
    assert db.session.get(Item, item.id).status == "sold"
    assert db.session.get(Order, order.id).status == "paid"


@pytest.mark.usefixtures("fake_stripe")
def test_expired_releases_the_reservation(client, world, db):
    """The piece goes back on sale and the order is expired."""
    order, (item,) = _checked_out(client, world, db)
    assert deliver(client, expired(order)).json["result"] == "expired"
    assert db.session.get(Item, item.id).status == "in_shop"
    assert db.session.get(Order, order.id).status == "expired"


def test_completed_for_a_piece_sold_meanwhile_at_a_till_refunds(client, world, db, fake_stripe):
    """Released by the sweeper, sold at a till, then paid online: no second sale, refund."""
    order, (item,) = _checked_out(client, world, db)
    row = db.session.get(Order, order.id)
    fulfilment.release(row, "expired", row.expires_at)
    sell(
        [LineSpec(db.session.get(Item, item.id), 1500, 1500)],
        site=world.sites["WEB"],
        channel="till",
        payment_method="cash",
    )
    db.session.commit()
    response = deliver(client, completed(order, payment_intent="pi_late"))
    assert response.json["result"] == "refunded"
    assert _sales(db) == 1
    row = db.session.get(Order, order.id)
    assert row.status == "refunded" and row.flag_reason
    assert row.stripe_refund_id == "re_test_1"
    refund = next(r for r in fake_stripe.requests if r["path"] == "/v1/refunds")
    assert refund["params"]["payment_intent"] == "pi_late"
    assert refund["idempotency_key"] == f"refund-{order.reference}"


@pytest.mark.usefixtures("fake_stripe")
def test_late_payment_after_the_sweeper_still_sells_a_piece_still_on_sale(client, world, db):
    """Released but nobody else bought it: the paying buyer gets it."""
    order, (item,) = _checked_out(client, world, db)
    row = db.session.get(Order, order.id)
    fulfilment.release(row, "expired", row.expires_at)
    db.session.commit()
    assert deliver(client, completed(order)).json["result"] == "sold"
    assert db.session.get(Item, item.id).status == "sold"


@pytest.mark.usefixtures("fake_stripe")
def test_async_payment_holds_then_succeeds(client, world, db):
    """Bank debit: completed unpaid keeps the pieces; async success sells them."""
    order, (item,) = _checked_out(client, world, db)
    hold = deliver(client, completed(order, payment_status="unpaid"))
    assert hold.json["result"] == "awaiting_payment"
    assert db.session.get(Item, item.id).status == "reserved"
    body = stripe_event(
        "checkout.session.async_payment_succeeded", order.stripe_session_id, order.reference
    )
    assert deliver(client, body).json["result"] == "sold"
    assert db.session.get(Item, item.id).status == "sold"


@pytest.mark.usefixtures("fake_stripe")
def test_async_payment_failed_releases(client, world, db):
    """A failed bank debit puts the piece back on sale."""
    order, (item,) = _checked_out(client, world, db)
    body = stripe_event(
        "checkout.session.async_payment_failed",
        order.stripe_session_id,
        order.reference,
        payment_status="unpaid",
    )
    assert deliver(client, body).json["result"] == "failed"
    assert db.session.get(Item, item.id).status == "in_shop"
    assert db.session.get(Order, order.id).status == "failed"


@pytest.mark.usefixtures("world", "db")
def test_an_event_for_an_unknown_session_is_acknowledged(client):
    """Stripe must not retry forever: 200 'ignored'."""
    body = stripe_event("checkout.session.completed", "cs_other", "WNOPE")
    assert deliver(client, body).json["result"] == "ignored"


@pytest.mark.postgres
@pytest.mark.usefixtures("client", "fake_stripe")
def test_checkout_racing_a_till_sale_exactly_one_wins(app, world, db):
    """Online checkout and a till sale of the same piece at the same moment: one wins."""
    for _round in range(5):
        item = make_web_item(world)
        db.session.commit()
        barrier = threading.Barrier(2)

        def online(item=item, barrier=barrier):
            """Check the piece out online."""
            with app.app_context():
                barrier.wait()
                return api_checkout(app.test_client(), [item.code]).status_code

        def till(item=item, barrier=barrier):
            """Sell the piece at a till."""
            with app.app_context():
                piece = _db.session.get(Item, item.id)
                web = _db.session.get(type(world.sites["WEB"]), world.sites["WEB"].id)
                barrier.wait()
                try:
                    sell(
                        [LineSpec(piece, 1500, 1500)],
                        site=web,
                        channel="till",
                        payment_method="cash",
                    )
                    _db.session.commit()
                    return "sold"
                except DomainError:
                    _db.session.rollback()
                    return "refused"

        with ThreadPoolExecutor(2) as pool:
            online_result, till_result = pool.submit(online), pool.submit(till)
            outcome = (online_result.result(), till_result.result())
        assert outcome in ((201, "refused"), (409, "sold")), outcome
        db.session.expire_all()
        status = db.session.get(Item, item.id).status
        assert status == ("reserved" if outcome[0] == 201 else "sold")


def test_a_piece_bought_online_and_sent_back_is_refunded_through_stripe(
    client, world, db, fake_stripe
):
    """Two pieces sent back by post, taken back on the online shop's returns page: the buyer
    gets each line's price back through Stripe, once per line. While Stripe is down the piece
    is still taken back, and the page says to refund by hand in Stripe's dashboard."""
    order, items = _checked_out(client, world, db, count=2)
    assert deliver(client, completed(order, payment_intent="pi_paid")).json["result"] == "sold"
    lines = {
        i.id: db.session.scalar(sa.select(SaleLine).where(SaleLine.item_id == i.id)) for i in items
    }
    sign_in(client, world.users["admin"])

    def send_back(item):
        return client.post(
            "/till/WEB/returns",
            data={"scan": item.code, "reason": "Too small", "outcome": "restock"},
            follow_redirects=True,
        ).get_data(as_text=True)

    fake_stripe.failing = True
    down = send_back(items[0])
    assert "pay €15.00 back to the buyer in Stripe" in down and "back in stock" in down
    assert db.session.get(Item, items[0].id).status == "in_shop"
    assert fake_stripe.refunds == []
    fake_stripe.failing = False
    fake_stripe.requests.clear()
    up = send_back(items[1])
    assert "back in stock" in up and "Stripe did not take" not in up
    line = lines[items[1].id]
    assert [
        (r["params"]["payment_intent"], r["params"]["amount"], r["idempotency_key"])
        for r in fake_stripe.requests
        if r["path"] == "/v1/refunds"
    ] == [("pi_paid", str(line.price_cents), f"refund-line-{line.id}")]
    outcomes = [
        json.loads(e.details)["online_refund"]
        for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "till.return").order_by(AuditEntry.id)
        )
    ]
    assert outcomes == ["failed", "sent"]


@pytest.mark.usefixtures("fake_stripe")
def test_a_completed_event_is_matched_by_the_order_reference_alone(client, world, db):
    """A session event that names only our order reference (no session id) still sells."""
    order, (item,) = _checked_out(client, world, db)
    response = deliver(client, stripe_event("checkout.session.completed", None, order.reference))
    assert response.status_code == 200 and response.json["result"] == "sold"
    assert db.session.get(Item, item.id).status == "sold"
