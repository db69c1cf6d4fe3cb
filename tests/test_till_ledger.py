"""The sale ledger itself, on whichever engine the suite runs (PostgreSQL writes a sale in
one statement, SQLite statement by statement): the same rows, the same refusals."""

import json

import pytest
import sqlalchemy as sa

from atelier import audit
from atelier.audit import AuditEntry
from atelier.production.models import Item, ItemEvent
from atelier.till.ledger import LineSpec, SaleConflict, sell
from atelier.till.models import Sale, SaleLine
from tests.factories import make_item, make_sale


def _pieces(world, n):
    """``n`` pieces by Elena in stock at Amsterdam."""
    return [
        make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
        for _ in range(n)
    ]


def _counts(db):
    """How many sales, lines, sold events and sale audit entries there are."""
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
        for model, where in (
            (Sale, ()),
            (SaleLine, ()),
            (ItemEvent, (ItemEvent.kind == "sold",)),
            (AuditEntry, (AuditEntry.action == "till.sale",)),
        )
    )


def test_a_sale_writes_its_lines_events_and_audit_entry_together(world, db):
    """Three pieces given in another order than they were made, one lowered: the sale, its
    lines in the order given (the receipt's order too), the events and the audit entry,
    under the id the caller is given back."""
    a, b, c = _pieces(world, 3)
    db.session.commit()
    sold = sell(
        [LineSpec(c, 1500, 1500), LineSpec(a, 1500, 1500), LineSpec(b, 1200, 1500, "small stain")],
        site=world.sites["AMS"],
        channel="till",
        payment_method="card",
        actor=world.users["shop"],
        audited=audit.entry("till.sale", user=world.users["shop"], shop="AMS"),
    )
    db.session.commit()

    sale = db.session.get(Sale, sold.id)
    assert (sale.total_cents, sale.currency, sale.payment_method) == (4200, "EUR", "card")
    assert sale.created_by_id == world.users["shop"].id
    given = [c.id, a.id, b.id]
    assert [line.item.id for line in sold.lines] == given
    assert [line.item_id for line in sale.lines] == given  # lines come back ordered by id
    lowered = sale.lines[2]
    assert (lowered.price_cents, lowered.list_price_cents, lowered.discount_reason) == (
        1200,
        1500,
        "small stain",
    )
    assert {line.beneficiary_id for line in sale.lines} == {world.elena.id}
    assert {db.session.get(Item, piece.id).status for piece in (a, b, c)} == {"sold"}
    events = db.session.scalars(sa.select(ItemEvent).where(ItemEvent.kind == "sold")).all()
    assert sorted(event.item_id for event in events) == sorted(given)
    assert {(event.site_id, event.note) for event in events} == {(world.sites["AMS"].id, "till")}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "till.sale"))
    assert (entry.entity_type, entry.entity_id) == ("sales", str(sold.id))
    assert entry.user_id == world.users["shop"].id
    assert json.loads(entry.details) == {"shop": "AMS"}


def test_a_piece_that_did_not_move_refuses_the_whole_sale(world, db):
    """A piece sold under the caller's feet (its status changed after it was read): 409
    naming that piece only, and after the rollback nothing of the sale exists."""
    free, gone = _pieces(world, 2)
    db.session.commit()
    db.session.execute(sa.update(Item).where(Item.id == gone.id).values(status="sold"))
    with pytest.raises(SaleConflict) as refused:
        sell(
            [LineSpec(free, 1500, 1500), LineSpec(gone, 1500, 1500)],
            site=world.sites["AMS"],
            channel="till",
            payment_method="cash",
            audited=audit.entry("till.sale", user=world.users["shop"]),
        )
    assert refused.value.fields == {gone.code: "not available"}
    assert _counts(db) == (0, 0, 0, 0)  # before the rollback: no sale, line, event or entry
    db.session.rollback()
    assert _counts(db) == (0, 0, 0, 0)
    assert db.session.get(Item, free.id).status == "in_shop"


def test_a_second_active_line_for_a_piece_is_refused_by_the_database(world, db):
    """The partial unique index is the last guard: a piece that is still in stock but has
    an active line (as a racing sale would leave it) cannot get a second one."""
    [piece] = _pieces(world, 1)
    make_sale(world.sites["AMS"], [piece])
    piece.status = "in_shop"  # the state a concurrent sale leaves between its two writes
    db.session.commit()
    before = _counts(db)
    with pytest.raises(SaleConflict):
        sell(
            [LineSpec(piece, 1500, 1500)],
            site=world.sites["AMS"],
            channel="till",
            payment_method="cash",
            audited=audit.entry("till.sale", user=world.users["shop"]),
        )
    db.session.rollback()
    assert _counts(db) == before
    assert (
        db.session.scalar(sa.select(sa.func.count(SaleLine.id)).where(SaleLine.item_id == piece.id))
        == 1
    )


def test_the_same_piece_twice_is_a_programming_error(world, db):
    """Callers refuse a piece scanned twice with a 400 first; the ledger refuses to write."""
    [piece] = _pieces(world, 1)
    db.session.commit()
    with pytest.raises(ValueError):
        sell(
            [LineSpec(piece, 1500, 1500)] * 2,
            site=world.sites["AMS"],
            channel="till",
            payment_method="cash",
        )
    db.session.rollback()
    assert _counts(db) == (0, 0, 0, 0)
    assert db.session.get(Item, piece.id).status == "in_shop"
