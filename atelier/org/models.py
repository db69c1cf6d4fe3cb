"""Sites and programmes."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from atelier.db import UTCDateTime, utcnow
from atelier.enums import SiteKind, check_in
from atelier.extensions import db


class Site(db.Model):
    """A place: the atelier, a Reshare shop, or the webshop's stock."""

    __tablename__ = "sites"
    __table_args__ = (sa.CheckConstraint(check_in("kind", SiteKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    #: shown to makers as where a piece sold ("Amsterdam"); never a street address
    city: Mapped[str] = mapped_column(sa.String(80), default="")
    #: last number handed out for item codes (ORA-000123); bumped by a conditional update
    item_seq: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Site {self.code}>"


class Programme(db.Model):
    """A cohort the programme reports on (Step Out, refugee project, teenagers)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Programme {self.code}>"
