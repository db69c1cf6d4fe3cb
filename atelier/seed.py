"""``flask seed demo``: idempotent demo data for a first run.

The foundation seeds sites, programmes, one maker and one account per role; each area
adds its own demo data in ``atelier/<area>/demo.py`` (a ``seed()`` function), run in
the order of :data:`atelier.areas.AREAS`.
"""

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from atelier.areas import area_modules
from atelier.auth.models import User
from atelier.auth.passwords import hash_password
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.people.rules import new_maker_code

seed_cli = AppGroup("seed", help="Load demo data.")

DEMO_PASSWORD = "atelier-demo"  # noqa: S105 - printed by make run, demo only

SITES = [
    # code, name, kind, currency, timezone, city
    ("ORA", "Atelier Oradea", "atelier", "RON", "Europe/Bucharest", "Oradea"),
    ("BUC", "Programme site Bucharest", "atelier", "RON", "Europe/Bucharest", "Bucharest"),
    ("AMS", "Reshare Amsterdam", "shop", "EUR", "Europe/Amsterdam", "Amsterdam"),
    ("RTM", "Reshare Rotterdam", "shop", "EUR", "Europe/Amsterdam", "Rotterdam"),
    ("WEB", "Webshop", "webshop", "EUR", "Europe/Amsterdam", "Online"),
]

PROGRAMMES = [
    ("STEP", "Step Out"),
    ("REFUGEE", "Refugee project"),
    ("TEENS", "Teenagers' life skills"),
]

#: username, role, sites; the maker account belongs to the demo maker "Elena"
USERS = [
    ("admin", "admin", []),
    ("supervisor", "supervisor", ["ORA"]),
    ("shop", "shop", ["AMS"]),
    ("maker", "beneficiary", []),
]


def get_or_create(model, lookup: dict, **values):
    """The row matching ``lookup``, created with ``values`` if missing."""
    row = db.session.scalar(sa.select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


def seed_foundation() -> dict:
    """Sites, programmes, the demo maker and one account per role."""
    sites = {
        code: get_or_create(
            Site, {"code": code}, name=name, kind=kind, currency=currency, timezone=tz, city=city
        )
        for code, name, kind, currency, tz, city in SITES
    }
    programmes = {
        code: get_or_create(Programme, {"code": code}, name=name) for code, name in PROGRAMMES
    }
    elena = db.session.scalar(sa.select(Beneficiary).where(Beneficiary.display_name == "Elena"))
    if elena is None:
        elena = Beneficiary(
            display_name="Elena",
            maker_code=new_maker_code(),
            site=sites["ORA"],
            programme=programmes["STEP"],
            birth_year=1988,
            gender="female",
            public_name_consent=True,
        )
        db.session.add(elena)
        db.session.flush()
    for username, role, site_codes in USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)):
            continue
        db.session.add(
            User(
                username=username,
                password_hash=hash_password(DEMO_PASSWORD),
                role=role,
                sites=[sites[c] for c in site_codes],
                beneficiary=elena if role == "beneficiary" else None,
            )
        )
    db.session.flush()
    return {"sites": sites, "programmes": programmes, "elena": elena}


@seed_cli.command("demo")
def demo():
    """Load the demo data (safe to run again); refused in production, where its well-known
    passwords would be a way in."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "Demo data is not loaded in production (ATELIER_ENV=production): "
            "create accounts with `flask users create`."
        )
    seed_foundation()
    for module in area_modules("demo"):
        module.seed()
    db.session.commit()
    click.echo("Demo data ready. Sign in at http://127.0.0.1:5000 with:")
    for username, role, _ in USERS:
        click.echo(f"  {username:<11} / {DEMO_PASSWORD}   ({role})")
