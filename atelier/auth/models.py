"""Users, the sites they work at, and API tokens."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db
from atelier.org.models import Site

ROLES = ("admin", "supervisor", "shop", "beneficiary")

user_sites = sa.Table(
    "user_sites",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """Someone who signs in. One role; supervisors and shop staff have sites."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'supervisor', 'shop', 'beneficiary')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    #: the maker this account belongs to (role beneficiary only)
    beneficiary_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("beneficiaries.id"), unique=True
    )
    #: the language the user chose; None means follow the browser
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: moves on each time the account is disabled: sessions signed in before stay ended
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sites: Mapped[list[Site]] = relationship(secondary=user_sites, lazy="selectin")
    #: loaded only when read (every request loads the user; few need her maker record)
    beneficiary = relationship("Beneficiary")

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in (Flask-Login reads this)."""
        return self.is_enabled

    def get_id(self) -> str:
        """What the session cookie keeps: the id and a fingerprint of the password hash, so
        a new password ends every browser session that was signed in with the old one."""
        return f"{self.id}:{self.session_key}"

    @property
    def session_key(self) -> str:
        """A short fingerprint of the password hash (not the hash itself) and the session
        epoch: a new password, or disabling the account, ends the sessions opened before."""
        text = f"{self.password_hash}:{self.session_epoch}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def site_ids(self) -> set[int]:
        """Ids of the sites this user works at."""
        return {site.id for site in self.sites}

    @property
    def shown_name(self) -> str:
        """How pages greet her: a maker by her display name, staff by their username."""
        return self.beneficiary.display_name if self.beneficiary_id else self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class UserSession(db.Model):
    """A signed-in browser: the session cookie carries a random key whose SHA-256 is kept
    here. Signing out deletes the row, so a copied cookie stops working with it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: moved on at most every few minutes (not on every page); the idle timeout counts from it
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
