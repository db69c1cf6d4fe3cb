"""The caller of the API's hottest calls, read without the ORM.

A till sale is the call the shops make all day. Loading its caller as the ORM user with
her sites costs more than the sale's own SQL (bench/PROFILING.md, the till sale), so calls
registered with ``api_route(..., light_caller=True)`` get a :class:`BearerUser` instead:
the token, the user and her sites in one Core query, holding what the role and site checks,
the audit entry and the request log read. Any other attribute is read from the ORM user,
loaded the first time one is asked for, so a service that needs more still works.
"""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_login import UserMixin

from atelier.auth.models import ApiToken, User, user_sites
from atelier.extensions import db
from atelier.org.models import Site


@dataclass(frozen=True)
class SiteRow:
    """A site as a light caller's calls read it (the fields of :class:`Site` they use)."""

    id: int
    code: str
    name: str
    kind: str
    currency: str
    timezone: str


class BearerUser(UserMixin):
    """The enabled user behind a live token: id, role, language, maker and sites, read as
    rows. Anything else is the ORM user's (loaded then)."""

    def __init__(self, row, sites: tuple[SiteRow, ...]):
        self.id = row.user_id
        self.role = row.role
        self.locale = row.locale
        self.beneficiary_id = row.beneficiary_id
        self.sites = sites
        self.site_ids = {site.id for site in sites}

    def __getattr__(self, name: str):
        """What the row does not hold, from the ORM user (one load, then the session's).
        Private names are not forwarded: a ``BearerUser`` is never taken for a mapped object."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(db.session.get(User, self.id), name)

    def __repr__(self) -> str:
        return f"<BearerUser {self.id} {self.role}>"


@cache
def _query():
    """The user behind a live token, one row per site (one row with no site for a role
    without sites), built once per process."""
    return (
        sa.select(
            User.id.label("user_id"),
            User.role,
            User.locale,
            User.beneficiary_id,
            ApiToken.id.label("token_id"),
            Site.id.label("site_id"),
            Site.code,
            Site.name,
            Site.kind,
            Site.currency,
            Site.timezone,
        )
        .select_from(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(user_sites, user_sites.c.user_id == User.id)
        .outerjoin(Site, Site.id == user_sites.c.site_id)
        .where(
            ApiToken.token_hash == sa.bindparam("digest"),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > sa.bindparam("now", type_=ApiToken.expires_at.type),
            User.is_enabled.is_(True),
        )
    )


def caller_for_digest(digest: str, now) -> tuple[BearerUser, int] | None:
    """The light caller behind a live token (by its digest) and the token's id, or None."""
    rows = db.session.connection().execute(_query(), {"digest": digest, "now": now}).all()
    if not rows:
        return None
    sites = tuple(
        SiteRow(row.site_id, row.code, row.name, row.kind, row.currency, row.timezone)
        for row in rows
        if row.site_id is not None
    )
    return BearerUser(rows[0], sites), rows[0].token_id
