"""Use cases for workshops and sessions: create, list, look up, and the workshop's overview."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.authz import get_of_site, require_site, visible_site_ids
from atelier.db import utcnow
from atelier.enums import WorkshopKind
from atelier.errors import Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.org.services import programme_by_code, site_by_code
from atelier.people.models import Beneficiary
from atelier.people.rules import normal_code
from atelier.timeutil import local_date
from atelier.workshops import rules
from atelier.workshops.models import (
    Attendance,
    Workshop,
    WorkshopSession,
    workshop_participants,
)


def site_today(site: Site) -> date:
    """Today's calendar day at a site."""
    return local_date(utcnow(), site.timezone)


def _people_by_code(codes: list[str], site: Site, field: str) -> list[Beneficiary]:
    """The people with these maker codes, all of ``site``; else a 400 naming the others."""
    codes = [normal_code(code) for code in codes]
    found = (
        {
            b.maker_code: b
            for b in db.session.scalars(
                sa.select(Beneficiary).where(Beneficiary.maker_code.in_(codes))
            )
        }
        if codes
        else {}
    )
    errors = {}
    for i, code in enumerate(codes):
        person = found.get(code)
        if person is None or person.site_id != site.id:
            errors[f"{field}.{i}"] = rules.not_of_site(code)
        elif person.is_exited:
            errors[f"{field}.{i}"] = f"{code} has left the programme"
    if errors:
        bad = ", ".join(codes[int(k.rsplit(".", 1)[1])] for k in errors)
        raise Invalid(_("These people cannot join: %(codes)s", codes=bad), errors)
    return [found[c] for c in dict.fromkeys(codes)]


def create_workshop(
    title: str,
    kind: str,
    site: Site | str,
    programme: Programme | str,
    stipend_per_hour_cents: int = 0,
    participants: list[str] | None = None,
    *,
    actor,
    default_hours: str | None = None,
) -> Workshop:
    """A new workshop at a site the actor works at, with participants of that site, and
    (optionally) the usual length of its sessions."""
    site = site_by_code(site) if isinstance(site, str) else site
    programme = programme_by_code(programme) if isinstance(programme, str) else programme
    require_site(actor, site.id)
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "required"
    elif len(title) > 120:
        errors["title"] = "at most 120 characters"
    if kind not in WorkshopKind.values():
        errors["kind"] = f"one of {', '.join(WorkshopKind.values())}"
    if site.kind != "atelier":
        errors["site"] = "workshops take place at an atelier site"
    if not isinstance(stipend_per_hour_cents, int) or stipend_per_hour_cents < 0:
        errors["stipend_per_hour_cents"] = "a whole number of cents, 0 or more"
    default_centihours = None
    if default_hours not in (None, ""):
        try:
            default_centihours = rules.parse_hours(default_hours)
        except rules.RuleError as exc:
            errors["default_hours"] = str(exc)
    if errors:
        raise Invalid(_("The workshop could not be saved."), errors)
    people = _people_by_code(list(participants or []), site, "participants")
    workshop = Workshop(
        title=title,
        kind=kind,
        site=site,
        programme=programme,
        stipend_per_hour_cents=stipend_per_hour_cents,
        default_centihours=default_centihours,
        participants=people,
    )
    db.session.add(workshop)
    db.session.flush()
    audit.record(
        "workshops.create",
        workshop,
        user=actor,
        site=site.code,
        participants=[p.maker_code for p in people],
    )
    return workshop


def get_workshop(user, workshop_id: int) -> Workshop:
    """A workshop of the user's sites, or NotFound / Forbidden."""
    return get_of_site(user, Workshop, workshop_id, _("No such workshop."))


def add_participants(user, workshop_id: int, codes: list[str]) -> Workshop:
    """Add people of the workshop's site to it (those already in are left as they are)."""
    workshop = get_workshop(user, workshop_id)
    people = _people_by_code(codes, workshop.site, "participants")
    known = {p.id for p in workshop.participants}
    added = [p for p in people if p.id not in known]
    workshop.participants.extend(added)
    db.session.flush()
    audit.record("workshops.participants", workshop, user=user, added=[p.maker_code for p in added])
    return workshop


def remove_participant(user, workshop_id: int, beneficiary_id: int) -> Workshop:
    """Take someone off a workshop's list; her past attendance stays."""
    workshop = get_workshop(user, workshop_id)
    gone = [p for p in workshop.participants if p.id == beneficiary_id]
    if not gone:
        raise NotFound(_("This person is not in the workshop."))
    workshop.participants.remove(gone[0])
    db.session.flush()
    audit.record("workshops.participants", workshop, user=user, removed=[gone[0].maker_code])
    return workshop


