"""Pure rules of the online shop."""

from datetime import UTC, datetime, timedelta

import pytest

from atelier.webshop import rules

NOW = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=UTC)


def test_a_reservation_lasts_thirty_minutes_plus_half_a_minute_of_clock_margin():
    """Stripe refuses sessions shorter than 30 minutes from its own clock."""
    assert rules.reservation_expiry(NOW) == datetime(2026, 3, 2, 10, 30, 30, tzinfo=UTC)


def test_lapsed_only_after_the_grace_for_late_webhooks():
    """The sweeper waits a few minutes for Stripe's own 'expired' event."""
    expiry = rules.reservation_expiry(NOW)
    assert not rules.is_lapsed(expiry, expiry + timedelta(minutes=1))
    assert rules.is_lapsed(expiry, expiry + timedelta(minutes=6))


def test_the_cart_holds_each_piece_once_and_has_a_limit():
    """Pieces are unique: adding twice keeps one; the cart stops at MAX_CART."""
    cart = rules.cart_add(rules.cart_add([], "a"), "a")
    assert cart == ["a"]
    assert rules.cart_remove(cart, "a") == []
    full = [str(i) for i in range(rules.MAX_CART)]
    assert rules.cart_add(full, "x") == full


def test_line_items_carry_database_prices_in_lower_case_currency():
    """One line per piece, quantity 1."""
    (line,) = rules.line_items([("Tote bag (ORA-000001)", 1500)], "EUR")
    assert line == {
        "quantity": 1,
        "price_data": {
            "currency": "eur",
            "unit_amount": 1500,
            "product_data": {"name": "Tote bag (ORA-000001)"},
        },
    }


def test_what_each_event_asks():
    """Paid → fulfil; unpaid completion → hold; async outcomes; expiry → release."""
    assert rules.event_action("checkout.session.completed", "paid") == "fulfil"
    assert rules.event_action("checkout.session.completed", "unpaid") == "hold"
    assert rules.event_action("checkout.session.async_payment_succeeded", "paid") == "fulfil"
    assert rules.event_action("checkout.session.async_payment_failed", "unpaid") == "fail"
    assert rules.event_action("checkout.session.expired", "unpaid") == "release"
    assert rules.event_action("charge.refunded", None) == "ignore"


def test_emails_and_scans():
    """Plain checks; duplicates and blanks dropped."""
    assert rules.valid_email("a.b@example.org")
    assert not rules.valid_email("a@b")
    assert not rules.valid_email("no at sign")
    assert rules.unique_scans([" A ", "A", "", "B"]) == ["A", "B"]
    assert rules.new_reference() != rules.new_reference()


def test_basket_total_adds_the_priced_pieces_in_cents():
    """The basket costs the sum of its prices; a piece without a price adds nothing."""
    assert rules.basket_total([1500, 2000, None]) == 3500
    assert rules.basket_total([]) == 0


def test_a_session_event_without_a_session_id_is_still_read_by_its_order_reference():
    """Stripe always sends the session id; an event without one is matched by metadata."""
    event = {
        "type": "checkout.session.expired",
        "data": {"object": {"metadata": {"order_id": "ref1"}}},
    }
    assert rules.session_event(event) == rules.SessionEvent(
        "checkout.session.expired", None, "ref1"
    )


def test_a_session_event_is_read_into_its_parts():
    """Session id, order reference, payment status and intent, as Stripe sends them."""
    event = {
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_1",
                "payment_status": "paid",
                "payment_intent": "pi_1",
                "metadata": {"order_id": "ref1"},
            }
        },
    }
    assert rules.session_event(event) == rules.SessionEvent(
        "checkout.session.completed", "cs_1", "ref1", "paid", "pi_1"
    )


@pytest.mark.parametrize(
    "obj",
    [
        [1],
        {"id": ["cs_1"]},
        {"id": "cs_1", "metadata": "x"},
        {"id": "cs_1", "metadata": {"order_id": 7}},
        {"id": "cs_1", "payment_intent": {"id": "pi"}},
        {"id": "c" * 256},
    ],
)
def test_a_session_event_of_an_odd_shape_is_refused(obj):
    """Any shape Stripe does not send is a ValueError, before anything is looked up."""
    with pytest.raises(ValueError):
        rules.session_event({"type": "checkout.session.expired", "data": {"object": obj}})


def test_an_event_type_we_ignore_is_not_read_further():
    """Other Stripe events may carry any object; only their type must be a string."""
    assert rules.session_event({"type": "charge.refunded", "data": "odd"}).session_id is None
    with pytest.raises(ValueError):
        rules.session_event({"type": ["charge.refunded"]})
