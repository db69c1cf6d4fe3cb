"""Demo data for shipments and the till: works with or without pieces, and only once."""

import pytest
import sqlalchemy as sa

from atelier.extensions import db as _db
from atelier.production.models import Item
from atelier.seed import seed_foundation
from atelier.stock import demo as stock_demo
from atelier.stock.models import Shipment
from atelier.till import demo as till_demo
from atelier.till.models import Return, Sale
from tests.factories import make_item, make_product_type


def _count(model):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.usefixtures("db")
def test_demo_without_pieces_adds_nothing():
    """No pieces made yet: no shipments, no sales, no error."""
    seed_foundation()
    stock_demo.seed()
    till_demo.seed()
    assert _count(Shipment) == 0 and _count(Sale) == 0


@pytest.mark.usefixtures("db")
def test_demo_ships_receives_sells_and_returns_once():
    """Pieces go to AMS and RTM, some sell, one comes back; a second run adds nothing."""
    found = seed_foundation()
    tote = make_product_type(sku="TOTE")
    for _ in range(20):
        make_item(tote, found["elena"])
    for _ in range(2):
        stock_demo.seed()
        till_demo.seed()
        _db.session.commit()
    assert _count(Shipment) == 2
    assert _count(Sale) == 3 and _count(Return) == 1
    statuses = dict(
        _db.session.execute(sa.select(Item.status, sa.func.count()).group_by(Item.status)).all()
    )
    assert statuses == {"in_atelier": 6, "in_transit": 1, "in_shop": 10, "sold": 3}
