"""A piece's life is one table, and only the lifecycle module changes a piece's status."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from atelier.db import utcnow
from atelier.enums import ItemEventKind, ItemStatus
from atelier.extensions import db as database
from atelier.production import lifecycle, services
from atelier.production.models import Item, ItemEvent
from atelier.production.rules import TRANSITIONS, IllegalMove, event_for, replay
from atelier.stock import services as stock
from atelier.till.ledger import LineSpec, sell
from atelier.webshop import fulfilment
from atelier.webshop.models import Order
from tests.factories import make_order, sync_item_seq

St, Ev = ItemStatus, ItemEventKind
ATELIER = Path(__file__).resolve().parent.parent / "atelier"
LIFECYCLE = ATELIER / "production" / "lifecycle.py"

#: DESIGN.md: in_atelier → in_transit → in_shop → (reserved) → sold → (returned → in_shop |
#: written_off); rejected at QC; a mistaken entry voided; a reservation released
DESIGN = {
    (None, St.IN_ATELIER),
    (None, St.REJECTED),
    (St.IN_ATELIER, St.VOIDED),
    (St.REJECTED, St.VOIDED),
    (St.IN_ATELIER, St.IN_TRANSIT),
    (St.IN_TRANSIT, St.IN_SHOP),
    (St.IN_SHOP, St.RESERVED),
    (St.RESERVED, St.IN_SHOP),
    (St.RESERVED, St.SOLD),
    (St.IN_SHOP, St.SOLD),
    (St.SOLD, St.IN_SHOP),
    (St.SOLD, St.WRITTEN_OFF),
}


def test_the_table_holds_every_move_of_the_design_and_nothing_else():
    assert set(TRANSITIONS) == DESIGN
    assert event_for(St.SOLD, St.IN_SHOP) == Ev.RETURNED
    assert event_for(St.RESERVED, St.IN_SHOP) == Ev.RELEASED
    assert set(TRANSITIONS.values()) == set(Ev)  # every kind of event is some move's


def test_a_move_outside_the_table_is_refused():
    with pytest.raises(IllegalMove):
        event_for(St.IN_ATELIER, St.SOLD)
    with pytest.raises(IllegalMove):
        lifecycle.move([1], St.WRITTEN_OFF, St.IN_SHOP)


def test_replay_follows_the_table():
    assert replay(["made", "shipped", "received", "sold", "returned"]) == St.IN_SHOP
    assert replay(["made", "shipped", "received", "reserved", "sold"]) == St.SOLD
    assert replay(["rejected", "voided"]) == St.VOIDED
    assert replay([]) is None
    with pytest.raises(IllegalMove):  # a history ending at "reserved" while back on the shelf
        replay(["made", "shipped", "received", "sold", "received"])


#: ways code could change ``items.status`` without the lifecycle: raw SQL, Core or ORM
#: bulk updates of items, and setting ``.status`` on a loaded piece
FORBIDDEN = (
    re.compile(r"update\s+items\b", re.IGNORECASE),
    re.compile(r"update\(\s*Item\s*\)"),
    re.compile(r"\b(Item\.__table__|ITEMS|items)\.update\("),
    re.compile(r"\b(item|piece|it|i|p)\w*\.status\s*=[^=]"),
    re.compile(r"\b(item|piece)\w*\.\w+\s*,\s*\w+\.status\s*=[^=]"),
)


def test_only_the_lifecycle_module_changes_a_pieces_status():
    offenders = []
    for path in sorted(ATELIER.rglob("*.py")):
        if path == LIFECYCLE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(pattern.search(line) for pattern in FORBIDDEN):
                offenders.append(f"{path.relative_to(ATELIER.parent)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_would_catch_a_raw_status_update():
    samples = [
        "db.session.execute(sa.text(\"UPDATE items SET status = 'sold'\"))",
        "sa.update(Item).values(status='sold')",
        "Item.__table__.update().values(status='sold')",
        "item.status = 'in_shop'",
        "item.site_id, item.status = web.id, 'in_shop'",
    ]
    assert all(any(p.search(s) for p in FORBIDDEN) for s in samples)
    assert not any(p.search("order.status = 'paid'") for p in FORBIDDEN)


def _history(item_id: int) -> list[str]:
    return list(
        database.session.scalars(
            sa.select(ItemEvent.kind)
            .where(ItemEvent.item_id == item_id)
            .order_by(ItemEvent.at, ItemEvent.id)
        )
    )


def _web_pieces(world, n: int) -> list[Item]:
    """``n`` pieces made, shipped to the webshop and received there, through the services."""
    admin = world.users["admin"]
    sync_item_seq(world.sites["ORA"])
    entry, _ = services.log_production(admin, world.elena.maker_code, "TOTE", n, None)
    codes = [item.code for item in entry.items]
    shipment = stock.create_shipment(admin, world.sites["ORA"], world.sites["WEB"], codes)
    stock.finish_receiving(admin, shipment.id, accept_all=True)
    return list(database.session.scalars(sa.select(Item).where(Item.code.in_(codes))))


def test_a_paid_order_that_cannot_be_fulfilled_puts_its_pieces_back_with_an_event(world, db):
    """_put_back used to write no event: the history ended at "reserved" on the shelf."""
    kept, sold = _web_pieces(world, 2)
    web = world.sites["WEB"]
    order = make_order(world, items=[kept, sold])
    fulfilment.release(order, "expired", utcnow())  # both back on the shelf
    sell(
        [LineSpec(item=sold, price_cents=1500, list_price_cents=1500)],
        site=web,
        channel="till",
        payment_method="cash",
    )
    order.status = "pending"  # paid late, after the sweeper let go of its pieces
    assert fulfilment.fulfil(order, None, utcnow()) == "flagged"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "flagged"
    assert db.session.get(Item, kept.id).status == St.IN_SHOP
    assert _history(kept.id)[-2:] == ["reserved", "released"]
    assert replay(_history(kept.id)) == St.IN_SHOP
    assert replay(_history(sold.id)) == St.SOLD


def test_a_move_returns_only_the_pieces_that_moved_and_writes_their_events(world, db):
    first, second = _web_pieces(world, 2)
    web = world.sites["WEB"]
    moved = lifecycle.move([first.id], St.IN_SHOP, St.RESERVED, site_id=web.id, note="o1")
    again = lifecycle.move([first.id, second.id], St.IN_SHOP, St.RESERVED, site_id=web.id)
    assert moved == {first.id}
    assert again == {second.id}
    assert first.status == St.RESERVED  # the loaded piece forgot its old status
    assert _history(first.id)[-1] == "reserved"
    assert _history(first.id).count("reserved") == 1
    elsewhere = lifecycle.move([first.id], St.RESERVED, St.IN_SHOP, site_id=world.sites["AMS"].id)
    assert elsewhere == set()
    assert db.session.get(Item, first.id).status == St.RESERVED


def test_a_late_payment_for_released_pieces_records_their_reservation_again(world, db):
    """A payment after the sweeper let go: the claim (in_shop → reserved, then sold) used
    to write no "reserved" event, so the history jumped from the shelf to sold."""
    [piece] = _web_pieces(world, 1)
    order = make_order(world, items=[piece])
    fulfilment.release(order, "expired", utcnow())
    order.status = "pending"
    assert fulfilment.fulfil(order, None, utcnow()) == "sold"
    db.session.expire_all()
    assert db.session.get(Item, piece.id).status == St.SOLD
    assert _history(piece.id)[-3:] == ["received", "reserved", "sold"]
    assert replay(_history(piece.id)) == St.SOLD
