"""Items: one physical piece each, with its lifecycle in one status column."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.catalog.models import ProductType
from atelier.db import UTCDateTime, utcnow
from atelier.enums import QC, ItemStatus, check_in
from atelier.extensions import db
from atelier.org.models import Site
from atelier.people.models import Beneficiary

#: statuses of pieces that do not count as made: not paid as a piece, not an indicator's piece
NOT_MADE = (ItemStatus.REJECTED, ItemStatus.VOIDED)


class ProductionEntry(db.Model):
    """One save on the production screen: ``quantity`` pieces of one product by one maker."""

    __tablename__ = "production_entries"
    __table_args__ = (
        sa.CheckConstraint("quantity BETWEEN 1 AND 200", name="quantity_range"),
        sa.CheckConstraint(check_in("qc", QC), name="qc"),
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
        sa.CheckConstraint(check_in("status", ItemStatus), name="status"),
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
    production_entry: Mapped[ProductionEntry | None] = relationship(
        back_populates="items", lazy="select"
    )

    @hybrid_property
    def counts_as_made(self) -> bool:
        """True for a piece that counts as made (paid as a piece, counted by the indicators):
        neither rejected at quality control nor voided as a mistake."""
        return self.status not in NOT_MADE

    @counts_as_made.inplace.expression
    @classmethod
    def _counts_as_made(cls):
        return cls.status.not_in([str(s) for s in NOT_MADE])


class ItemEvent(db.Model):
    """The history of an item: made, shipped, received, sold, returned…"""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: an :class:`atelier.enums.ItemEventKind`; the kinds are those of the lifecycle's table
    kind: Mapped[str] = mapped_column(sa.String(16))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
