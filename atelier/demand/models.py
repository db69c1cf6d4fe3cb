"""Shop requests, the atelier's weekly plan, and the shops' markdown rules."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.catalog.models import ProductType
from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import ItemEvent


class ShopRequest(db.Model):
    """A shop asks the atelier for more of a product type."""

    __tablename__ = "shop_requests"
    __table_args__ = (
        sa.CheckConstraint("quantity BETWEEN 1 AND 500", name="quantity_range"),
        sa.CheckConstraint("status IN ('open', 'planned', 'done', 'declined')", name="status"),
        sa.Index("ix_shop_requests_status_shop_id", "status", "shop_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    product_type_id: Mapped[int] = mapped_column(sa.ForeignKey("product_types.id"))
    quantity: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: open → planned → done | declined
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    #: a sample's photo, re-encoded by the catalogue's photo pipeline (no metadata kept)
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    photo_mime: Mapped[str] = mapped_column(sa.String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    shop: Mapped[Site] = relationship(lazy="joined")
    product_type: Mapped[ProductType] = relationship(lazy="joined")


class Plan(db.Model):
    """What an atelier means to sew in one ISO week."""

    __tablename__ = "plans"
    __table_args__ = (sa.UniqueConstraint("site_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    #: ISO week, ``2026-W49``
    week: Mapped[str] = mapped_column(sa.String(8))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    lines: Mapped[list["PlanLine"]] = relationship(
        back_populates="plan", lazy="selectin", cascade="all, delete-orphan"
    )


class PlanLine(db.Model):
    """One product type in a week's plan: what the rule suggested, what was planned."""

    __tablename__ = "plan_lines"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "product_type_id"),
        sa.CheckConstraint("suggested >= 0", name="suggested_not_negative"),
        sa.CheckConstraint("planned BETWEEN 0 AND 10000", name="planned_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    product_type_id: Mapped[int] = mapped_column(sa.ForeignKey("product_types.id"))
    suggested: Mapped[int]
    planned: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="lines")
    product_type: Mapped[ProductType] = relationship(lazy="joined")


class MarkdownRule(db.Model):
    """In one shop, a piece on the shelf for ``after_days`` days gets ``discount_bp`` off."""

    __tablename__ = "markdown_rules"
    __table_args__ = (
        sa.UniqueConstraint("shop_id", "after_days"),
        sa.CheckConstraint("after_days >= 0", name="after_days_not_negative"),
        sa.CheckConstraint("discount_bp > 0 AND discount_bp < 10000", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    after_days: Mapped[int]
    discount_bp: Mapped[int]


#: receipts are how long a piece has been on the shelf: found per piece (demand figures,
#: markdowns) and by time (received in a window). Partial indexes hold only the receipts,
#: so both are index lookups however long the history grows. Declared here, with the
#: demand that needs them, on the item_events table.
RECEIVED = sa.text("kind = 'received'")
sa.Index(
    "ix_item_events_received_item",
    ItemEvent.item_id,
    ItemEvent.site_id,
    ItemEvent.at,
    sqlite_where=RECEIVED,
    postgresql_where=RECEIVED,
)
sa.Index(
    "ix_item_events_received_at",
    ItemEvent.at,
    sqlite_where=RECEIVED,
    postgresql_where=RECEIVED,
)
