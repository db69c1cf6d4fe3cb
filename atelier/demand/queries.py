"""The demand figures as a few set-based queries (GROUP BY): the query count does not grow
with the data, and no Python loop runs per piece, only per group."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from atelier.catalog.models import ProductType
from atelier.db import UTCDateTime
from atelier.demand import rules
from atelier.demand.sql import EPOCH, local_day
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item, ItemEvent
from atelier.till.models import Return, Sale, SaleLine

#: where a piece counts as on hand in a shop (reserved online pieces are still there)
ON_HAND = ("in_shop", "reserved")
SHOP_KINDS = ("shop", "webshop")


def received_at(item_id, site_id):
    """A piece's latest receipt at a site, as a correlated scalar subquery: one index
    lookup per row (ix_item_events_item_id), which both engines run faster than joining a
    GROUP BY over every receipt."""
    return (
        sa.select(sa.func.max(ItemEvent.at))
        .where(
            ItemEvent.item_id == item_id,
            ItemEvent.site_id == site_id,
            ItemEvent.kind == "received",
        )
        .correlate_except(ItemEvent)
        .scalar_subquery()
    )


@dataclass
class Row:
    """One shop × product type."""

    shop: str
    shop_id: int
    product_type: str
    product_type_id: int
    product_name: str
    shop_name: str = ""
    received: int = 0
    sold: int = 0
    returned: int = 0
    on_hand: int = 0
    in_transit: int = 0
    #: whole days on the shelf of the pieces sold in the window: {days: how many}
    shelf_days: dict = field(default_factory=dict)
    aged: dict = field(default_factory=lambda: dict.fromkeys(rules.AGE_BUCKETS, 0))

    @property
    def sell_through_bp(self) -> int:
        """Sold less returned, over that plus what is still on hand (API.md)."""
        return rules.sell_through_bp(self.sold, self.returned, self.on_hand)

    @property
    def median_days_on_shelf(self):
        """The median whole days from received to sold, None if nothing sold."""
        return rules.median_of_counts(self.shelf_days)

    @property
    def has_any(self) -> bool:
        """Stock or movement in the window."""
        return any((self.received, self.sold, self.returned, self.on_hand, self.in_transit))


@dataclass
class Demand:
    """The figures for a window, a row per shop × product type with anything to show."""

    start: datetime
    end: datetime
    weeks: int
    rows: list[Row]


def no_jit() -> None:
    """PostgreSQL: no JIT compiling for the rest of this (read) transaction. These GROUP BY
    queries look costly to the planner, which then spends seconds compiling what runs in
    milliseconds; one statement, whatever the data."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def shops(site_ids: set[int] | None) -> list[Site]:
    """The shops (and the webshop) among ``site_ids`` (None: all), by code."""
    query = sa.select(Site).where(Site.kind.in_(SHOP_KINDS)).order_by(Site.code)
    if site_ids is not None:
        query = query.where(Site.id.in_(site_ids))
    return list(db.session.scalars(query))


def demand(shop_list: list[Site], weeks: int, now: datetime, lang: str | None = None) -> Demand:
    """The demand figures of these shops over the last ``weeks`` weeks up to ``now``, the
    products named in ``lang`` (None: their default names)."""
    start, end = rules.window(now, weeks)
    ids = [shop.id for shop in shop_list]
    no_jit()
    products = {
        p.id: p
        for p in db.session.scalars(sa.select(ProductType).options(lazyload(ProductType.rules)))
    }
    by_shop = {shop.id: shop for shop in shop_list}
    table: dict[tuple[int, int], Row] = {}

    def row(shop_id: int, product_id: int) -> Row:
        key = (shop_id, product_id)
        if key not in table:
            product = products[product_id]
            table[key] = Row(
                by_shop[shop_id].code,
                shop_id,
                product.sku,
                product_id,
                product.name_in(lang) if lang else product.name,
                by_shop[shop_id].name,
            )
        return table[key]

    if ids:
        for shop_id, product_id, count in _received(ids, start, end):
            row(shop_id, product_id).received = count
        for shop_id, product_id, days, count in _sold(ids, start, end):
            target = row(shop_id, product_id)
            target.sold += count
            if days is not None:
                target.shelf_days[days] = target.shelf_days.get(days, 0) + count
        for shop_id, product_id, count in _returned(ids, start, end):
            row(shop_id, product_id).returned = count
        for shop_id, product_id, status, age_weeks, count in _stock(ids, now):
            target = row(shop_id, product_id)
            if status == "in_transit":
                target.in_transit += count
            else:
                target.on_hand += count
                target.aged[rules.age_bucket_of_weeks(age_weeks)] += count
    rows = sorted(
        (r for r in table.values() if r.has_any),
        key=lambda r: (r.shop, r.product_name, r.product_type),
    )
    return Demand(start, end, weeks, rows)


