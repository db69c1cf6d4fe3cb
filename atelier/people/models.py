"""Beneficiaries, known only by a display name and a random maker code."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Programme, Site


class Beneficiary(db.Model):
    """A person in the programme; a maker when she sews."""

    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a pseudonym or first name, never required to be a legal name
    display_name: Mapped[str] = mapped_column(sa.String(80))
    #: random, from an alphabet without look-alike characters; the only public-ish handle
    maker_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    birth_year: Mapped[int | None]
    gender: Mapped[str] = mapped_column(sa.String(16), default="undisclosed")
    #: she agreed that her first name may appear on public story pages
    public_name_consent: Mapped[bool] = mapped_column(default=False)
    is_exited: Mapped[bool] = mapped_column(default=False)
    exited_on: Mapped[date | None]
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Beneficiary {self.maker_code}>"
