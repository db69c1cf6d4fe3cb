"""Product types (designs) and their price/wage rules, versioned by effective date."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db


class ProductType(db.Model):
    """A design the atelier makes: tote bag, apron…"""

    __tablename__ = "product_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: re-encoded photo (WebP/JPEG bytes), served from the database so hosts stay stateless
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    photo_mime: Mapped[str] = mapped_column(sa.String(32), default="")
    #: changes whenever the photo does; used in URLs for caching
    photo_version: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the name and description in other languages: ``{"ro": {"name": …, "description": …}}``;
    #: a language without its own text reads the default ones (``name``, ``description``)
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    rules: Mapped[list["ProductRule"]] = relationship(
        back_populates="product_type", order_by="ProductRule.effective_from", lazy="selectin"
    )

    def name_in(self, lang: str) -> str:
        """The name a reader of ``lang`` sees (the default name where none is given)."""
        return (self.translations or {}).get(lang, {}).get("name") or self.name

    def description_in(self, lang: str) -> str:
        """The description a reader of ``lang`` sees (the default one where none is given)."""
        return (self.translations or {}).get(lang, {}).get("description") or self.description


class ProductRule(db.Model):
    """Price and wage rule of a product type from ``effective_from`` on."""

    __tablename__ = "product_rules"
    __table_args__ = (
        sa.UniqueConstraint("product_type_id", "effective_from"),
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
        sa.CheckConstraint("piece_rate_cents >= 0", name="piece_rate_not_negative"),
        sa.CheckConstraint("maker_share_bp BETWEEN 0 AND 10000", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product_types.id", ondelete="CASCADE"), index=True
    )
    effective_from: Mapped[date]
    #: list price in the shops, in ``price_currency``
    price_cents: Mapped[int]
    price_currency: Mapped[str] = mapped_column(sa.String(3))
    #: paid per QC-passed piece, in the payroll currency
    piece_rate_cents: Mapped[int]
    #: the maker's share of the sale price, in basis points (2000 = 20 %)
    maker_share_bp: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product_type: Mapped[ProductType] = relationship(back_populates="rules")
