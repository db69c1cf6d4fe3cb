"""Demo catalogue: six product types with drawn photos and one price change (idempotent)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from atelier.catalog.models import ProductRule, ProductType
from atelier.catalog.photos import draw_demo_photo
from atelier.db import utcnow
from atelier.extensions import db
from atelier.timeutil import local_date

#: sku, name, description, drawing, colour, price (EUR cents), piece rate (RON bani), share bp
PRODUCTS = [
    (
        "TOTE",
        "Tote bag",
        "A sturdy cotton tote with long handles.",
        "tote",
        (122, 46, 77),
        1800,
        1500,
        2000,
    ),
    (
        "APRON",
        "Kitchen apron",
        "A full apron with a deep front pocket.",
        "apron",
        (31, 111, 92),
        2400,
        2000,
        2000,
    ),
    (
        "POUCH",
        "Zip pouch",
        "A lined zip pouch for pens or make-up.",
        "pouch",
        (196, 140, 40),
        1200,
        900,
        2500,
    ),
    (
        "CUSHION",
        "Cushion cover",
        "A striped cushion cover, 45 × 45 cm.",
        "cushion",
        (70, 98, 160),
        2200,
        1800,
        2000,
    ),
    ("SCARF", "Scarf", "A light scarf with a fringe.", "scarf", (160, 60, 60), 2000, 1600, 2000),
    ("GLOVE", "Oven glove", "A quilted oven glove.", "glove", (90, 90, 90), 1000, 800, 2500),
]


def seed() -> None:
    """Add the demo product types that are missing; never changes existing ones."""
    today = local_date(utcnow(), current_app.config["PAYROLL_TIMEZONE"])
    start = today - timedelta(days=200)
    existing = set(db.session.scalars(sa.select(ProductType.sku)))
    for sku, name, text, kind, colour, price, rate, share in PRODUCTS:
        if sku in existing:
            continue
        product = ProductType(
            sku=sku,
            name=name,
            description=text,
            photo=draw_demo_photo(kind, colour),
            photo_mime="image/jpeg",
            photo_version=1,
        )
        db.session.add(product)
        db.session.flush()
        db.session.add(
            ProductRule(
                product_type=product,
                effective_from=start,
                price_cents=price,
                price_currency="EUR",
                piece_rate_cents=rate,
                maker_share_bp=share,
            )
        )
        if sku == "TOTE":  # a price rise a month ago: older pieces and sales keep 18.00
            db.session.add(
                ProductRule(
                    product_type=product,
                    effective_from=today - timedelta(days=30),
                    price_cents=2000,
                    price_currency="EUR",
                    piece_rate_cents=1600,
                    maker_share_bp=2000,
                )
            )
    db.session.flush()
