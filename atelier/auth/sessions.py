"""Server-side browser sessions: opened at sign-in, checked on every page, ended at sign-out.

The signed cookie carries the account (``User.get_id``: its id and password/epoch
fingerprint) and a random session key; only the key's SHA-256 is stored. A page request
finds the user and her session in one query; signing out deletes the row, so a copy of the
cookie stops working at once, and a session unused for longer than its role's idle limit
is over.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask import current_app

from atelier.auth import rules
from atelier.auth.models import User, UserSession
from atelier.db import INT_MAX, utcnow
from atelier.extensions import db

#: the key of the session cookie entry that holds the browser session's secret
SESSION_KEY = "sid"


def _digest(secret: str) -> str:
    """SHA-256 of a session secret (random, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def idle_limit(role: str):
    """The idle timeout of a ``role`` account's browser session, from the settings."""
    config = current_app.config
    return rules.session_idle_limit(
        role, config["SESSION_IDLE_HOURS_STAFF"], config["SESSION_IDLE_DAYS_MAKER"]
    )


def open_session(user: User, now: datetime | None = None) -> str:
    """Start a browser session for ``user``; returns the secret for her cookie. Sessions
    that have timed out (hers, and anyone's past the longest idle limit) are cleared on the
    way, so the table keeps only live ones."""
    now = now or utcnow()
    longest = max(idle_limit("beneficiary"), idle_limit("admin"))
    db.session.execute(
        sa.delete(UserSession)
        .where(
            sa.or_(
                sa.and_(
                    UserSession.user_id == user.id,
                    UserSession.last_seen_at < now - idle_limit(user.role),
                ),
                UserSession.last_seen_at < now - longest,
            )
        )
        .execution_options(synchronize_session=False)
    )
    secret = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(user_id=user.id, key_hash=_digest(secret), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return secret


def end_session(secret: str | None) -> None:
    """Sign this browser out on the server: its cookie, or any copy of it, no longer counts."""
    if secret:
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == _digest(secret)))


def end_all_sessions(user: User) -> int:
    """End every browser session of ``user`` (new password, account disabled)."""
    result = db.session.execute(
        sa.delete(UserSession)
        .where(UserSession.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@cache
def _session_query():
    """The user behind a live session key, with the session's id and last use (built once
    per process: every page runs it; it replaces loading the user by id, so a page costs no
    extra query)."""
    return (
        sa.select(User, UserSession.id, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == sa.bindparam("digest"), User.id == sa.bindparam("uid"))
    )


def user_for_session(user_id: str, secret: str | None, now: datetime | None = None):
    """``(user, session id, needs touch)`` for a cookie's account entry (``id:key``) and
    session secret, or None: no such session (signed out), a disabled account, a password
    changed since, or a session idle for too long."""
    raw_id, _sep, key = user_id.partition(":")
    if not secret or not raw_id.isdigit() or int(raw_id) > INT_MAX:
        return None
    found = db.session.execute(
        _session_query(), {"digest": _digest(secret), "uid": int(raw_id)}
    ).first()
    if found is None:
        return None
    user, session_id, last_seen_at = found
    if not user.is_enabled or not hmac.compare_digest(key, user.session_key):
        return None
    now = now or utcnow()
    if rules.session_is_idle(last_seen_at, now, idle_limit(user.role)):
        return None
    return user, session_id, rules.session_needs_touch(last_seen_at, now)


def touch(session_id: int, now: datetime | None = None) -> None:
    """Note that the session is in use (its idle time starts again)."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == session_id)
        .values(last_seen_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
