"""The one place that talks to Stripe: sessions, refunds and webhook signatures."""

import json
from urllib.parse import urlsplit

import stripe
from flask import current_app
from flask_babel import gettext as _

from atelier.errors import DomainError, Invalid


class PaymentsNotConfigured(DomainError):
    """No Stripe key on this machine (a demo): online payment is off."""

    status = 503
    code = "payments_not_configured"


class PaymentProviderError(DomainError):
    """Stripe could not be reached or refused the call."""

    status = 502
    code = "payment_provider_error"


def is_configured() -> bool:
    """True when a Stripe secret key is set."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def checkout_origin() -> str:
    """Where Stripe's payment page lives: checkout.stripe.com, or the mock server's origin."""
    base = current_app.config.get("STRIPE_API_BASE")
    if not base:
        return "https://checkout.stripe.com"
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def client() -> stripe.StripeClient:
    """A Stripe client, pointed at ``STRIPE_API_BASE`` when set (a mock server)."""
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise PaymentsNotConfigured(_("Online payment is not configured on this site."))
    base = current_app.config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        key,
        base_addresses={"api": base.rstrip("/")} if base else None,
        max_network_retries=1,
    )


def create_session(params: dict, idempotency_key: str) -> tuple[str, str]:
    """Create a Checkout Session; returns its id and the URL to send the buyer to."""
    try:
        session = client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        current_app.logger.warning("stripe session failed: %s", exc)
        raise PaymentProviderError(_("The payment service is not available. Try again.")) from None
    return session.id, session.url


def refund(
    payment_intent: str, idempotency_key: str, metadata: dict, amount_cents: int | None = None
) -> str:
    """Refund a payment, in full or ``amount_cents`` of it; returns the refund id (a retry
    with the same key gives the same refund)."""
    params = {"payment_intent": payment_intent, "metadata": metadata}
    if amount_cents is not None:
        params["amount"] = amount_cents
    try:
        result = client().v1.refunds.create(
            params=params,
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        current_app.logger.warning("stripe refund failed: %s", exc)
        raise PaymentProviderError(_("The payment service is not available. Try again.")) from None
    return result.id


def verified_event(payload: bytes, signature: str | None) -> dict:
    """The event as a dict, if Stripe signed it with our secret recently; else 400."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise PaymentsNotConfigured(_("Online payment is not configured on this site."))
    if not signature:
        raise Invalid(_("Missing Stripe signature."), code="bad_signature")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError):
        raise Invalid(_("Bad Stripe signature."), code="bad_signature") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise Invalid(_("Not a Stripe event."), code="bad_signature")
    return event
