"""Sessions of a workshop: a new one takes the hours that really happen, and the roll-call
can correct them before saving (training pay and funders' hours follow them)."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.errors import Invalid
from atelier.extensions import db
from atelier.workshops import rules
from atelier.workshops.attendance import load_session
from atelier.workshops.models import Workshop, WorkshopSession
from atelier.workshops.services import get_workshop, site_today


def usual_centihours(workshop: Workshop) -> int | None:
    """The hours a new session of the workshop takes: its usual length, else the length of
    its latest session, else None (the supervisor says; never a made-up constant)."""
    latest = None
    if workshop.default_centihours is None:
        latest = db.session.scalar(
            sa.select(WorkshopSession.centihours)
            .where(WorkshopSession.workshop_id == workshop.id)
            .order_by(WorkshopSession.held_on.desc(), WorkshopSession.id.desc())
            .limit(1)
        )
    return rules.session_centihours(workshop.default_centihours, latest)


def _parsed(hours: str, refusal: str, field: str) -> int:
    """Hours typed as centihours; else 400 with ``refusal``, naming ``field``."""
    try:
        return rules.parse_hours(hours)
    except rules.RuleError as exc:
        raise Invalid(refusal, {field: str(exc)}) from None


def _shown(centihours: int | None) -> str | None:
    return None if centihours is None else rules.format_hours(centihours)


def _change_hours(user, action: str, entity, attribute: str, centihours, **details) -> None:
    """Set ``entity.<attribute>`` to ``centihours``, audited with the hours before and
    after; nothing (and no audit entry) when it is unchanged."""
    before = getattr(entity, attribute)
    if centihours == before:
        return
    setattr(entity, attribute, centihours)
    db.session.flush()
    audit.record(
        action, entity, user=user, **details, before=_shown(before), hours=_shown(centihours)
    )


def set_usual_hours(user, workshop_id: int, hours: str | None) -> Workshop:
    """Set (or, blank, clear) the usual length of a workshop's sessions; 400 naming
    ``default_hours``."""
    workshop = get_workshop(user, workshop_id)
    centihours = None
    if hours not in (None, ""):
        centihours = _parsed(hours, _("The workshop could not be saved."), "default_hours")
    _change_hours(user, "workshops.usual_hours", workshop, "default_centihours", centihours)
    return workshop


def create_session(user, workshop_id: int, held_on: date, hours: str | None) -> WorkshopSession:
    """A new session of a workshop: not far in the future, 0 < hours ≤ 12. Without hours,
    the workshop's usual length or its latest session's; else 400 naming ``hours``."""
    workshop = get_workshop(user, workshop_id)
    errors: dict[str, str] = {}
    centihours = None
    if hours is None:
        centihours = usual_centihours(workshop)
        if centihours is None:
            errors["hours"] = _("Say how long the session is: this workshop has no usual length.")
    else:
        try:
            centihours = rules.parse_hours(hours)
        except rules.RuleError as exc:
            errors["hours"] = str(exc)
    problem = rules.session_date_problem(held_on, site_today(workshop.site))
    if problem:
        errors["date"] = problem
    if errors:
        raise Invalid(_("The session could not be saved."), errors)
    session = WorkshopSession(workshop=workshop, held_on=held_on, centihours=centihours)
    db.session.add(session)
    db.session.flush()
    audit.record(
        "workshops.session_create",
        session,
        user=user,
        workshop=workshop.id,
        held_on=held_on,
        hours=rules.format_hours(centihours),
    )
    return session


def set_session_hours(user, session_id: int, hours: str) -> WorkshopSession:
    """Set how long a session really was (from the roll-call); 400 naming ``hours``."""
    session = load_session(user, session_id)
    centihours = _parsed(hours, _("The session could not be saved."), "hours")
    _change_hours(
        user,
        "workshops.session_hours",
        session,
        "centihours",
        centihours,
        workshop=session.workshop_id,
    )
    return session
