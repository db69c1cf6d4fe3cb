"""A known history for the demand tests, on a controlled clock (see test_api_demand.py)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from atelier.demand.models import ShopRequest
from atelier.extensions import db
from atelier.production.models import ItemEvent
from tests.factories import (
    make_item,
    make_product_type,
    make_return,
    make_sale,
    make_shipment,
)

#: "now" for every figure: Monday 1 June 2026, noon in Amsterdam
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def at(*args) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)


def received(item, site, when) -> None:
    """The receipt event of a piece at a shop."""
    db.session.add(ItemEvent(item_id=item.id, at=when, kind="received", site_id=site.id))
    db.session.flush()


def build(world) -> SimpleNamespace:
    """The history; comments give each piece's part in the hand-computed figures."""
    ams, rtm, ora = world.sites["AMS"], world.sites["RTM"], world.sites["ORA"]
    tote, elena = world.tote, world.elena
    apron = make_product_type(sku="APRON", name="Apron", price_cents=2500)
    make_product_type(sku="OLD", name="Old design", is_active=False)

    def shop_piece(product, shop, when):
        piece = make_item(product, elena, site=shop, status="in_shop")
        received(piece, shop, when)
        return piece

    # AMS, tote. t1: received 01:30 on 1 April (Amsterdam), sold 00:30 on 11 April: 10
    # local days (9 days 23 hours by the clock)
    t1 = shop_piece(tote, ams, at(2026, 3, 31, 23, 30))
    make_sale(ams, [t1], sold_at=at(2026, 4, 10, 22, 30))
    # t2: received 1 April, sold 21 April (20 days), returned 25 April and restocked:
    # on hand again, 61 days since received (8 whole weeks: bucket 8_12)
    t2 = shop_piece(tote, ams, at(2026, 4, 1, 8, 0))
    sale2 = make_sale(ams, [t2], sold_at=at(2026, 4, 21, 12, 0))
    make_return(sale2.lines[0], returned_at=at(2026, 4, 25, 12, 0), restock=True)
    # t3: received 20 May, on hand (12 days: 0_4)
    shop_piece(tote, ams, at(2026, 5, 20, 8, 0))
    # t4: on its way to AMS
    make_shipment(ora, ams, [make_item(tote, elena)])
    # t5: received 5 January (before the window), sold 20 March (in it): 74 days
    t5 = shop_piece(tote, ams, at(2026, 1, 5, 8, 0))
    make_sale(ams, [t5], sold_at=at(2026, 3, 20, 12, 0))
    # t6: received 5 January, still on hand: 147 days (21 weeks: 12_plus)
    shop_piece(tote, ams, at(2026, 1, 5, 8, 0))
    # t7: received and sold before the window: counts nowhere
    t7 = shop_piece(tote, ams, at(2026, 1, 5, 8, 0))
    make_sale(ams, [t7], sold_at=at(2026, 2, 1, 12, 0))
    # (the world's item_shop: a tote on hand at AMS with no receipt recorded: 0_4)

    # RTM, apron. a1: received 1 May, sold 4 May (3 days); a2: on hand, 31 days (4_8)
    a1 = shop_piece(apron, rtm, at(2026, 5, 1, 8, 0))
    make_sale(rtm, [a1], sold_at=at(2026, 5, 4, 12, 0))
    shop_piece(apron, rtm, at(2026, 5, 1, 8, 0))

    # requests: open ones count in the plan, others do not
    for shop, product, quantity, status in (
        (ams, tote, 9, "open"),
        (ams, tote, 3, "declined"),
        (rtm, apron, 10, "open"),
        (rtm, apron, 4, "done"),
    ):
        db.session.add(
            ShopRequest(
                shop_id=shop.id,
                product_type_id=product.id,
                quantity=quantity,
                status=status,
                note="",
            )
        )
    # a tote at the other atelier (BUC) does not count as in ORA's atelier
    make_item(tote, world.oksana)
    db.session.commit()
    return SimpleNamespace(apron=apron)
