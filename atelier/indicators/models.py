"""The one indicator store: targets, manual results and remarks per year and row.

A built-in indicator's figures are kept under its key (in total, or for a site and/or
programme): ``PUT /indicator-targets`` and the Results report's built-in rows read and write
the same rows. A report row of another source keeps its figures under the row's key, and
its parts under ``part`` (see :mod:`atelier.reports.figures`).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Programme, Site


class IndicatorTarget(db.Model):
    """What the programme promised its funders for one indicator or report row in one year
    (and, for a row entered by hand, what it achieved)."""

    __tablename__ = "indicator_targets"
    __table_args__ = (
        sa.UniqueConstraint(
            "year",
            "key",
            "part",
            "site_id",
            "programme_id",
            name="uq_indicator_targets_year_key_part_site_programme",
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    #: a built-in indicator key, or a report row's key (for rows of another source)
    key: Mapped[str] = mapped_column(sa.String(40))
    #: a report part's key below a manual or measure row; "" for a row or a built-in cell
    part: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))
    #: None when the report shows no target for the row (blank, not 0)
    target: Mapped[int | None]
    #: a result entered by hand: manual report rows only (computed rows come from records)
    result: Mapped[int | None]
    remarks: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site | None] = relationship(lazy="joined")
    programme: Mapped[Programme | None] = relationship(lazy="joined")
