"""Demo workshops: four courses with a few months of sessions and realistic rolls up to today."""

import random
from datetime import timedelta

import sqlalchemy as sa

from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.workshops.models import Attendance, Workshop, WorkshopSession
from atelier.workshops.services import site_today

#: title, kind, site, programme, stipend per hour (cents), weekdays (Mon=0), centihours, people
WORKSHOPS = [
    (
        "Sewing basics",
        "vocational",
        "ORA",
        "STEP",
        500,
        (0, 2),
        300,
        ("Elena", "Maria", "Ioana", "Andreea", "Camelia"),
    ),
    (
        "Life skills for teenagers",
        "life_skills",
        "BUC",
        "TEENS",
        0,
        (3,),
        200,
        ("Bianca", "Denisa", "Roxana"),
    ),
    (
        "Parenting circle",
        "parenting",
        "ORA",
        "STEP",
        0,
        (4,),
        150,
        ("Maria", "Camelia", "Andreea", "Olena"),
    ),
    (
        "Sewing for newcomers",
        "vocational",
        "ORA",
        "REFUGEE",
        500,
        (1, 3),
        250,
        ("Iryna", "Kateryna", "Olena"),
    ),
]
WEEKS = 13


def seed() -> None:
    """Add the demo workshops that are missing, with sessions and rolls (idempotent)."""
    rng = random.Random(2026)  # noqa: S311 - demo data is deterministic on purpose
    sites = {s.code: s for s in db.session.scalars(sa.select(Site))}
    programmes = {p.code: p for p in db.session.scalars(sa.select(Programme))}
    people = {
        b.display_name: b
        for b in db.session.scalars(sa.select(Beneficiary).where(Beneficiary.is_exited.is_(False)))
    }
    existing = set(db.session.scalars(sa.select(Workshop.title)))
    for title, kind, site, prog, stipend, weekdays, centi, names in WORKSHOPS:
        if title in existing or site not in sites or prog not in programmes:
            continue
        members = [people[n] for n in names if n in people and people[n].site_id == sites[site].id]
        workshop = Workshop(
            title=title,
            kind=kind,
            site=sites[site],
            programme=programmes[prog],
            stipend_per_hour_cents=stipend,
            default_centihours=centi,
            participants=members,
        )
        db.session.add(workshop)
        _sessions(workshop, weekdays, centi, members, rng, site_today(sites[site]))
    db.session.flush()


def _sessions(workshop, weekdays, centi, members, rng, today) -> None:
    """Sessions on the given weekdays for ~3 months; rolls for all but today's."""
    habit = {m.id: rng.choice((0.95, 0.9, 0.8, 0.7)) for m in members}
    day = today - timedelta(weeks=WEEKS)
    while day <= today:
        if day.weekday() in weekdays or (day == today and workshop.kind == "vocational"):
            session = WorkshopSession(workshop=workshop, held_on=day, centihours=centi)
            db.session.add(session)
            db.session.flush()
            if day < today:
                for m in members:
                    draw = rng.random()
                    status = (
                        "present"
                        if draw < habit[m.id]
                        else "excused"
                        if draw < habit[m.id] + 0.05
                        else "absent"
                    )
                    db.session.add(
                        Attendance(session_id=session.id, beneficiary_id=m.id, status=status)
                    )
        day += timedelta(days=1)