@dataclass
class WorkshopCard:
    """A workshop in the list, with its session count and today's session if any."""

    workshop: Workshop
    sessions: int
    last_on: date | None
    today_session_id: int | None


def list_workshops(user) -> list[WorkshopCard]:
    """The workshops of the user's sites, newest first; a fixed number of queries."""
    query = sa.select(Workshop).order_by(Workshop.created_at.desc(), Workshop.id.desc())
    allowed = visible_site_ids(user)
    if allowed is not None:
        query = query.where(Workshop.site_id.in_(allowed or {-1}))
    workshops = list(db.session.scalars(query))
    ids = [w.id for w in workshops] or [-1]
    stats = {
        wid: (n, last)
        for wid, n, last in db.session.execute(
            sa.select(
                WorkshopSession.workshop_id, sa.func.count(), sa.func.max(WorkshopSession.held_on)
            )
            .where(WorkshopSession.workshop_id.in_(ids))
            .group_by(WorkshopSession.workshop_id)
        )
    }
    now_day = local_date(utcnow(), "UTC")
    near = db.session.execute(
        sa.select(WorkshopSession.id, WorkshopSession.workshop_id, WorkshopSession.held_on)
        .where(
            WorkshopSession.workshop_id.in_(ids),
            WorkshopSession.held_on.between(
                now_day - timedelta(days=1), now_day + timedelta(days=1)
            ),
        )
        .order_by(WorkshopSession.id)
    ).all()
    cards = []
    for w in workshops:
        today = site_today(w.site)
        todays = [sid for sid, wid, day in near if wid == w.id and day == today]
        n, last = stats.get(w.id, (0, None))
        cards.append(WorkshopCard(w, n, last, todays[0] if todays else None))
    return cards


@dataclass
class PersonRow:
    """One participant on the workshop page."""

    person: Beneficiary
    tally: rules.Tally
    rate: int | None
    centihours_present: int


@dataclass
class SessionRow:
    """One session on the workshop page, with its roll counts."""

    session: WorkshopSession
    tally: rules.Tally


def workshop_overview(user, workshop_id: int) -> tuple[Workshop, list[SessionRow], list[PersonRow]]:
    """The workshop page: sessions with counts, and each person's attendance rate (a staff
    read of people's records: audited)."""
    workshop = get_workshop(user, workshop_id)
    status_sum = [
        sa.func.sum(sa.case((Attendance.status == s, 1), else_=0)) for s in rules.STATUSES
    ]
    sessions = [
        SessionRow(s, rules.Tally(*(int(c or 0) for c in counts)))
        for s, *counts in db.session.execute(
            sa.select(WorkshopSession, *status_sum)
            .outerjoin(Attendance, Attendance.session_id == WorkshopSession.id)
            .where(WorkshopSession.workshop_id == workshop.id)
            .group_by(WorkshopSession.id)
            .order_by(WorkshopSession.held_on.desc(), WorkshopSession.id.desc())
        )
    ]
    per_person: dict[int, dict[str, int]] = {}
    hours: dict[int, int] = {}
    for pid, status, n, centi in db.session.execute(
        sa.select(
            Attendance.beneficiary_id,
            Attendance.status,
            sa.func.count(),
            sa.func.sum(WorkshopSession.centihours),
        )
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .where(WorkshopSession.workshop_id == workshop.id)
        .group_by(Attendance.beneficiary_id, Attendance.status)
    ):
        per_person.setdefault(pid, {})[status] = n
        if status == "present":
            hours[pid] = int(centi or 0)
    people = []
    for person in workshop.participants:
        t = rules.Tally(**per_person.get(person.id, {}))
        people.append(PersonRow(person, t, rules.attendance_rate(t), hours.get(person.id, 0)))
    audit.record("workshops.view", workshop, user=user, people=len(people))
    return workshop, sessions, people


def site_people_not_in(workshop: Workshop) -> list[Beneficiary]:
    """Active people of the workshop's site who are not in it yet (to add them)."""
    known = {p.id for p in workshop.participants}
    return [
        p
        for p in db.session.scalars(
            sa.select(Beneficiary)
            .where(Beneficiary.site_id == workshop.site_id, Beneficiary.is_exited.is_(False))
            .order_by(Beneficiary.display_name)
        )
        if p.id not in known
    ]


def participant_ids(workshop_id: int) -> set[int]:
    """Ids of a workshop's participants, without loading them."""
    return set(
        db.session.scalars(
            sa.select(workshop_participants.c.beneficiary_id).where(
                workshop_participants.c.workshop_id == workshop_id
            )
        )
    )
