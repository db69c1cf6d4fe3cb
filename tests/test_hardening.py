"""Hardening findings of issue 15: the demo seed in production, refused uploads."""

import io

import sqlalchemy as sa

from atelier.auth.models import User
from atelier.catalog.models import ProductType
from atelier.org.models import Site
from tests.conftest import sign_in


def test_seed_demo_is_refused_in_production(app, runner, db, monkeypatch):
    """Under ATELIER_ENV=production ``flask seed demo`` exits 1 and creates nothing: no
    admin with the well-known demo password."""
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0


def test_a_refused_photo_on_a_new_product_answers_400(client, world, db):
    """A new product whose photo is not an image: the form comes back with the message and
    a 400 status, and no product is created."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/admin/products",
        data={
            "sku": "apron",
            "name": "Kitchen apron",
            "price": "24.00",
            "price_currency": "EUR",
            "piece_rate": "20",
            "maker_share": "20",
            "effective_from": "2026-01-01",
            "photo": (io.BytesIO(b"%PDF-1.4 not an image"), "apron.jpg"),
        },
    )
    assert response.status_code == 400
    assert "could not be used" in response.text and "Kitchen apron" in response.text
    assert db.session.scalar(sa.select(ProductType).where(ProductType.sku == "APRON")) is None
