"""Demo sales at the shops' tills, and one return."""

import random
from datetime import timedelta

import sqlalchemy as sa

from atelier.auth.models import User
from atelier.db import utcnow
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import Item
from atelier.till import returns, services
from atelier.till.models import Sale

#: shop code, [(pieces in the sale, payment method, days ago)]
PLAN = (("AMS", [(2, "cash", 3), (1, "card", 1)]), ("RTM", [(1, "card", 2)]))


def seed() -> None:
    """Sell a few pieces in stock at AMS and RTM and take one back (once)."""
    if db.session.scalar(sa.select(Sale.id).where(Sale.channel == "till").limit(1)):
        return
    admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id))
    if admin is None:
        return
    rng, now, sold = random.Random(2026), utcnow(), []  # noqa: S311 - demo only
    for code, sales in PLAN:
        shop = db.session.scalar(sa.select(Site).where(Site.code == code))
        if shop is None:
            continue
        stock = list(
            db.session.scalars(
                sa.select(Item)
                .where(Item.site_id == shop.id, Item.status == "in_shop")
                .order_by(Item.id)
            )
        )
        rng.shuffle(stock)
        for count, method, days_ago in sales:
            pieces, stock = stock[:count], stock[count:]
            if len(pieces) < count:
                break
            sale, _ = services.record_sale(admin, shop, method, [{"scan": p.code} for p in pieces])
            db.session.execute(
                sa.update(Sale)
                .where(Sale.id == sale.id)
                .values(sold_at=now - timedelta(days=days_ago, hours=2))
            )
            sold.extend(p.code for p in pieces)
    if sold:
        returns.record_return(admin, sold[0], "Wrong size", restock=True)
    db.session.flush()
