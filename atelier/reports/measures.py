"""The records behind measure rows: attendance of a year grouped once, for every row at once.

Two queries whatever the layout or the data: people present per workshop group (kind, site,
programme) with their hours, and sessions with someone present per group. Each row and part
is then counted from these in Python (:func:`atelier.reports.rules.measure_value`).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from atelier.extensions import db
from atelier.indicators import rules as indicator_rules
from atelier.workshops.models import Attendance, Workshop, WorkshopSession


@dataclass
class Grouped:
    """A year's attendance, grouped: see :func:`atelier.reports.rules.measure_value`."""

    people: list[tuple]
    sessions: list[tuple]


def present_in(year: int, site_ids):
    """Conditions: present at a session held in the year, at a visible site."""
    first, nxt = indicator_rules.year_bounds(year)
    where = [
        Attendance.status == "present",
        WorkshopSession.held_on >= first,
        WorkshopSession.held_on < nxt,
    ]
    if site_ids is not None:
        where.append(Workshop.site_id.in_(sorted(site_ids) or [-1]))
    return where


def grouped(year: int, site_ids) -> Grouped:
    """The year's attendance grouped by workshop kind, site, programme (and person)."""
    group = (Workshop.kind, Workshop.site_id, Workshop.programme_id)
    people = db.session.execute(
        sa.select(*group, Attendance.beneficiary_id, sa.func.sum(WorkshopSession.centihours))
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .where(*present_in(year, site_ids))
        .group_by(*group, Attendance.beneficiary_id)
    ).all()
    sessions = db.session.execute(
        sa.select(*group, sa.func.count(sa.distinct(WorkshopSession.id)))
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .where(*present_in(year, site_ids))
        .group_by(*group)
    ).all()
    return Grouped([tuple(r) for r in people], [tuple(r) for r in sessions])
