"""Production and catalogue services against the database (no HTTP)."""

import io
import threading
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from atelier.auth.models import User
from atelier.catalog import services as catalog
from atelier.catalog.photos import MAX_UPLOAD_BYTES
from atelier.errors import Invalid
from atelier.extensions import db as session_db
from atelier.production import services
from atelier.production.models import Item, ProductionEntry
from tests.factories import photo_bytes, sync_item_seq


@pytest.fixture(autouse=True)
def request_context(app, db):  # noqa: ARG001 - the database is set up first
    """Services translate their messages, which needs a request (as in production)."""
    with app.test_request_context():
        yield


def _log(world, quantity=2, user="supervisor", **kw):
    return services.log_production(
        world.users[user], world.elena.maker_code, "TOTE", quantity, date(2026, 3, 2), **kw
    )


@pytest.mark.usefixtures("db")
def test_codes_stay_gap_free_across_entries_and_voids(world):
    """Codes run on without a gap, and a voided entry keeps its numbers."""
    site = sync_item_seq(world.sites["ORA"])
    start = site.item_seq
    first, _ = _log(world, 2)
    services.void_entry(world.users["supervisor"], first.id)
    second, _ = _log(world, 3)
    codes = [i.code for i in first.items + second.items]
    assert codes == [f"ORA-{n:06d}" for n in range(start + 1, start + 6)]


def test_a_refused_save_hands_out_no_number(world, db):
    """A save refused after validation leaves the counter where it was."""
    site = sync_item_seq(world.sites["ORA"])
    db.session.commit()
    before = site.item_seq
    with pytest.raises(Invalid):
        _log(world, 0)
    db.session.rollback()
    db.session.refresh(site)
    assert site.item_seq == before


@pytest.mark.usefixtures("db")
def test_exited_makers_cannot_get_new_pieces(world):
    """A maker who left the programme is refused, naming her."""
    world.elena.is_exited = True
    with pytest.raises(Invalid) as caught:
        _log(world)
    assert "beneficiary" in caught.value.fields


@pytest.mark.usefixtures("db")
def test_an_oversized_photo_is_refused(world):
    """More than 5 MB is refused before decoding."""
    with pytest.raises(Invalid) as caught:
        catalog.set_photo(world.tote, b"\x89PNG" + b"0" * MAX_UPLOAD_BYTES)
    assert "photo" in caught.value.fields


@pytest.mark.usefixtures("db")
def test_a_big_photo_is_scaled_down(world):
    """A 3000-pixel upload is stored at most 1200 pixels wide."""
    catalog.set_photo(world.tote, photo_bytes("JPEG", size=(3000, 2000)))
    assert Image.open(io.BytesIO(world.tote.photo)).size == (1200, 800)


def _in_threads(app, count, work):
    """Run ``work(i)`` in ``count`` threads at once, each in its own app context."""
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                work(i)
                session_db.session.commit()
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                session_db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
def test_concurrent_saves_get_distinct_gap_free_codes(app, world, db):
    """Eight tablets saving at the same moment: 24 distinct codes, no gap, no error."""
    site = sync_item_seq(world.sites["ORA"])
    db.session.commit()
    start = site.item_seq
    supervisor_id, maker = world.users["supervisor"].id, world.elena.maker_code

    def work(_i):
        user = session_db.session.get(User, supervisor_id)
        services.log_production(user, maker, "TOTE", 3, date(2026, 3, 2))

    assert _in_threads(app, 8, work) == []
    codes = db.session.scalars(
        sa.select(Item.code).where(Item.production_entry_id.is_not(None))
    ).all()
    assert sorted(codes) == [f"ORA-{n:06d}" for n in range(start + 1, start + 25)]


@pytest.mark.postgres
def test_concurrent_replays_create_one_entry(app, world, db):
    """The same client_id sent by four retries at once creates one entry."""
    sync_item_seq(world.sites["ORA"])
    db.session.commit()
    client_id = str(uuid.uuid4())
    supervisor_id, maker = world.users["supervisor"].id, world.elena.maker_code

    def work(_i):
        user = session_db.session.get(User, supervisor_id)
        services.log_production(user, maker, "TOTE", 2, date(2026, 3, 2), client_id=client_id)

    assert _in_threads(app, 4, work) == []
    assert db.session.scalar(sa.select(sa.func.count(ProductionEntry.id))) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Item.id)).where(Item.production_entry_id.is_not(None))
        )
        == 2
    )
