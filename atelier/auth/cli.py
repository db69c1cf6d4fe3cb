"""CLI: ``flask users create | disable | enable | password`` (the same use cases as the
coordinator's account pages, for a server console)."""

from collections.abc import Callable

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from atelier.auth import services
from atelier.auth.models import User
from atelier.errors import DomainError
from atelier.extensions import db

cli = AppGroup("users", help="Manage user accounts.")


def _run(action: Callable, done: str) -> None:
    """Do ``action`` and commit, then say ``done``; a refusal changes nothing and says why."""
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(done)


def _account(username: str) -> User:
    """The account with this username, or a clear error."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No account named {username}.")
    return user


@cli.command("create")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "supervisor", "shop", "beneficiary"])
)
@click.option("--password", required=True, help="At least 10 characters, hard to guess.")
@click.option("--site", "sites", multiple=True, help="Site code (repeat for several).")
@click.option("--beneficiary", default=None, help="Maker code, for beneficiary accounts.")
def create(username, role, password, sites, beneficiary):
    """Create a user account."""
    _run(
        lambda: services.create_user(username, password, role, list(sites), beneficiary),
        f"Created {username} ({role}).",
    )


@cli.command("disable")
@click.argument("username")
def disable(username):
    """Sign an account out everywhere and keep it out (tokens revoked)."""
    user = _account(username)
    _run(
        lambda: services.disable_user(user, reason="console"),
        f"Disabled {username}: signed out everywhere.",
    )


@cli.command("enable")
@click.argument("username")
def enable(username):
    """Let a disabled account sign in again."""
    user = _account(username)
    _run(lambda: services.enable_user(user), f"Enabled {username}.")


@cli.command("password")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 10 characters, hard to guess (asked for if not given).",
)
def password(username, password):
    """Set a new password; the account's tokens and sessions end."""
    user = _account(username)
    _run(
        lambda: services.reset_password(user, password),
        f"New password set for {username}; signed out everywhere.",
    )
