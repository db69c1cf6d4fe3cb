"""Demo data for the online shop: a few finished pieces moved to the webshop's stock."""

import sqlalchemy as sa

from atelier.db import utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item, ItemEvent

DEMO_PIECES = 6


def seed() -> None:
    """Put up to six atelier pieces on sale at WEB; nothing if WEB has stock or none exist."""
    web = db.session.scalar(sa.select(Site).where(Site.code == "WEB"))
    if web is None:
        return
    if db.session.scalar(sa.select(sa.func.count(Item.id)).where(Item.site_id == web.id)):
        return  # already seeded (idempotent)
    pieces = db.session.scalars(
        sa.select(Item).where(Item.status == "in_atelier").order_by(Item.id).limit(DEMO_PIECES)
    ).all()
    now = utcnow()
    for item in pieces:
        item.site_id, item.status = web.id, "in_shop"
        db.session.add(
            ItemEvent(
                item_id=item.id, at=now, kind="received", site_id=web.id, note="demo: webshop stock"
            )
        )
    db.session.flush()
