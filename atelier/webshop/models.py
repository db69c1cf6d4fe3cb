"""Online orders, their reserved items, and the Stripe events already handled."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.enums import OrderStatus, check_in
from atelier.extensions import db
from atelier.production.models import Item


class Order(db.Model):
    """An online checkout: reserved pieces, a Stripe Checkout Session, an expiry."""

    __tablename__ = "orders"
    __table_args__ = (sa.CheckConstraint(check_in("status", OrderStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: public reference shown to the buyer (random, not the id)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_cents: Mapped[int]
    stripe_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    stripe_payment_intent: Mapped[str | None] = mapped_column(sa.String(255))
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255))
    #: why an order needs a person's attention (e.g. paid for a piece sold meanwhile)
    flag_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", lazy="selectin")


class OrderLine(db.Model):
    """One piece in an order, at the price the database gave it."""

    __tablename__ = "order_lines"
    __table_args__ = (sa.UniqueConstraint("order_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    price_cents: Mapped[int]

    order: Mapped[Order] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship(lazy="joined")


class StripeEvent(db.Model):
    """A Stripe event already handled: the unique id guarantees one effect per event."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    type: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
