"""The markdown price of pieces in a shop: one query for the shop's rules and the pieces'
receipts together, so the till pays at most one extra round trip per sale."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from atelier.demand import rules
from atelier.demand.models import MarkdownRule
from atelier.extensions import db
from atelier.production.models import ItemEvent
from atelier.timeutil import local_date


@dataclass(frozen=True)
class Price:
    """What a piece costs today in a shop, and why."""

    price_cents: int
    list_price_cents: int
    discount_bp: int = 0
    #: whole days on the shelf (None: no receipt at this shop)
    days: int | None = None

    @property
    def percent_off(self) -> str:
        """The discount as the admin typed it: "25", "12.5"."""
        return rules.bp_to_percent(self.discount_bp)

    @property
    def reason(self) -> str:
        """``markdown`` when the price is lowered by the shop's rules, else empty."""
        return rules.MARKDOWN_REASON if self.price_cents < self.list_price_cents else ""


def shop_steps(shop_id):
    """A shop's markdown steps as one text, ``after_days:discount_bp`` joined by commas
    (NULL: the shop has none), as a scalar subquery a query of pieces can carry: the till
    reads the steps with its pieces, in the same statement (:func:`parse_steps`)."""
    step = (
        sa.cast(MarkdownRule.after_days, sa.String)
        + ":"
        + sa.cast(MarkdownRule.discount_bp, sa.String)
    )
    return (
        sa.select(sa.func.aggregate_strings(step, ","))
        .where(MarkdownRule.shop_id == shop_id)
        .scalar_subquery()
    )


def parse_steps(text: str | None) -> set[rules.Markdown]:
    """The steps :func:`shop_steps` wrote as text."""
    if not text:
        return set()
    return {rules.Markdown(*map(int, step.split(":"))) for step in text.split(",")}


def discounts_of(
    shop, steps: set[rules.Markdown], receipts: dict[int, datetime | None], now: datetime
) -> dict[int, tuple[int, int | None]]:
    """{item_id: (discount_bp, days on the shelf)} under the shop's ``steps`` for pieces
    received at the shop at ``receipts[item_id]`` (None: never; such a piece and every
    piece of a shop without steps is left out, and so not discounted)."""
    if not steps:
        return {}
    today = local_date(now, shop.timezone)
    out = {}
    for item_id, at in receipts.items():
        if at is not None:
            days = rules.days_on_shelf(local_date(at, shop.timezone), today)
            out[item_id] = (rules.markdown_discount(steps, days), days)
    return out


def discounts(shop, item_ids: list[int], now: datetime) -> dict[int, tuple[int, int | None]]:
    """{item_id: (discount_bp, days on the shelf)} for pieces at ``shop`` under its rules,
    in one query (a shop without rules answers with no rows, and nothing is discounted)."""
    if not item_ids:
        return {}
    receipts = (
        sa.select(ItemEvent.item_id, sa.func.max(ItemEvent.at).label("at"))
        .where(
            ItemEvent.kind == "received",
            ItemEvent.site_id == shop.id,
            ItemEvent.item_id.in_(item_ids),
        )
        .group_by(ItemEvent.item_id)
        .subquery("receipts")
    )
    rows = db.session.execute(
        sa.select(
            MarkdownRule.after_days, MarkdownRule.discount_bp, receipts.c.item_id, receipts.c.at
        )
        .outerjoin(receipts, sa.true())
        .where(MarkdownRule.shop_id == shop.id)
    ).all()
    steps = {rules.Markdown(r.after_days, r.discount_bp) for r in rows}
    return discounts_of(shop, steps, {r.item_id: r.at for r in rows if r.item_id is not None}, now)


def price_in_shop(list_price_cents: int, found: tuple[int, int | None] | None) -> Price:
    """The price of a piece at its list price under what :func:`discounts` found for it."""
    discount, days = found or (0, None)
    return Price(rules.marked_down(list_price_cents, discount), list_price_cents, discount, days)


def sells_at_markdown(offered: Price, price_cents: int | None, reason: str) -> bool:
    """True if a till line is sold at the markdown price: a marked-down piece with no
    price given, or given exactly that price without a reason of the cashier's own (the
    till page sends back the price it showed)."""
    if not offered.reason:
        return False
    return price_cents is None or (price_cents == offered.price_cents and not reason)


def price_of_piece(item, list_price_cents: int, now: datetime) -> Price:
    """The price today of one piece where it is (a shop's markdown applies there)."""
    found = discounts(item.site, [item.id], now).get(item.id)
    return price_in_shop(list_price_cents, found)


def shop_rules(shop) -> list[MarkdownRule]:
    """A shop's markdown steps, shortest wait first."""
    return list(
        db.session.scalars(
            sa.select(MarkdownRule)
            .where(MarkdownRule.shop_id == shop.id)
            .order_by(MarkdownRule.after_days)
        )
    )


def replace_rules(shop, steps: list[rules.Markdown]) -> list[MarkdownRule]:
    """Set a shop's rules to ``steps`` (``[]`` clears). Past sales keep the price they were
    sold at: it is on their lines."""
    db.session.execute(sa.delete(MarkdownRule).where(MarkdownRule.shop_id == shop.id))
    added = [
        MarkdownRule(shop_id=shop.id, after_days=s.after_days, discount_bp=s.discount_bp)
        for s in sorted(steps, key=lambda s: s.after_days)
    ]
    db.session.add_all(added)
    db.session.flush()
    return added
