"""CLI: ``flask users create``."""

import click
from flask.cli import AppGroup

from atelier.auth import services
from atelier.errors import DomainError
from atelier.extensions import db

cli = AppGroup("users", help="Manage user accounts.")


@cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "supervisor", "shop",
                                                           "beneficiary"]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--site", "sites", multiple=True, help="Site code (repeat for several).")
@click.option("--beneficiary", default=None, help="Maker code, for beneficiary accounts.")
def create(username, role, password, sites, beneficiary):
    """Create a user account."""
    try:
        user = services.create_user(username, password, role, list(sites), beneficiary)
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role}).")
