"""API calls for the stock area (see API.md): send and receive shipments."""

from flask import jsonify
from flask_login import current_user
from pydantic import AliasPath, Field, field_validator

from atelier.api.core import Body, Out, api_route, parse
from atelier.extensions import db
from atelier.org.services import site_by_code
from atelier.stock import services

MAX_SHIPMENT_ITEMS = 1000


class ShipmentBody(Body):
    """``POST /shipments``: from an atelier to a shop, the pieces scanned."""

    from_: str = Field(alias="from")
    to: str
    items: list[str] = Field(max_length=MAX_SHIPMENT_ITEMS)


class ReceiveBody(Body):
    """``POST /shipments/{id}/receive``: the pieces that arrived (omit = all)."""

    items: list[str] | None = Field(None, max_length=MAX_SHIPMENT_ITEMS)


class ShipmentOut(Out):
    """A shipment sent: the codes of its pieces."""

    id: int
    status: str
    from_: str = Field(serialization_alias="from", validation_alias=AliasPath("from_site", "code"))
    to: str = Field(validation_alias=AliasPath("to_site", "code"))
    items: list[str] = Field(validation_alias="lines")

    @field_validator("items", mode="before")
    @classmethod
    def _codes(cls, lines):
        return [line.item.code for line in lines]


class ReceiveOut(Out):
    """What arrived, what is missing, and the progress counts."""

    id: int
    status: str
    received: list[str]
    missing: list[str]
    unexpected: list[str]
    waiting: list[str]
    received_count: int
    expected_count: int


@api_route(
    "/shipments",
    "POST",
    "Send pieces from an atelier to a shop",
    body=ShipmentBody,
    roles=("supervisor",),
    response=ShipmentOut,
    status=201,
    errors=(404, 409),
)
def create_shipment():
    """Every piece must be in_atelier at ``from``, else 409 naming them and nothing moves."""
    body = parse(ShipmentBody)
    shipment = services.create_shipment(
        current_user, site_by_code(body.from_, "from"), site_by_code(body.to, "to"), body.items
    )
    db.session.commit()
    return jsonify(ShipmentOut.of(shipment)), 201


@api_route(
    "/shipments/<int:shipment_id>/receive",
    "POST",
    "Receive a shipment at the shop",
    body=ReceiveBody,
    roles=("shop",),
    response=ReceiveOut,
    errors=(409,),
)
def receive_shipment(shipment_id: int):
    """Received pieces go in_shop at the destination; the others are reported missing."""
    body = parse(ReceiveBody)
    result = services.receive_api(current_user, shipment_id, body.items)
    db.session.commit()
    return jsonify(ReceiveOut.of(result)), 200
