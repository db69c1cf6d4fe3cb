"""``flask reservations expire``: release online reservations whose webhook never came."""

import click
from flask.cli import AppGroup

from atelier.extensions import db
from atelier.webshop import fulfilment

cli = AppGroup("reservations", help="Online shop reservations.")


@cli.command("expire")
def expire():
    """Release the pieces of pending orders past their expiry (run from cron)."""
    count = fulfilment.expire_lapsed()
    db.session.commit()
    click.echo(f"released {count} lapsed order(s)")
