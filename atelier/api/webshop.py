"""API: online checkout (public) and the Stripe webhook (signed by Stripe)."""

from typing import Annotated

from flask import current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from atelier.api.core import Body, Instant, Out, api_route, parse
from atelier.extensions import db
from atelier.ratelimits import public_limits
from atelier.webshop import fulfilment, gateway, services


class CheckoutRequest(Body):
    """Pieces (code or tag) and the buyer's email."""

    items: list[Annotated[str, Field(max_length=300)]] = Field(min_length=1, max_length=20)
    email: str = Field(max_length=254)


class StripeEvent(BaseModel):
    """What Stripe posts (documentation only: the raw body is checked against its
    ``Stripe-Signature`` header before it is read)."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    data: dict


class CheckoutOut(Out):
    """The order, where to pay, and when the reservation ends."""

    order_id: str
    checkout_url: str
    expires_at: Instant
    total_cents: int
    currency: str


class WebhookOut(Out):
    """The event was applied (or had been already)."""

    received: bool
    result: str


@api_route(
    "/checkout",
    "POST",
    "Reserve pieces and open a Stripe Checkout Session.",
    body=CheckoutRequest,
    public=True,
    response=CheckoutOut,
    status=201,
    errors=(404, 409, 429),
)
@public_limits
def checkout():
    """201 with the order id, Stripe's checkout URL and when the reservation ends."""
    data = parse(CheckoutRequest)
    order, url = services.checkout_with_urls(data.items, data.email)
    db.session.commit()
    return jsonify(
        CheckoutOut.of(
            {
                "order_id": order.reference,
                "checkout_url": url,
                "expires_at": order.expires_at,
                "total_cents": order.total_cents,
                "currency": order.currency,
            }
        )
    ), 201


@api_route(
    "/stripe/webhook",
    "POST",
    "Stripe events: payment done, expired, failed (signed by Stripe).",
    public=True,
    body=StripeEvent,
    response=WebhookOut,
    errors=(400,),
)
def stripe_webhook():
    """200 once the event is applied (or was already); 400 for a bad signature."""
    event = gateway.verified_event(
        request.get_data(cache=True), request.headers.get("Stripe-Signature")
    )
    result = fulfilment.handle_event(event)
    db.session.commit()
    current_app.logger.info("stripe event %s: %s", event["id"], result)
    return jsonify(WebhookOut.of({"received": True, "result": result})), 200
