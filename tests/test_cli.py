"""Command line: creating users and loading the demo data."""

import pytest
import sqlalchemy as sa

from atelier.auth.models import User
from atelier.org.models import Site
from tests.conftest import bearer
from tests.factories import PASSWORD
from tests.refusals import api_error


@pytest.mark.usefixtures("world")
def test_users_create(runner, db):
    """``flask users create`` makes an account with its sites, and refuses bad input."""
    result = runner.invoke(
        args=[
            "users",
            "create",
            "marit",
            "--role",
            "shop",
            "--password",
            "long enough pw",
            "--site",
            "AMS",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "marit"))
    assert [s.code for s in user.sites] == ["AMS"]
    bad = runner.invoke(
        args=[
            "users",
            "create",
            "x",
            "--role",
            "shop",
            "--password",
            "long enough pw",
            "--site",
            "NOPE",
        ]
    )
    assert bad.exit_code != 0 and "unknown site" in bad.output


def test_seed_demo_is_idempotent(runner, db):
    """Running the demo seed twice gives the same data, and prints the sign-ins."""
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "atelier-demo" in first.output
    counts = _row_counts(db)
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert _row_counts(db) == counts
    codes = set(db.session.scalars(sa.select(Site.code)))
    assert {"ORA", "BUC", "AMS", "RTM", "WEB"} <= codes
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"admin", "supervisor", "shop", "beneficiary"}


def _row_counts(db) -> dict:
    """Rows per table, except the audit log."""
    db.session.expire_all()
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name != "audit_entries"
    }


@pytest.mark.usefixtures("db")
def test_users_disable_enable_and_password_from_the_console(runner, world, app):
    """On the server console: disable keeps her out (and ends her token), enable lets her
    back in, a new password works and the old one does not; an unknown name is an error."""
    shop = world.users["shop"]
    headers = bearer(shop)
    client = app.test_client()

    def signs_in(password):
        return (
            app.test_client()
            .post("/sign-in", data={"username": shop.username, "password": password})
            .status_code
            == 302
        )

    result = runner.invoke(args=["users", "disable", shop.username])
    assert result.exit_code == 0, result.output
    assert not signs_in(PASSWORD)
    api_error(client.delete("/api/v1/tokens/current", headers=headers), 401, "unauthorized")
    assert runner.invoke(args=["users", "enable", shop.username]).exit_code == 0
    assert signs_in(PASSWORD)
    short = runner.invoke(args=["users", "password", shop.username, "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    changed = runner.invoke(
        args=["users", "password", shop.username, "--password", "a new long password"]
    )
    assert changed.exit_code == 0, changed.output
    assert signs_in("a new long password") and not signs_in(PASSWORD)
    unknown = runner.invoke(args=["users", "disable", "nobody"])
    assert unknown.exit_code != 0 and "No account named nobody" in unknown.output
