"""Demo production: a few months of pieces by the demo makers at ORA (idempotent)."""

import random
import uuid
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from atelier.catalog import demo as catalog_demo
from atelier.catalog.models import ProductType
from atelier.extensions import db
from atelier.org.models import Site
from atelier.people.models import Beneficiary
from atelier.production import services

DAYS = 120
#: the demo seeds as the system, which may act at any site
SYSTEM = SimpleNamespace(id=None, role="admin", is_authenticated=False)
NAMESPACE = uuid.UUID("5f1d6a52-7c39-4c1e-9a43-2a9d3c0e7a11")


def seed() -> None:
    """Log pieces on most weekdays of the last four months for each maker at ORA."""
    site = db.session.scalar(sa.select(Site).where(Site.code == "ORA"))
    if site is None:
        return
    catalog_demo.seed()
    makers = db.session.scalars(
        sa.select(Beneficiary)
        .where(Beneficiary.site_id == site.id, Beneficiary.is_exited.is_(False))
        .order_by(Beneficiary.id)
    ).all()
    products = db.session.scalars(
        sa.select(ProductType).where(ProductType.is_active.is_(True)).order_by(ProductType.sku)
    ).all()
    products = [p for p in products if p.rules]
    if not makers or not products:
        return
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not a secret
    today = services.site_today(site)
    first_rule = min(r.effective_from for p in products for r in p.rules)
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5 or day < first_rule:
            continue
        for maker in makers:
            for n in range(rng.choice((0, 1, 1, 2))):
                product = rng.choice(products)
                quantity = rng.randint(1, 4)
                qc = "rejected" if rng.random() < 0.05 else "passed"
                client_id = str(uuid.uuid5(NAMESPACE, f"{maker.maker_code}|{day}|{n}"))
                services.log_production(
                    SYSTEM, maker.maker_code, product.sku, quantity, day, qc, client_id
                )
    db.session.flush()
