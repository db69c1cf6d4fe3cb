"""Indicator targets per year, key, and site/programme (or in total)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Programme, Site


class IndicatorTarget(db.Model):
    """What the programme promised its funders for one indicator in one year."""

    __tablename__ = "indicator_targets"
    __table_args__ = (
        sa.UniqueConstraint(
            "year",
            "key",
            "site_id",
            "programme_id",
            name="uq_indicator_targets_year_key_site_programme",
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))
    target: Mapped[int]
    remarks: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site | None] = relationship(lazy="joined")
    programme: Mapped[Programme | None] = relationship(lazy="joined")
