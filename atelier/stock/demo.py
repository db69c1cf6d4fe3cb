"""Demo shipments: some pieces waiting at the atelier go to Amsterdam and Rotterdam."""

import random
from datetime import timedelta

import sqlalchemy as sa

from atelier.auth.models import User
from atelier.db import utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item
from atelier.stock import services
from atelier.stock.models import Shipment, ShipmentItem

#: shop code, pieces to send, days ago sent, pieces left unscanned (reported missing)
PLAN = (("AMS", 8, 12, 0), ("RTM", 6, 9, 1))


def seed() -> None:
    """Ship and receive some in_atelier pieces (once; nothing if there are none)."""
    if db.session.scalar(sa.select(Shipment.id).limit(1)):
        return
    admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id))
    ora = db.session.scalar(sa.select(Site).where(Site.code == "ORA"))
    if admin is None or ora is None:
        return
    waiting = list(
        db.session.scalars(
            sa.select(Item)
            .where(Item.site_id == ora.id, Item.status == "in_atelier")
            .order_by(Item.id)
        )
    )
    random.Random(2026).shuffle(waiting)  # noqa: S311 - demo order, not a secret
    now = utcnow()
    for code, count, days_ago, unscanned in PLAN:
        shop = db.session.scalar(sa.select(Site).where(Site.code == code))
        pieces, waiting = waiting[:count], waiting[count:]
        if shop is None or not pieces:
            continue
        shipment = services.create_shipment(admin, ora, shop, [p.code for p in pieces])
        shipment_id = shipment.id
        for piece in pieces[: len(pieces) - unscanned]:
            services.receive_scan(admin, shipment_id, piece.code)
        services.finish_receiving(admin, shipment_id)
        sent, received = now - timedelta(days=days_ago), now - timedelta(days=days_ago - 2)
        db.session.execute(
            sa.update(Shipment)
            .where(Shipment.id == shipment_id)
            .values(sent_at=sent, received_at=received)
        )
        db.session.execute(
            sa.update(ShipmentItem)
            .where(ShipmentItem.shipment_id == shipment_id, ShipmentItem.state == "received")
            .values(received_at=received)
        )
    db.session.flush()
