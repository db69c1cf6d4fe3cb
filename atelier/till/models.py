"""Sales, their lines (one active line per item) and returns."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.enums import SaleChannel, check_in
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item


class Sale(db.Model):
    """A sale at a till or online. All its lines are recorded, or none."""

    __tablename__ = "sales"
    __table_args__ = (
        sa.CheckConstraint(check_in("channel", SaleChannel), name="channel"),
        sa.Index("ix_sales_site_id_sold_at", "site_id", "sold_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    channel: Mapped[str] = mapped_column(sa.String(8))
    #: cash, card, or stripe for online sales
    payment_method: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_cents: Mapped[int]
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: a retried request with the same client_id returns this sale
    client_id: Mapped[str | None] = mapped_column(sa.String(36), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: the online order this sale fulfils (channel online)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)

    site: Mapped[Site] = relationship(lazy="joined")
    lines: Mapped[list["SaleLine"]] = relationship(
        back_populates="sale", lazy="selectin", order_by="SaleLine.id"
    )


class SaleLine(db.Model):
    """One item sold. At most one line per item is active (not returned): a partial
    unique index enforces it, so a piece cannot be sold twice however many tills try."""

    __tablename__ = "sale_lines"
    __table_args__ = (
        sa.Index(
            "uq_sale_lines_active_item",
            "item_id",
            unique=True,
            sqlite_where=sa.text("is_returned = 0"),
            postgresql_where=sa.text("is_returned = false"),
        ),
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    #: denormalised for wage queries: the maker of the item
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    list_price_cents: Mapped[int]
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: why the price was lowered at the till, if it was
    discount_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    is_returned: Mapped[bool] = mapped_column(default=False)

    sale: Mapped[Sale] = relationship(back_populates="lines", lazy="joined")
    item: Mapped[Item] = relationship(lazy="joined")

    @hybrid_property
    def is_active(self) -> bool:
        """True for the line that stands (not returned): at most one per piece; what pays
        a sales share and counts as sold."""
        return not self.is_returned

    @is_active.inplace.expression
    @classmethod
    def _is_active(cls):
        return cls.is_returned.is_(False)


class Return(db.Model):
    """A sold piece brought back: restocked or written off."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_line_id: Mapped[int] = mapped_column(sa.ForeignKey("sale_lines.id"), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(200))
    is_restocked: Mapped[bool]
    refund_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    sale_line: Mapped[SaleLine] = relationship(lazy="joined")

    #: for a piece sold online, set by the return: ``"sent"`` when Stripe paid the buyer
    #: back, ``"failed"`` when someone must do it in Stripe's dashboard (not stored: the
    #: audit entry of the return keeps it)
    online_refund = None
