"""Use cases for the roll: load a session's roll, save it, and a maker's own training record.

Loading and saving run a fixed number of SQL queries whatever the number of people.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from atelier import audit
from atelier.authz import get_of_site
from atelier.db import utcnow
from atelier.errors import Conflict, Invalid
from atelier.extensions import db
from atelier.people.models import Beneficiary
from atelier.people.rules import normal_code
from atelier.workshops import rules
from atelier.workshops.models import Attendance, Workshop, WorkshopSession, workshop_participants
from atelier.workshops.services import participant_ids, site_today


class RollTooEarly(Conflict):
    """The session has not happened yet."""

    code = "session_in_future"


def load_session(user, session_id: int) -> WorkshopSession:
    """A session (with its workshop and site, one query) of the user's sites."""
    return get_of_site(
        user,
        WorkshopSession,
        session_id,
        _("No such session."),
        site_of=lambda session: session.workshop.site_id,
    )


@dataclass
class Roll:
    """What the roll-call screen shows."""

    session: WorkshopSession
    #: (person, status or None) for the people on the roll, by name
    entries: list[tuple[Beneficiary, str | None]] = field(default_factory=list)
    #: active people of the site not on the roll yet (the quick-add list)
    others: list[Beneficiary] = field(default_factory=list)
    can_take: bool = True

    @property
    def counts(self) -> dict[str, int]:
        """present / absent / excused / unmarked counts."""
        return rules.roll_summary(status for _, status in self.entries)


def roll_for(user, session_id: int) -> Roll:
    """The roll of a session: participants and anyone recorded, plus the site's others (a
    staff read of people's attendance: audited)."""
    session = load_session(user, session_id)
    workshop = session.workshop
    att = aliased(Attendance)
    member = workshop_participants.alias()
    rows = db.session.execute(
        sa.select(Beneficiary, att.status, member.c.workshop_id)
        .outerjoin(att, sa.and_(att.beneficiary_id == Beneficiary.id, att.session_id == session.id))
        .outerjoin(
            member,
            sa.and_(member.c.beneficiary_id == Beneficiary.id, member.c.workshop_id == workshop.id),
        )
        .where(
            sa.or_(
                Beneficiary.site_id == workshop.site_id,
                att.id.is_not(None),
                member.c.workshop_id.is_not(None),
            )
        )
        .order_by(Beneficiary.display_name, Beneficiary.id)
    ).all()
    roll = Roll(session, can_take=rules.can_take_roll(session.held_on, site_today(workshop.site)))
    for person, status, in_workshop in rows:
        if status is not None or (in_workshop is not None and not person.is_exited):
            roll.entries.append((person, status))
        elif not person.is_exited and person.site_id == workshop.site_id:
            roll.others.append(person)
    audit.record(
        "workshops.roll_view", session, user=user, workshop=workshop.id, people=len(roll.entries)
    )
    return roll


def _check_records(records: list[tuple[str, str]]) -> None:
    """Statuses must be known and nobody listed twice (400 naming the place)."""
    errors, seen = {}, set()
    for i, (code, status) in enumerate(records):
        if status not in rules.STATUSES:
            errors[f"records.{i}.status"] = f"one of {', '.join(rules.STATUSES)}"
        if code in seen:
            errors[f"records.{i}.beneficiary"] = f"{code} is listed twice"
        seen.add(code)
    if errors:
        raise Invalid(_("The roll could not be saved."), errors)


