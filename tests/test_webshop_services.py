"""Use cases of the online shop, without HTTP: the sweeper, demo data, prices, release."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from atelier.catalog.models import ProductRule
from atelier.db import utcnow
from atelier.production.models import Item
from atelier.webshop import demo, fulfilment, services
from atelier.webshop.models import Order
from tests.factories import make_item, make_order, make_web_item


@pytest.mark.usefixtures("db")
def test_the_storefront_lists_only_webshop_stock_on_sale(world):
    """Shop stock, reserved and sold pieces are not listed; nothing names the maker."""
    on_sale = make_web_item(world)
    make_web_item(world, status="sold")
    make_web_item(world, status="reserved")
    pieces = services.available_pieces()
    assert [p.tag for p in pieces] == [on_sale.tag]
    assert pieces[0].price_cents == 1500 and pieces[0].currency == "EUR"
    assert not any(hasattr(p, "maker") or hasattr(p, "beneficiary") for p in pieces)


def test_the_price_is_the_rule_in_force_today(world, db):
    """A price change effective today is what a buyer pays."""
    db.session.add(
        ProductRule(
            product_type_id=world.tote.id,
            effective_from=date(2026, 1, 1),
            price_cents=1800,
            price_currency="EUR",
            piece_rate_cents=1000,
            maker_share_bp=2000,
        )
    )
    db.session.flush()
    db.session.expire(world.tote)
    make_web_item(world)
    assert services.available_pieces(now=utcnow())[0].price_cents == 1800
    day_before = utcnow().replace(year=2025)
    assert services.available_pieces(now=day_before)[0].price_cents == 1500


def test_the_sweeper_releases_only_lapsed_pending_orders(world, db):
    """Lapsed → expired and back on sale; fresh and paid orders are untouched."""
    lapsed = make_order(world, expires_at=utcnow() - timedelta(minutes=10))
    fresh = make_order(world)
    paid = make_order(
        world,
        items=[make_web_item(world, status="sold")],
        status="paid",
        expires_at=utcnow() - timedelta(hours=1),
    )
    db.session.commit()
    assert fulfilment.expire_lapsed() == 1
    db.session.commit()
    assert db.session.get(Order, lapsed.id).status == "expired"
    assert db.session.get(Item, lapsed.lines[0].item_id).status == "in_shop"
    assert db.session.get(Order, fresh.id).status == "pending"
    assert db.session.get(Item, fresh.lines[0].item_id).status == "reserved"
    assert db.session.get(Order, paid.id).status == "paid"


def test_releasing_one_order_never_frees_another_orders_piece(world, db):
    """A stale order's release only touches pieces it still holds."""
    piece = make_web_item(world, status="reserved")
    old = make_order(world, items=[piece], status="pending")
    new = make_order(world, items=[make_web_item(world, status="reserved")])
    piece.reserved_order_id = new.id  # the piece now belongs to a newer order
    db.session.flush()
    fulfilment.release(old, "expired", utcnow())
    assert db.session.get(Item, piece.id).status == "reserved"


def test_cli_reservations_expire(world, db, runner):
    """`flask reservations expire` says how many orders it released."""
    make_order(world, expires_at=utcnow() - timedelta(hours=1))
    db.session.commit()
    result = runner.invoke(args=["reservations", "expire"])
    assert result.exit_code == 0, result.output
    assert "released 1" in result.output


def test_demo_moves_atelier_pieces_to_the_webshop_once(world, db):
    """Idempotent; works with no pieces at all."""
    for _ in range(8):
        make_item(world.tote, world.elena)
    demo.seed()
    web = world.sites["WEB"].id
    count = sa.select(sa.func.count(Item.id)).where(Item.site_id == web, Item.status == "in_shop")
    assert db.session.scalar(count) == demo.DEMO_PIECES
    demo.seed()
    assert db.session.scalar(count) == demo.DEMO_PIECES


def test_demo_without_pieces_does_nothing(db):
    """The foundation alone: no items, no error."""
    demo.seed()
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 0
