"""A demo Results report layout for every year, echoing the 2022 annual report (idempotent)."""

import sqlalchemy as sa

from atelier.extensions import db
from atelier.reports import layouts
from atelier.reports.models import ReportLayout

#: built-in, measure and manual rows, as the annual report's pillars hold them
PILLARS = [
    {
        "name": "Pillar 1",
        "rows": [
            {
                "key": "vocational_participants",
                "label": "People involved in Vocational Training Course",
                "source": "vocational_participants",
                "parts": [{"key": "refugee", "label": "refugee project", "programme": "REFUGEE"}],
            },
            {"key": "outreach_bucharest", "label": "Outreach in Bucharest"},
            {"key": "referrals", "label": "Referral cases"},
        ],
    },
    {
        "name": "Pillar 3",
        "rows": [
            {
                "key": "teenagers",
                "label": "Teenagers involved in Life Skills development",
                "source": {"measure": "participants", "workshop_kind": "life_skills"},
                "parts": [
                    {"key": "oradea", "label": "Oradea", "site": "ORA"},
                    {"key": "bucharest", "label": "Bucharest", "site": "BUC"},
                ],
            },
            {
                "key": "parenting_participants",
                "label": "Caretakers involved in parenting classes",
                "source": "parenting_participants",
            },
            {
                "key": "training_hours_all",
                "label": "Hours of training given",
                "source": {"measure": "hours"},
            },
        ],
    },
]


def seed() -> None:
    """Define the demo layout for every year, unless a layout exists already."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(ReportLayout)):
        return
    layouts.define(None, PILLARS)
