"""Shipments from an atelier to a shop, and the pieces in each."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.enums import ShipmentLineState, ShipmentStatus, check_in
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item

#: sent: on its way; received: arrived; missing: not there when receiving finished;
#: unexpected: scanned at the shop but not on this shipment (listed, never accepted)


class Shipment(db.Model):
    """Pieces sent together from an atelier to a shop."""

    __tablename__ = "shipments"
    __table_args__ = (sa.CheckConstraint(check_in("status", ShipmentStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    to_site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="in_transit")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    from_site: Mapped[Site] = relationship(foreign_keys=[from_site_id], lazy="joined")
    to_site: Mapped[Site] = relationship(foreign_keys=[to_site_id], lazy="joined")
    lines: Mapped[list["ShipmentItem"]] = relationship(
        back_populates="shipment", lazy="selectin", order_by="ShipmentItem.id"
    )


class ShipmentItem(db.Model):
    """One piece on a shipment, and whether it arrived."""

    __tablename__ = "shipment_items"
    __table_args__ = (
        sa.UniqueConstraint("shipment_id", "item_id"),
        sa.CheckConstraint(check_in("state", ShipmentLineState), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="sent")
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship(lazy="joined")
