"""Shared pieces of the webshop tests: the fake Stripe fixture and webhook delivery."""

from tests.factories import stripe_event, stripe_signature
from tests.fake_stripe import FakeStripe

WEBHOOK = "/api/v1/stripe/webhook"
SECRET = "whsec_test_secret"  # tests/conftest.py TEST_SETTINGS


def serve_fake_stripe(app):
    """Generator for a fixture: a fake Stripe API on loopback, the app pointed at it."""
    fake = FakeStripe().start()
    saved = {k: app.config[k] for k in ("STRIPE_SECRET_KEY", "STRIPE_API_BASE")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_fake", STRIPE_API_BASE=fake.base)
    yield fake
    app.config.update(saved)
    fake.stop()


def deliver(client, body: bytes, *, secret=SECRET, timestamp=None, header=True):
    """POST a webhook body, signed with ``secret`` (or unsigned when ``header`` is False)."""
    headers = {"Stripe-Signature": stripe_signature(body, secret, timestamp)} if header else {}
    return client.post(WEBHOOK, data=body, headers=headers, content_type="application/json")


def api_checkout(client, items, email="buyer@example.org"):
    """POST /api/v1/checkout."""
    return client.post("/api/v1/checkout", json={"items": items, "email": email})


def completed(order, **kwargs) -> bytes:
    """A checkout.session.completed body for an order (paid unless told otherwise)."""
    return stripe_event(
        "checkout.session.completed", order.stripe_session_id, order.reference, **kwargs
    )


def expired(order, **kwargs) -> bytes:
    """A checkout.session.expired body for an order."""
    return stripe_event(
        "checkout.session.expired",
        order.stripe_session_id,
        order.reference,
        payment_status="unpaid",
        **kwargs,
    )