def _in_window(column, start, end):
    return sa.and_(column >= start, column < end)


def _received(ids, start, end):
    """(shop, product, pieces received) in the window."""
    return db.session.execute(
        sa.select(ItemEvent.site_id, Item.product_type_id, sa.func.count())
        .join(Item, Item.id == ItemEvent.item_id)
        .where(
            ItemEvent.kind == "received",
            ItemEvent.site_id.in_(ids),
            _in_window(ItemEvent.at, start, end),
        )
        .group_by(ItemEvent.site_id, Item.product_type_id)
    ).all()


def _sold(ids, start, end):
    """(shop, product, whole days on the shelf or None, lines) sold in the window."""
    receipt = received_at(SaleLine.item_id, Sale.site_id)
    days = local_day(Sale.sold_at, Site.timezone) - local_day(receipt, Site.timezone)
    lines = (
        sa.select(Sale.site_id, Item.product_type_id, days.label("days"))
        .select_from(SaleLine)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Site, Site.id == Sale.site_id)
        .join(Item, Item.id == SaleLine.item_id)
        .where(Sale.site_id.in_(ids), _in_window(Sale.sold_at, start, end))
        .subquery("lines")
    )
    return db.session.execute(
        sa.select(lines.c.site_id, lines.c.product_type_id, lines.c.days, sa.func.count()).group_by(
            lines.c.site_id, lines.c.product_type_id, lines.c.days
        )
    ).all()


def _returned(ids, start, end):
    """(shop, product, returns) in the window of pieces sold at the shop."""
    return db.session.execute(
        sa.select(Sale.site_id, Item.product_type_id, sa.func.count())
        .select_from(Return)
        .join(SaleLine, SaleLine.id == Return.sale_line_id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Item, Item.id == Return.item_id)
        .where(Sale.site_id.in_(ids), _in_window(Return.returned_at, start, end))
        .group_by(Sale.site_id, Item.product_type_id)
    ).all()


def _stock(ids, now):
    """(shop, product, state, whole weeks since received or None, pieces) on hand or on
    the way now; grouped by week, so the buckets are made in Python per group."""
    today = local_day(sa.bindparam("now", now, type_=UTCDateTime), Site.timezone)
    receipt = received_at(Item.id, Item.site_id)
    state = sa.case((Item.status == "in_transit", "in_transit"), else_="on_hand")
    # whole weeks since received: integer division on both engines
    weeks = (today - local_day(receipt, Site.timezone)) // 7
    return db.session.execute(
        sa.select(
            Item.site_id,
            Item.product_type_id,
            state.label("state"),
            weeks.label("weeks"),
            sa.func.count(),
        )
        .join(Site, Site.id == Item.site_id)
        .where(Item.site_id.in_(ids), Item.status.in_((*ON_HAND, "in_transit")))
        .group_by(Item.site_id, Item.product_type_id, sa.text("3"), sa.text("4"))
    ).all()


