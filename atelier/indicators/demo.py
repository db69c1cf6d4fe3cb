"""Demo targets for this year that echo the 2022 annual report (idempotent)."""

import sqlalchemy as sa
from flask import current_app

from atelier.db import utcnow
from atelier.extensions import db
from atelier.indicators import rules
from atelier.indicators.models import IndicatorTarget
from atelier.org.models import Programme, Site

#: key, site code, programme code, target, remarks (as the report words them)
TARGETS = [
    (
        "vocational_participants",
        None,
        None,
        12,
        "An opportunity for vocational training is offered to all the beneficiaries.",
    ),
    (
        "vocational_participants",
        None,
        "REFUGEE",
        5,
        "Refugees take part in sewing courses to develop new skills towards social reintegration.",
    ),
    (
        "life_skills_participants",
        "ORA",
        None,
        15,
        "Teenagers from vulnerable communities take part in sewing courses and develop "
        "life skills.",
    ),
    (
        "parenting_participants",
        None,
        None,
        15,
        "Volunteers hold parenting classes for the mothers in the project.",
    ),
    ("training_hours", None, None, 300, "Weekly sewing classes at the atelier."),
    ("pieces_produced", None, None, 200, "Pieces that pass quality control."),
    ("pieces_sold", None, None, 120, "Sold in the Reshare shops and online."),
    ("makers_paid", None, None, 6, "Women earning a wage from what they make and sell."),
]


def seed() -> None:
    """Add this year's demo targets that are missing; leave existing ones alone."""
    year = rules.year_of(utcnow(), current_app.config["PAYROLL_TIMEZONE"])
    sites = {s.code: s for s in db.session.scalars(sa.select(Site))}
    programmes = {p.code: p for p in db.session.scalars(sa.select(Programme))}
    existing = {
        (t.key, t.site_id, t.programme_id)
        for t in db.session.scalars(sa.select(IndicatorTarget).where(IndicatorTarget.year == year))
    }
    for key, site_code, programme_code, target, remarks in TARGETS:
        site = sites.get(site_code) if site_code else None
        programme = programmes.get(programme_code) if programme_code else None
        if (site_code and site is None) or (programme_code and programme is None):
            continue
        ident = (key, site.id if site else None, programme.id if programme else None)
        if ident in existing:
            continue
        db.session.add(
            IndicatorTarget(
                year=year, key=key, site=site, programme=programme, target=target, remarks=remarks
            )
        )
        existing.add(ident)
    db.session.flush()
