"""Use cases for sites and programmes."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.audit import AuditEntry
from atelier.auth.models import User
from atelier.auth.rules import SITE_KINDS_FOR_ROLE
from atelier.auth.services import get_user
from atelier.enums import SiteKind
from atelier.errors import Conflict, Invalid
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.text import bidi_problem
from atelier.timeutil import zone

CODE_PATTERN = re.compile(r"^[A-Z0-9]{2,16}$")


def _check_code(code: str, errors: dict) -> None:
    """Codes are 2–16 upper-case letters or digits: they appear in item codes."""
    if not CODE_PATTERN.match(code or ""):
        errors["code"] = "2–16 capital letters or digits"


def create_site(code, name, kind, currency, timezone, city="", *, actor=None) -> Site:
    """Create a site; its code must be new."""
    errors: dict[str, str] = {}
    _check_code(code, errors)
    if not (name or "").strip():
        errors["name"] = "required"
    elif problem := bidi_problem(name):
        errors["name"] = problem
    if problem := bidi_problem(city):
        errors["city"] = problem
    if kind not in SiteKind.values():
        errors["kind"] = f"must be one of {', '.join(SiteKind.values())}"
    if not re.fullmatch(r"[A-Z]{3}", currency or ""):
        errors["currency"] = "an ISO 4217 code such as EUR"
    try:
        zone(timezone or "")
    except ValueError:
        errors["timezone"] = "an IANA timezone such as Europe/Bucharest"
    if errors:
        raise Invalid(_("The site could not be created."), errors)
    if db.session.scalar(sa.select(Site.id).where(Site.code == code)):
        raise Conflict(_("A site with that code exists."), {"code": "taken"})
    site = Site(
        code=code,
        name=name.strip(),
        kind=kind,
        currency=currency,
        timezone=timezone,
        city=(city or "").strip(),
    )
    db.session.add(site)
    db.session.flush()
    audit.record("sites.create", site, user=actor, code=code)
    return site


def create_programme(code, name, *, actor=None) -> Programme:
    """Create a programme; its code must be new."""
    errors: dict[str, str] = {}
    _check_code(code, errors)
    if not (name or "").strip():
        errors["name"] = "required"
    elif problem := bidi_problem(name):
        errors["name"] = problem
    if errors:
        raise Invalid(_("The programme could not be created."), errors)
    if db.session.scalar(sa.select(Programme.id).where(Programme.code == code)):
        raise Conflict(_("A programme with that code exists."), {"code": "taken"})
    programme = Programme(code=code, name=name.strip())
    db.session.add(programme)
    db.session.flush()
    audit.record("programmes.create", programme, user=actor, code=code)
    return programme


def site_by_code(code: str, field: str = "site") -> Site:
    """The site with this code (any letter case), or a 400 naming the field."""
    site = db.session.scalar(sa.select(Site).where(Site.code == (code or "").upper()))
    if site is None:
        raise Invalid(_("Unknown site: %(code)s", code=code), {field: f"unknown site {code}"})
    return site


def programme_by_code(code: str, field: str = "programme") -> Programme:
    """The programme with this code, or a 400 naming the field."""
    programme = db.session.scalar(sa.select(Programme).where(Programme.code == code))
    if programme is None:
        raise Invalid(
            _("Unknown programme: %(code)s", code=code), {field: f"unknown programme {code}"}
        )
    return programme


def list_sites() -> list[Site]:
    """All sites, by code."""
    return list(db.session.scalars(sa.select(Site).order_by(Site.code)))


def list_programmes() -> list[Programme]:
    """All programmes, by code."""
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.code)))


def list_users():
    """Every account, by role then username (their sites load with them)."""
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.username)))


def read_account(user_id: int, actor):
    """An account for the coordinator's account page; the read goes into the audit log (a
    maker's account leads to her)."""
    user = get_user(user_id)
    audit.record("users.view", user, user=actor)
    return user


def sites_for_role(role: str) -> list[Site]:
    """The sites an account of this role may work at, by code (none for admin, maker)."""
    kinds = SITE_KINDS_FOR_ROLE.get(role)
    if not kinds:
        return []
    return list(
        db.session.scalars(sa.select(Site).where(Site.kind.in_(sorted(kinds))).order_by(Site.code))
    )


def audit_page(page: int, size: int) -> list:
    """One page of the audit log, newest first: (entry, username or None) rows."""
    return db.session.execute(
        sa.select(AuditEntry, User.username)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.id.desc())
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    ).all()