def set_attendance(user, session_id: int, records: list[tuple[str, str]]) -> dict[str, int]:
    """Set the roll for the people listed (maker code, status); returns the session's counts.

    Someone of the workshop's site who is not a participant yet becomes one; an unknown
    code or someone of another site is refused, naming them, and nothing is written.
    """
    session = load_session(user, session_id)
    workshop = session.workshop
    if not rules.can_take_roll(session.held_on, site_today(workshop.site)):
        raise RollTooEarly(_("This session has not happened yet."), {"session": "in the future"})
    records = [(normal_code(code), status) for code, status in records]
    _check_records(records)
    codes = [code for code, _status in records]
    people = (
        {
            b.maker_code: b
            for b in db.session.scalars(
                sa.select(Beneficiary).where(Beneficiary.maker_code.in_(codes))
            )
        }
        if codes
        else {}
    )
    members = participant_ids(workshop.id)
    existing = (
        {
            a.beneficiary_id: a
            for a in db.session.scalars(
                sa.select(Attendance).where(
                    Attendance.session_id == session.id,
                    Attendance.beneficiary_id.in_([p.id for p in people.values()]),
                )
            )
        }
        if people
        else {}
    )
    errors = {}
    for i, code in enumerate(codes):
        person = people.get(code)
        if person is None or (person.site_id != workshop.site_id and person.id not in members):
            errors[f"records.{i}.beneficiary"] = rules.not_of_site(code)
        elif person.is_exited and person.id not in members and person.id not in existing:
            errors[f"records.{i}.beneficiary"] = f"{code} has left the programme"
    if errors:
        bad = ", ".join(codes[int(k.split(".")[1])] for k in errors)
        raise Invalid(_("These people cannot be on this roll: %(codes)s", codes=bad), errors)
    try:
        _write(session, workshop, [(people[c], s) for c, s in records], members, existing, user)
    except IntegrityError:  # the same roll saved from another device at the same moment
        db.session.rollback()
        raise Conflict(
            _("Someone saved this roll at the same moment. Save again to keep your marks.")
        ) from None
    return roll_counts(session.id)


def _write(session, workshop: Workshop, marks, members: set[int], existing: dict, user) -> None:
    """Insert or update the marks in bulk: one statement per kind of change."""
    now = utcnow()
    joiners = [
        {"workshop_id": workshop.id, "beneficiary_id": p.id}
        for p, _s in marks
        if p.id not in members
    ]
    updates = [
        {"id": existing[p.id].id, "status": s, "recorded_at": now, "recorded_by_id": user.id}
        for p, s in marks
        if p.id in existing and existing[p.id].status != s
    ]
    inserts = [
        {
            "session_id": session.id,
            "beneficiary_id": p.id,
            "status": s,
            "recorded_at": now,
            "recorded_by_id": user.id,
        }
        for p, s in marks
        if p.id not in existing
    ]
    if joiners:
        db.session.execute(sa.insert(workshop_participants), joiners)
        db.session.expire(workshop, ["participants"])
    if updates:
        db.session.execute(sa.update(Attendance), updates)
    if inserts:
        db.session.execute(sa.insert(Attendance), inserts)
    audit.record(
        "workshops.roll",
        session,
        user=user,
        workshop=workshop.id,
        changed=len(updates) + len(inserts),
        joined=[p.maker_code for p, _s in marks if p.id not in members],
    )
    db.session.flush()


def roll_counts(session_id: int) -> dict[str, int]:
    """present / absent / excused counts of a session (one query)."""
    counts = dict.fromkeys(rules.STATUSES, 0)
    for status, n in db.session.execute(
        sa.select(Attendance.status, sa.func.count())
        .where(Attendance.session_id == session_id)
        .group_by(Attendance.status)
    ):
        counts[status] = n
    return counts


@dataclass
class TrainingRecord:
    """A maker's own training: each session with her status, and her hours present."""

    rows: list[tuple[WorkshopSession, str]]
    centihours_present: int
    tally: rules.Tally


def my_training(beneficiary_id: int) -> TrainingRecord:
    """Her sessions, newest first, and her hours present (one query)."""
    rows = [
        (s, status)
        for s, status in db.session.execute(
            sa.select(WorkshopSession, Attendance.status)
            .join(Attendance, Attendance.session_id == WorkshopSession.id)
            .where(Attendance.beneficiary_id == beneficiary_id)
            .order_by(WorkshopSession.held_on.desc(), WorkshopSession.id.desc())
        )
    ]
    centi = rules.hours_present((s.centihours, status) for s, status in rows)
    return TrainingRecord(rows, centi, rules.tally(status for _s, status in rows))
