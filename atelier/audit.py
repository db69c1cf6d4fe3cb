"""The audit log: who did what to which record, and when."""

import json
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from atelier.db import UTCDateTime, utcnow
from atelier.extensions import db


class AuditEntry(db.Model):
    """One audited action. Never updated, never deleted."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: e.g. ``auth.sign_in``, ``people.view``, ``wages.close``
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(64), default="")
    entity_id: Mapped[str] = mapped_column(sa.String(64), default="")
    #: JSON object with the details (never a password, never a token)
    details: Mapped[str] = mapped_column(sa.Text, default="{}")
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")


def record(action: str, entity=None, *, user=None, entity_type=None, entity_id=None, **details):
    """Write an audit entry in the caller's transaction (its commit or rollback decides).

    One Core INSERT at once, after the session's pending changes (autoflush): it costs
    half of adding an entry to the unit of work, and every audited call pays it."""
    values = entry(
        action, entity, user=user, entity_type=entity_type, entity_id=entity_id, **details
    )
    db.session.execute(INSERT, values)
    return values


def entry(
    action: str, entity=None, *, user=None, entity_type=None, entity_id=None, **details
) -> dict:
    """The values of an audit entry, not written yet: who (default: the signed-in user),
    what, when and from where. :func:`record` writes one; a caller that writes its rows in
    one statement (the sale ledger) writes it with them."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    if entity is not None:
        entity_type = entity_type or type(entity).__tablename__
        entity_id = entity_id if entity_id is not None else getattr(entity, "id", "")
    return dict(
        at=utcnow(),
        user_id=getattr(user, "id", None),
        action=action,
        entity_type=entity_type or "",
        entity_id=str(entity_id if entity_id is not None else ""),
        details=json.dumps(details, default=str, sort_keys=True),
        remote_addr=(request.remote_addr or "") if has_request_context() else "",
    )


INSERT = sa.insert(AuditEntry.__table__)
