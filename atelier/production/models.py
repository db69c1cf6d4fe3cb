"""Items: one physical piece each, with its lifecycle in one status column."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.catalog.models import ProductType
from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.people.models import Beneficiary

ITEM_STATUSES = (
    "in_atelier",
    "in_transit",
    "in_shop",
    "reserved",
    "sold",
    "written_off",
    "rejected",
    "voided",
)


class ProductionEntry(db.Model):
    """One save on the production screen: ``quantity`` pieces of one product by one maker."""

    __tablename__ = "production_entries"
    __table_args__ = (
        sa.CheckConstraint("quantity BETWEEN 1 AND 200", name="quantity_range"),
        sa.CheckConstraint("qc IN ('passed', 'rejected')", name="qc"),
        sa.Index("ix_production_entries_site_id_made_on", "site_id", "made_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a retried save with the same client_id returns this entry and creates nothing
    client_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    product_type_id: Mapped[int] = mapped_column(sa.ForeignKey("product_types.id"))
    made_on: Mapped[date]
    quantity: Mapped[int]
    qc: Mapped[str] = mapped_column(sa.String(8))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the entry was voided as a mistake; its items are then ``voided``
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    site: Mapped[Site] = relationship(lazy="joined")
    beneficiary: Mapped[Beneficiary] = relationship(lazy="joined")
    product_type: Mapped[ProductType] = relationship(lazy="joined")
    items: Mapped[list["Item"]] = relationship(
        back_populates="production_entry", lazy="selectin", order_by="Item.id"
    )


class Item(db.Model):
    """One physical piece, made by one maker. ``site_id`` is where it is (or is bound for)."""

    __tablename__ = "items"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('in_atelier', 'in_transit', 'in_shop', 'reserved', 'sold', "
            "'written_off', 'rejected', 'voided')",
            name="status",
        ),
        sa.Index("ix_items_site_id_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: human code, per atelier and gap-free: ORA-000123
    code: Mapped[str] = mapped_column(sa.String(24), unique=True)
    #: random, URL-safe, ≥ 64 bits; the QR carries PUBLIC_BASE_URL/t/<tag>
    tag: Mapped[str] = mapped_column(sa.String(32), unique=True)
    product_type_id: Mapped[int] = mapped_column(sa.ForeignKey("product_types.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    #: the atelier where it was made
    origin_site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    #: where it is now, or the shop it is travelling to
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    made_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    #: the online order holding this piece while ``status`` is ``reserved``
    reserved_order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="SET NULL"), index=True
    )
    #: the production entry (one save on the tablet) that created this piece
    production_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("production_entries.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product_type: Mapped[ProductType] = relationship(lazy="joined")
    beneficiary: Mapped[Beneficiary] = relationship(lazy="select")
    site: Mapped[Site] = relationship(foreign_keys=[site_id], lazy="joined")
    origin_site: Mapped[Site] = relationship(foreign_keys=[origin_site_id], lazy="select")
    production_entry: Mapped[ProductionEntry | None] = relationship(
        back_populates="items", lazy="select"
    )

    @property
    def qc_passed(self) -> bool:
        """False for pieces rejected at quality control."""
        return self.status != "rejected"


class ItemEvent(db.Model):
    """The history of an item: made, shipped, received, sold, returned…"""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: made, rejected, voided, shipped, received, sold, returned, written_off, reserved, released
    kind: Mapped[str] = mapped_column(sa.String(16))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
