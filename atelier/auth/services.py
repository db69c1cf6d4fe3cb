"""Use cases for accounts: create users, authenticate, issue and revoke tokens."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from atelier import audit
from atelier.auth import rules, sessions
from atelier.auth.bearer import BearerUser, caller_for_digest
from atelier.auth.models import ApiToken, User
from atelier.auth.passwords import burn_time, hash_password, verify_password
from atelier.db import utcnow
from atelier.enums import Role
from atelier.errors import Conflict, Invalid, NotAuthenticated, NotFound
from atelier.extensions import db
from atelier.org.models import Site
from atelier.people.models import Beneficiary
from atelier.people.rules import normal_code
from atelier.text import bidi_problem

MIN_PASSWORD_LENGTH = rules.MIN_PASSWORD_LENGTH


def password_problem(password: str | None, user_inputs: list[str]) -> str | None:
    """Why a new password is refused, in the user's language, with zxcvbn's advice (its
    sentences are in the catalogues), or None."""
    found = rules.password_problem(password, user_inputs)
    if found is None:
        return None
    kind, advice = found
    if kind == "short":
        return _("at least %(count)d characters", count=MIN_PASSWORD_LENGTH)
    return " ".join([_("too easy to guess."), *(_(sentence) for sentence in advice)])


class BadCredentials(NotAuthenticated):
    """Unknown user or wrong password: one message for both."""

    code = "bad_credentials"


def create_user(
    username: str,
    password: str,
    role: str,
    site_codes: list[str] | None = None,
    maker_code: str | None = None,
    *,
    actor=None,
) -> User:
    """Create an account. Supervisors and shop staff need sites; a beneficiary needs a maker."""
    username = (username or "").strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "required"
    elif problem := bidi_problem(username):
        errors["username"] = problem
    if role not in Role.values():
        errors["role"] = f"must be one of {', '.join(Role.values())}"
    if problem := password_problem(password, [username]):
        errors["password"] = problem
    site_codes = site_codes or []
    sites = _sites_for(role, site_codes, errors) if rules.has_sites(role) else []
    beneficiary = None
    if role == "beneficiary":
        beneficiary = db.session.scalar(
            sa.select(Beneficiary).where(Beneficiary.maker_code == normal_code(maker_code))
        )
        if beneficiary is None:
            errors["beneficiary"] = (
                f"unknown maker code: {maker_code}" if maker_code else "a maker code is required"
            )
    elif maker_code:
        errors["beneficiary"] = "only a beneficiary account belongs to a maker"
    if errors:
        raise Invalid(_("The account could not be created."), errors)
    taken = sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    if db.session.scalar(taken):
        raise Conflict(_("That username is taken."), {"username": "taken"})
    if beneficiary is not None and db.session.scalar(
        sa.select(User.id).where(User.beneficiary_id == beneficiary.id)
    ):
        raise Conflict(_("That maker already has an account."), {"beneficiary": "has an account"})
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        sites=sites,
        beneficiary=beneficiary,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("users.create", user, user=actor, role=role, sites=sorted(site_codes))
    return user


def _sites_for(role: str, site_codes: list[str], errors: dict) -> list[Site]:
    """The sites with these codes if a ``role`` account may work there; else the reason goes
    into ``errors["sites"]`` (unknown codes, none at all, or the wrong kind of site)."""
    sites = list(db.session.scalars(sa.select(Site).where(Site.code.in_(site_codes))))
    unknown = sorted(set(site_codes) - {s.code for s in sites})
    problem = (
        f"unknown site: {', '.join(unknown)}"
        if unknown
        else rules.sites_problem(role, [(s.code, s.kind) for s in sites])
    )
    if problem:
        errors["sites"] = problem
    return sites


def authenticate(username: str, password: str) -> User:
    """The user with this username and password, or BadCredentials (same for both causes)."""
    user = db.session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == (username or "").strip().lower())
    )
    if user is None:
        burn_time(password or "")
        audit.record("auth.sign_in_failed", entity_type="users", username=username)
        raise BadCredentials(_("Unknown username or wrong password."))
    if not verify_password(user.password_hash, password or "") or not user.is_enabled:
        audit.record("auth.sign_in_failed", user, user=user)
        raise BadCredentials(_("Unknown username or wrong password."))
    user.last_login_at = utcnow()
    audit.record("auth.sign_in", user, user=user)
    return user


def _digest(token: str) -> str:
    """SHA-256 of a token: tokens are random, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token for the user; returns the secret (shown once) and its record."""
    secret = secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    token = ApiToken(user=user, token_hash=_digest(secret), expires_at=utcnow() + ttl)
    db.session.add(token)
    db.session.flush()
    return secret, token


@cache
def _token_query():
    """The enabled user behind a live token, with her sites, and the token's id, in one
    query (built once per process: every API call runs it; loading the user alone, not the
    token as well, halves the ORM's work)."""
    return (
        sa.select(User, ApiToken.id)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == sa.bindparam("digest"),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > sa.bindparam("now", type_=ApiToken.expires_at.type),
            User.is_enabled.is_(True),
        )
        .options(joinedload(User.sites))
    )


