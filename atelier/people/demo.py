"""Demo people: about a dozen beneficiaries across programmes and the two atelier sites."""

import random

import sqlalchemy as sa

from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.people.rules import new_maker_code

#: display name, site, programme, birth year, gender, public name consent
PEOPLE = [
    ("Maria", "ORA", "STEP", 1991, "female", True),
    ("Ioana", "ORA", "STEP", 1986, "female", False),
    ("Andreea", "ORA", "STEP", 1996, "female", False),
    ("Camelia", "ORA", "STEP", 1983, "female", True),
    ("Iryna", "ORA", "REFUGEE", 1979, "female", False),
    ("Kateryna", "ORA", "REFUGEE", 1990, "female", True),
    ("Olena", "ORA", "REFUGEE", 1985, "female", False),
    ("Tetiana", "BUC", "REFUGEE", 1993, "female", False),
    ("Bianca", "BUC", "TEENS", 2010, "female", False),
    ("Denisa", "BUC", "TEENS", 2011, "female", False),
    ("Roxana", "BUC", "TEENS", 2009, "female", False),
]


def seed() -> None:
    """Add the demo people that are missing (idempotent, deterministic)."""
    rng = random.Random(2026)  # noqa: S311 - demo data is deterministic on purpose
    sites = {s.code: s for s in db.session.scalars(sa.select(Site))}
    programmes = {p.code: p for p in db.session.scalars(sa.select(Programme))}
    taken = set(db.session.scalars(sa.select(Beneficiary.maker_code)))
    known = set(db.session.scalars(sa.select(Beneficiary.display_name)))
    for name, site, programme, year, gender, consent in PEOPLE:
        code = new_maker_code(rng.randrange)
        while code in taken:
            code = new_maker_code(rng.randrange)
        taken.add(code)
        if name in known or site not in sites or programme not in programmes:
            continue
        db.session.add(
            Beneficiary(
                display_name=name,
                maker_code=code,
                site=sites[site],
                programme=programmes[programme],
                birth_year=year,
                gender=gender,
                public_name_consent=consent,
            )
        )
    db.session.flush()
