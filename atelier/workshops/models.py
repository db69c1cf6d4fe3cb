"""Workshops, sessions and the roll."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.enums import AttendanceStatus, WorkshopKind, check_in
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary

workshop_participants = sa.Table(
    "workshop_participants",
    db.metadata,
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("beneficiary_id", sa.ForeignKey("beneficiaries.id"), primary_key=True),
)


class Workshop(db.Model):
    """A course of one kind at one site for one programme."""

    __tablename__ = "workshops"
    __table_args__ = (
        sa.CheckConstraint(check_in("kind", WorkshopKind), name="kind"),
        sa.CheckConstraint("stipend_per_hour_cents >= 0", name="stipend_not_negative"),
        sa.CheckConstraint(
            "default_centihours IS NULL OR (default_centihours > 0 AND default_centihours <= 1200)",
            name="default_hours_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    #: paid per hour present, in the payroll currency; 0 for none
    stipend_per_hour_cents: Mapped[int] = mapped_column(default=0)
    #: the usual length of a session (hours × 100), which a new session takes; None: the
    #: length of its latest session, else the supervisor says (never a made-up constant)
    default_centihours: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")
    participants: Mapped[list[Beneficiary]] = relationship(
        secondary=workshop_participants, lazy="selectin", order_by=Beneficiary.display_name
    )
    sessions: Mapped[list["WorkshopSession"]] = relationship(
        back_populates="workshop", order_by="WorkshopSession.held_on", lazy="select"
    )


class WorkshopSession(db.Model):
    """One meeting of a workshop on a local calendar day."""

    __tablename__ = "workshop_sessions"
    __table_args__ = (
        sa.CheckConstraint("centihours > 0 AND centihours <= 1200", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(index=True)
    #: hours × 100, so "2.5" hours is 250: exact, no floats
    centihours: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="sessions", lazy="joined")


class Attendance(db.Model):
    """One person's status at one session."""

    __tablename__ = "attendances"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "beneficiary_id"),
        sa.CheckConstraint(check_in("status", AttendanceStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(8))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
