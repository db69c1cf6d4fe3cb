"""Bench: fresh data for mutating calls (pieces, sessions) and tokens, made outside timing."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from atelier.auth.models import User
from atelier.auth.services import issue_token
from atelier.extensions import db
from atelier.production.rules import item_code, new_tag


def add_pieces(conn, origin: str, at_site: str, n: int, status: str) -> list[str]:
    """``n`` new pieces made at atelier ``origin``, now ``status`` at ``at_site``; their codes.

    Codes continue the atelier's gap-free sequence, bumped like the production service does.
    """
    t = db.metadata.tables
    sites = {row.code: row for row in conn.execute(sa.select(t["sites"]))}
    first = (
        conn.execute(
            t["sites"]
            .update()
            .where(t["sites"].c.code == origin)
            .values(item_seq=t["sites"].c.item_seq + n)
            .returning(t["sites"].c.item_seq)
        ).scalar_one()
        - n
    )
    maker = conn.scalar(
        sa.select(sa.func.min(t["beneficiaries"].c.id)).where(
            t["beneficiaries"].c.site_id == sites[origin].id
        )
    )
    now = datetime.now(UTC)
    made_on = date.today() - timedelta(days=30)  # noqa: DTZ011
    rows = [
        dict(
            code=item_code(origin, first + k),
            tag=new_tag(),
            product_type_id=1,
            beneficiary_id=maker,
            origin_site_id=sites[origin].id,
            site_id=sites[at_site].id,
            made_on=made_on,
            status=status,
            created_at=now,
            updated_at=now,
        )
        for k in range(1, n + 1)
    ]
    for start in range(0, len(rows), 5000):
        conn.execute(t["items"].insert(), rows[start : start + 5000])
    return [row["code"] for row in rows]


def add_sessions(conn, site: str, n: int) -> tuple[list[int], list[str]]:
    """``n`` new sessions (no roll yet) of the site's latest workshop, and 30 maker codes
    of that site (its participants first)."""
    t = db.metadata.tables
    site_id = conn.scalar(sa.select(t["sites"].c.id).where(t["sites"].c.code == site))
    workshop_id = conn.scalar(
        sa.select(sa.func.max(t["workshops"].c.id)).where(t["workshops"].c.site_id == site_id)
    )
    now = datetime.now(UTC)
    day = date.today() - timedelta(days=1)  # noqa: DTZ011
    ids = []
    for _ in range(n):
        ids.append(
            conn.execute(
                t["workshop_sessions"]
                .insert()
                .values(workshop_id=workshop_id, held_on=day, centihours=300, created_at=now)
                .returning(t["workshop_sessions"].c.id)
            ).scalar_one()
        )
    wp, b = t["workshop_participants"], t["beneficiaries"]
    is_participant = sa.exists().where(
        wp.c.workshop_id == workshop_id, wp.c.beneficiary_id == b.c.id
    )
    codes = conn.scalars(
        sa.select(b.c.maker_code)
        .where(b.c.site_id == site_id)
        .order_by(is_participant.desc(), b.c.id)
        .limit(30)
    ).all()
    return ids, list(codes)


def tokens(app, usernames: list[str]) -> dict[str, str]:
    """A fresh bearer token for each username (made in the database: no login throttle)."""
    out = {}
    with app.app_context():
        for name in usernames:
            user = db.session.scalar(sa.select(User).where(User.username == name))
            out[name], _ = issue_token(user)
        db.session.commit()
    return out


def first_maker_code(conn, site: str) -> str:
    """The maker code of the first maker of a site."""
    t = db.metadata.tables
    return conn.scalar(
        sa.select(t["beneficiaries"].c.maker_code)
        .join(t["sites"], t["sites"].c.id == t["beneficiaries"].c.site_id)
        .where(t["sites"].c.code == site)
        .order_by(t["beneficiaries"].c.id)
        .limit(1)
    )
