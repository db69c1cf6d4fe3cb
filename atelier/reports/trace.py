"""Follow a measure row's number to what it counts: the people present (with their sessions
and hours) or the sessions held (with how many were there). One query per trace."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier.errors import NotFound
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.reports import layouts, rules
from atelier.reports.measures import present_in
from atelier.reports.models import ReportPart, ReportRow
from atelier.workshops.models import Attendance, Workshop, WorkshopSession


@dataclass(frozen=True)
class Person:
    """Someone a participants or hours figure counts (display name and maker code only)."""

    name: str
    code: str
    programme: str
    sessions: int
    centihours: int


@dataclass(frozen=True)
class Session:
    """A session a sessions figure counts."""

    held_on: date
    workshop: str
    site: str
    programme: str
    present: int


def find(year: int, row_key: str, part_key: str | None) -> tuple[ReportRow, ReportPart | None]:
    """The row (and part) of the year's layout, 404 unless it exists and is computed."""
    row = next((r for r in layouts.rows_of(layouts.layout_for(year)) if r.key == row_key), None)
    if row is None or row.source == rules.MANUAL:
        raise NotFound(_("No such computed row in this year's report."))
    part = None
    if part_key:
        part = next((p for p in row.parts if p.key == part_key), None)
        if part is None:
            raise NotFound(_("No such part of this row."))
    return row, part


def scope_of(row: ReportRow, part: ReportPart | None) -> rules.Scope:
    """The workshop filters a measure row (or its part) counts over."""
    scope = rules.Scope(row.workshop_kind, row.site_id, row.programme_id)
    return scope.narrowed(part.site_id, part.programme_id) if part else scope


def _filters(scope: rules.Scope, year: int, site_ids) -> list:
    """Conditions for attendance counted in a scope."""
    where = present_in(year, site_ids)
    if scope.empty:
        where.append(sa.false())
    for column, value in (
        (Workshop.kind, scope.kind),
        (Workshop.site_id, scope.site_id),
        (Workshop.programme_id, scope.programme_id),
    ):
        if value is not None:
            where.append(column == value)
    return where


def people(scope: rules.Scope, year: int, site_ids) -> list[Person]:
    """Everyone present in the scope, with her sessions and hours present."""
    query = (
        sa.select(
            Beneficiary.display_name,
            Beneficiary.maker_code,
            Programme.code,
            sa.func.count(sa.distinct(WorkshopSession.id)),
            sa.func.sum(WorkshopSession.centihours),
        )
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .join(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .join(Programme, Programme.id == Beneficiary.programme_id)
        .where(*_filters(scope, year, site_ids))
        .group_by(Beneficiary.id, Beneficiary.display_name, Beneficiary.maker_code, Programme.code)
        .order_by(Beneficiary.display_name, Beneficiary.maker_code)
    )
    return [Person(n, c, p, int(s), int(h or 0)) for n, c, p, s, h in db.session.execute(query)]


def sessions(scope: rules.Scope, year: int, site_ids) -> list[Session]:
    """Every session held in the scope with someone present, with how many were."""
    query = (
        sa.select(
            WorkshopSession.held_on,
            Workshop.title,
            Site.code,
            Programme.code,
            sa.func.count(sa.distinct(Attendance.beneficiary_id)),
        )
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .join(Site, Site.id == Workshop.site_id)
        .join(Programme, Programme.id == Workshop.programme_id)
        .where(*_filters(scope, year, site_ids))
        .group_by(
            WorkshopSession.id, WorkshopSession.held_on, Workshop.title, Site.code, Programme.code
        )
        .order_by(WorkshopSession.held_on, Workshop.title)
    )
    return [Session(d, t, s, p, int(n)) for d, t, s, p, n in db.session.execute(query)]
