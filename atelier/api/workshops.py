"""API calls for workshops, sessions and attendance (see API.md)."""

import datetime

from flask import jsonify
from flask_login import current_user
from pydantic import AliasPath, Field, field_validator

from atelier.api.core import Body, Out, api_route, parse, sized
from atelier.enums import AttendanceStatus, WorkshopKind, literal
from atelier.extensions import db
from atelier.workshops import attendance, rules, services, sessions
from atelier.workshops.models import Workshop

MAX_PEOPLE = 500  # participants of a workshop, records of one roll


class WorkshopRequest(Body):
    """A new workshop."""

    title: str = sized(Workshop.title)
    kind: literal(WorkshopKind)
    site: str
    programme: str
    stipend_per_hour_cents: int = 0
    participants: list[str] = Field([], max_length=MAX_PEOPLE)
    #: the usual length of a session, a decimal string such as "2.5"
    default_hours: str | None = None


class SessionRequest(Body):
    """A new session: a date and hours as a decimal string (without them, the workshop's
    usual length, else its latest session's, else 400 naming ``hours``)."""

    date: datetime.date
    hours: str | None = None


class AttendanceRecord(Body):
    """One person's status."""

    beneficiary: str
    status: literal(AttendanceStatus)


class AttendanceRequest(Body):
    """The roll, or part of it."""

    records: list[AttendanceRecord] = Field(max_length=MAX_PEOPLE)


class WorkshopOut(Out):
    """A workshop as the API shows it (``default_hours``: a decimal string, or null)."""

    id: int
    title: str
    kind: str
    site: str = Field(validation_alias=AliasPath("site", "code"))
    programme: str = Field(validation_alias=AliasPath("programme", "code"))
    stipend_per_hour_cents: int
    default_hours: str | None = Field(validation_alias="default_centihours")
    participants: list[str]

    @field_validator("default_hours", mode="before")
    @classmethod
    def _hours(cls, centihours):
        return None if centihours is None else rules.format_hours(centihours)

    @field_validator("participants", mode="before")
    @classmethod
    def _maker_codes(cls, people):
        return [p.maker_code for p in people]


class SessionOut(Out):
    """A session: its date and hours (a decimal string)."""

    id: int
    workshop: int = Field(validation_alias="workshop_id")
    date: datetime.date = Field(validation_alias="held_on")
    hours: str = Field(validation_alias="centihours")

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, centihours):
        return rules.format_hours(centihours)


class RollCounts(Out):
    """How many are present, absent, excused."""

    present: int
    absent: int
    excused: int


class AttendanceOut(Out):
    """The session's counts after the roll, and the records taken."""

    session: int
    counts: RollCounts
    records: list[AttendanceRecord]


@api_route(
    "/workshops",
    "POST",
    "Create a workshop.",
    body=WorkshopRequest,
    roles=("supervisor",),
    response=WorkshopOut,
    status=201,
    errors=(404,),
)
def create_workshop():
    """201 with the workshop."""
    data = parse(WorkshopRequest)
    workshop = services.create_workshop(
        data.title,
        data.kind,
        data.site,
        data.programme,
        data.stipend_per_hour_cents,
        data.participants,
        actor=current_user,
        default_hours=data.default_hours,
    )
    db.session.commit()
    return jsonify(WorkshopOut.of(workshop)), 201


@api_route(
    "/workshops/<int:workshop_id>/sessions",
    "POST",
    "Add a session (0 < hours ≤ 12).",
    body=SessionRequest,
    roles=("supervisor",),
    response=SessionOut,
    status=201,
)
def create_session(workshop_id: int):
    """201 with the session."""
    workshop = services.get_workshop(current_user, workshop_id)  # noqa: F841 (403/404 first)
    data = parse(SessionRequest)
    session = sessions.create_session(current_user, workshop_id, data.date, data.hours)
    db.session.commit()
    return jsonify(SessionOut.of(session)), 201


@api_route(
    "/sessions/<int:session_id>/attendance",
    "PUT",
    "Set the roll for the people listed (repeatable).",
    body=AttendanceRequest,
    roles=("supervisor",),
    response=AttendanceOut,
    errors=(409,),
)
def put_attendance(session_id: int):
    """200 with the session's counts."""
    # 403/404 before any validation; the reference keeps it in the (weak) identity map
    session = attendance.load_session(current_user, session_id)  # noqa: F841
    data = parse(AttendanceRequest)
    records = [(r.beneficiary, r.status) for r in data.records]
    counts = attendance.set_attendance(current_user, session_id, records)
    db.session.commit()
    marked = [{"beneficiary": c, "status": s} for c, s in records]
    return jsonify(AttendanceOut.of({"session": session_id, "counts": counts, "records": marked}))
