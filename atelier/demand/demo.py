"""Demo markdowns for the Amsterdam shop and a request from it (idempotent)."""

import sqlalchemy as sa

from atelier.catalog.models import ProductType
from atelier.demand.models import MarkdownRule, ShopRequest
from atelier.extensions import db
from atelier.org.models import Site

#: a charity shop's practice: −25 % after 8 weeks on the rail, −50 % after 16
MARKDOWNS = [(56, 2500), (112, 5000)]


def seed() -> None:
    """Add AMS's markdown steps and one open request, if the shop has none yet."""
    shop = db.session.scalar(sa.select(Site).where(Site.code == "AMS"))
    if shop is None:
        return
    if not db.session.scalar(sa.select(MarkdownRule.id).where(MarkdownRule.shop_id == shop.id)):
        for after_days, discount_bp in MARKDOWNS:
            db.session.add(
                MarkdownRule(shop_id=shop.id, after_days=after_days, discount_bp=discount_bp)
            )
    product = db.session.scalar(
        sa.select(ProductType).where(ProductType.is_active.is_(True)).order_by(ProductType.id)
    )
    asked = db.session.scalar(sa.select(ShopRequest.id).where(ShopRequest.shop_id == shop.id))
    if product is not None and not asked:
        db.session.add(
            ShopRequest(
                shop_id=shop.id,
                product_type_id=product.id,
                quantity=10,
                note="Spring colours, please",
                status="open",
            )
        )
    db.session.flush()
