"""The Results report's layout, versioned by the year it starts: pillars → rows → parts.

Figures (target, manual result, remarks) are not here: they live in the one indicator
store, :class:`atelier.indicators.models.IndicatorTarget`, beside the built-in targets.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.extensions import db
from atelier.org.models import Programme, Site


class ReportLayout(db.Model):
    """The report's layout from ``year_from`` on, until a later layout starts."""

    __tablename__ = "report_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: first year this layout applies to (2000 when defined "for every year")
    year_from: Mapped[int] = mapped_column(unique=True)

    pillars: Mapped[list["ReportPillar"]] = relationship(
        order_by="ReportPillar.position", cascade="all, delete-orphan"
    )


class ReportPillar(db.Model):
    """One pillar of the report: a named table of rows."""

    __tablename__ = "report_pillars"

    id: Mapped[int] = mapped_column(primary_key=True)
    layout_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_layouts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))

    rows: Mapped[list["ReportRow"]] = relationship(
        order_by="ReportRow.position", cascade="all, delete-orphan"
    )


class ReportRow(db.Model):
    """One row: manual, a built-in indicator, or a measure over filtered workshops."""

    __tablename__ = "report_rows"
    __table_args__ = (
        sa.CheckConstraint(
            "measure IS NULL OR measure IN ('participants', 'hours', 'sessions')",
            name="measure",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pillar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_pillars.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(300))
    #: "manual", a built-in indicator key, or "measure" (then ``measure`` and the filters)
    source: Mapped[str] = mapped_column(sa.String(40))
    measure: Mapped[str | None] = mapped_column(sa.String(16))
    workshop_kind: Mapped[str | None] = mapped_column(sa.String(16))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))

    site: Mapped[Site | None] = relationship(lazy="joined")
    programme: Mapped[Programme | None] = relationship(lazy="joined")
    parts: Mapped[list["ReportPart"]] = relationship(
        order_by="ReportPart.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ReportPart(db.Model):
    """A part below a row: narrows a computed row by site/programme; a label under a manual one."""

    __tablename__ = "report_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_rows.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(300))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"))

    site: Mapped[Site | None] = relationship(lazy="joined")
    programme: Mapped[Programme | None] = relationship(lazy="joined")
