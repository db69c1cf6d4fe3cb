"""Read-only views of stock: what a shop holds by product, what an atelier can send."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from atelier.authz import visible_site_ids
from atelier.catalog.models import ProductType
from atelier.db import utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item
from atelier.stock import rules
from atelier.stock.models import ShipmentItem
from atelier.till.models import Sale, SaleLine
from atelier.timeutil import start_of_day_utc, zone


def sites_of_kind(user, kinds: tuple[str, ...]) -> list[Site]:
    """Active sites of these kinds the user works at (all for admins, or if user is None)."""
    query = sa.select(Site).where(Site.kind.in_(kinds), Site.is_active.is_(True))
    allowed = visible_site_ids(user) if user is not None else None
    if allowed is not None:
        query = query.where(Site.id.in_(allowed))
    return list(db.session.scalars(query.order_by(Site.code)))


def shop_stock(site: Site, now: datetime | None = None) -> list[dict]:
    """Per product at a shop: pieces in stock, days on the shelf (oldest, average) and
    pieces sold this week. Two queries whatever the stock size; never a maker."""
    now = now or utcnow()
    tz = zone(site.timezone)
    today = rules.local_day(now, tz)
    arrived = (
        sa.select(ShipmentItem.item_id, sa.func.max(ShipmentItem.received_at).label("at"))
        .where(ShipmentItem.state == "received")
        .group_by(ShipmentItem.item_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            ProductType.id,
            ProductType.name,
            ProductType.sku,
            sa.func.coalesce(arrived.c.at, Item.updated_at).label("since"),
        )
        .join(Item, Item.product_type_id == ProductType.id)
        .outerjoin(arrived, arrived.c.item_id == Item.id)
        .where(Item.site_id == site.id, Item.status == "in_shop")
    ).all()
    week_from = start_of_day_utc(rules.week_start(today), site.timezone)
    sold = dict(
        db.session.execute(
            sa.select(Item.product_type_id, sa.func.count(SaleLine.id))
            .join(SaleLine, SaleLine.item_id == Item.id)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(
                Sale.site_id == site.id, Sale.sold_at >= week_from, SaleLine.is_returned.is_(False)
            )
            .group_by(Item.product_type_id)
        ).all()
    )
    products: dict[int, dict] = {}
    for pid, name, sku, since in rows:
        days = rules.days_on_shelf(rules.local_day(since, tz), today)
        entry = products.setdefault(
            pid,
            {"name": name, "sku": sku, "count": 0, "days": [], "sold_this_week": sold.get(pid, 0)},
        )
        entry["count"] += 1
        entry["days"].append(days)
    names = (
        dict(
            db.session.execute(
                sa.select(ProductType.id, ProductType.name).where(
                    ProductType.id.in_([pid for pid in sold if pid not in products])
                )
            ).all()
        )
        if sold
        else {}
    )
    for pid, count in sold.items():
        if pid not in products:
            products[pid] = {
                "name": names.get(pid, ""),
                "sku": "",
                "count": 0,
                "days": [],
                "sold_this_week": count,
            }
    result = []
    for entry in products.values():
        days = entry.pop("days")
        entry["oldest_days"] = max(days) if days else None
        entry["average_days"] = (sum(days) // len(days)) if days else None
        result.append(entry)
    return sorted(result, key=lambda e: e["name"])


@dataclass(frozen=True)
class WaitingPieces:
    """One page of the pieces waiting at the ateliers, and how many there are in all."""

    items: list[Item]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the filtered pieces fill (at least one)."""
        return max(1, -(-self.total // self.per_page))


def atelier_items(
    site_ids: list[int],
    *,
    sku: str | None = None,
    made_on: date | None = None,
    page: int = 1,
    per_page: int = 60,
) -> WaitingPieces:
    """Pieces ready to ship (in_atelier) at these ateliers, newest first, optionally of one
    product and made on one day; one page of them and the count of all (two queries)."""
    if not site_ids:
        return WaitingPieces([], 0, 1, per_page)
    where = [Item.site_id.in_(site_ids), Item.status == "in_atelier"]
    if sku:
        where.append(Item.product_type.has(ProductType.sku == sku))
    if made_on:
        where.append(Item.made_on == made_on)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(*where))
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = db.session.scalars(
        sa.select(Item)
        .options(joinedload(Item.product_type))
        .where(*where)
        .order_by(Item.made_on.desc(), Item.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return WaitingPieces(list(items), total, page, per_page)