def user_for_token(secret: str, light: bool = False) -> tuple[User | BearerUser, int] | None:
    """The enabled user behind a live (unexpired, unrevoked) token and the token's id, or
    None. ``light``: the user as a :class:`BearerUser` (rows, not the ORM user), for the
    API's hottest calls."""
    if light:
        return caller_for_digest(_digest(secret), utcnow())
    found = (
        db.session.execute(_token_query(), {"digest": _digest(secret), "now": utcnow()})
        .unique()
        .first()
    )
    return tuple(found) if found else None


def revoke_token(token_id: int) -> None:
    """Revoke a token now."""
    token = db.session.get(ApiToken, token_id)
    token.revoked_at = utcnow()
    audit.record("auth.token_revoked", token, user=token.user)


def maker_locale(beneficiary_id: int) -> str | None:
    """The language a maker chose on her account, if she has one."""
    return db.session.scalar(sa.select(User.locale).where(User.beneficiary_id == beneficiary_id))


def set_locale(user: User, locale: str | None) -> None:
    """Remember the user's language."""
    user.locale = locale


# --- the account lifecycle: the coordinator disables, re-enables, moves and resets ---------
def get_user(user_id: int) -> User:
    """The account with this id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    return user


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of the user now; returns how many there were."""
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def disable_user(user: User, *, actor=None, reason: str = "coordinator") -> User:
    """Sign the person out everywhere and keep her out: tokens revoked, sessions refused
    (the session loader reads ``is_enabled``), and ended for good (a new session epoch: a
    phone signed in before stays signed out when the account is enabled again). Nobody may
    lock herself out."""
    if actor is not None and actor.id == user.id:
        raise Conflict(_("You cannot disable your own account."), {"user": "yourself"})
    was_enabled = user.is_enabled
    user.is_enabled = False
    user.session_epoch = (user.session_epoch or 0) + 1
    revoked = revoke_all_tokens(user)
    sessions.end_all_sessions(user)
    if was_enabled or revoked:
        audit.record("users.disable", user, user=actor, reason=reason, tokens_revoked=revoked)
    return user


def enable_user(user: User, *, actor=None) -> User:
    """Let a disabled person sign in again (not an anonymised maker: she is gone for good)."""
    if user.beneficiary_id is not None and user.beneficiary.anonymised_at is not None:
        raise Conflict(
            _("This maker was anonymised; her account stays disabled."), {"user": "anonymised"}
        )
    if not user.is_enabled:
        user.is_enabled = True
        audit.record("users.enable", user, user=actor)
    return user


def change_sites(user: User, site_codes: list[str], *, actor=None) -> User:
    """Give a supervisor or shop account a new set of sites (same rules as creation)."""
    if not rules.has_sites(user.role):
        raise Invalid(
            _("Only supervisor and shop accounts have sites."), {"sites": "this role has no sites"}
        )
    errors: dict[str, str] = {}
    sites = _sites_for(user.role, list(site_codes or []), errors)
    if errors:
        raise Invalid(_("The sites could not be changed."), errors)
    before = sorted(s.code for s in user.sites)
    user.sites = sites
    after = sorted(s.code for s in sites)
    if before != after:
        audit.record("users.sites", user, user=actor, before=before, after=after)
    return user


def reset_password(user: User, password: str, *, actor=None) -> User:
    """Set a new password chosen by the coordinator; every token of the user stops working
    (whoever held one must sign in again with the new password)."""
    if problem := password_problem(password, [user.username]):
        raise Invalid(_("The password could not be changed."), {"password": problem})
    user.password_hash = hash_password(password)
    revoked = revoke_all_tokens(user)
    sessions.end_all_sessions(user)
    # never the password or its hash
    audit.record("users.password_reset", user, user=actor, tokens_revoked=revoked)
    return user
