"""Demo data for the online shop: a few finished pieces moved to the webshop's stock."""

import sqlalchemy as sa

from atelier.enums import ItemStatus
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production import lifecycle
from atelier.production.models import Item

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
    by_site: dict[int, list[int]] = {}
    for item in pieces:
        by_site.setdefault(item.site_id, []).append(item.id)
    for site_id, ids in by_site.items():  # ship and receive at once, as a shop would
        lifecycle.move(
            ids, ItemStatus.IN_ATELIER, ItemStatus.IN_TRANSIT, site_id=site_id, to_site_id=web.id
        )
        lifecycle.move(
            ids,
            ItemStatus.IN_TRANSIT,
            ItemStatus.IN_SHOP,
            site_id=web.id,
            note="demo: webshop stock",
        )
    db.session.flush()