def pieces_by_place(site_id: int) -> dict[int, dict[str, int]]:
    """Pieces per product type now: in this atelier, in transit, in the shops (the plan).
    Returns {product_type_id: {"in_atelier": n, "in_transit": n, "in_shops": n}}."""
    place = sa.case(
        (Item.status == "in_atelier", "in_atelier"),
        (Item.status == "in_transit", "in_transit"),
        else_="in_shops",
    ).label("place")
    rows = db.session.execute(
        sa.select(Item.product_type_id, place, sa.func.count())
        .where(
            sa.or_(
                sa.and_(Item.status == "in_atelier", Item.site_id == site_id),
                Item.status.in_(("in_transit", *ON_HAND)),
            )
        )
        .group_by(Item.product_type_id, sa.literal_column("place"))
    ).all()
    out: dict[int, dict[str, int]] = defaultdict(
        lambda: {"in_atelier": 0, "in_transit": 0, "in_shops": 0}
    )
    for product_id, where, count in rows:
        out[product_id][where] += count
    return out


def net_sold(start, end):
    """{product_type_id: sale lines in the window less returns in it}, at all shops."""
    sold = db.session.execute(
        sa.select(Item.product_type_id, sa.func.count())
        .select_from(SaleLine)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Item, Item.id == SaleLine.item_id)
        .where(_in_window(Sale.sold_at, start, end))
        .group_by(Item.product_type_id)
    ).all()
    returned = db.session.execute(
        sa.select(Item.product_type_id, sa.func.count())
        .select_from(Return)
        .join(Item, Item.id == Return.item_id)
        .where(_in_window(Return.returned_at, start, end))
        .group_by(Item.product_type_id)
    ).all()
    out: dict[int, int] = defaultdict(int)
    for product_id, count in sold:
        out[product_id] += count
    for product_id, count in returned:
        out[product_id] -= count
    return out


#: the weekly sales chart spans this many weeks
CHART_WEEKS = 26


def weekly_sales(shop_ids: list[int], now: datetime) -> dict[int, list[int]]:
    """{product_type_id: sale lines per week}, oldest week first, over the last 26 weeks
    at these shops: one GROUP BY on the shops' local days."""
    if not shop_ids:
        return {}
    start, _end = rules.window(now, CHART_WEEKS)
    first_day = (now.date() - EPOCH).days - 7 * CHART_WEEKS + 1
    week = ((local_day(Sale.sold_at, Site.timezone) - first_day) // 7).label("week")
    rows = db.session.execute(
        sa.select(Item.product_type_id, week, sa.func.count())
        .select_from(SaleLine)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Site, Site.id == Sale.site_id)
        .join(Item, Item.id == SaleLine.item_id)
        .where(Sale.site_id.in_(shop_ids), Sale.sold_at >= start, Sale.sold_at < now)
        .group_by(Item.product_type_id, sa.literal_column("week"))
    ).all()
    out: dict[int, list[int]] = {}
    for product_id, index, count in rows:
        if index is not None and 0 <= index < CHART_WEEKS:
            out.setdefault(product_id, [0] * CHART_WEEKS)[index] += count
    return out


@dataclass(frozen=True)
class Piece:
    """A piece on a shop's shelf, as "What sells here" lists it (never its maker)."""

    id: int
    code: str
    product_type_id: int
    product_name: str
    received_at: datetime | None


def pieces_on_hand(shop: Site, limit: int = 200, lang: str | None = None) -> list[Piece]:
    """A shop's pieces on hand, longest on the shelf first (never received last), their
    products named in ``lang`` (None: the default names)."""
    receipt = received_at(Item.id, Item.site_id).label("received_at")
    rows = db.session.execute(
        sa.select(
            Item.id,
            Item.code,
            Item.product_type_id,
            ProductType.name,
            ProductType.translations,
            receipt,
        )
        .join(ProductType, ProductType.id == Item.product_type_id)
        .where(Item.site_id == shop.id, Item.status.in_(ON_HAND))
        .order_by(receipt.is_(None), receipt, Item.code)
        .limit(limit)
    ).all()
    return [
        Piece(id_, code, type_id, translated_name(name, texts, lang), at)
        for id_, code, type_id, name, texts, at in rows
    ]


def translated_name(name: str, translations: dict | None, lang: str | None) -> str:
    """A product's name in ``lang`` from its default name and translations (as
    :meth:`ProductType.name_in`, for rows read without the whole product)."""
    return ((translations or {}).get(lang) or {}).get("name") or name if lang else name
