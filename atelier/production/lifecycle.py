"""A piece's life as one table, and the one function that moves a piece along it.

Every change of ``items.status`` is made here: :func:`move` checks the move against
:data:`TRANSITIONS`, updates only the pieces still in the expected state (a concurrent
mover finds no row to move), and writes one :class:`ItemEvent` per piece moved, in the
same transaction. The history of a piece is then the replay of its events
(:func:`replay`). The till's PostgreSQL fast path is generated from the same table
(:func:`pg_move_sql`).
"""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from atelier.db import utcnow
from atelier.enums import ItemEventKind as Ev
from atelier.enums import ItemStatus as St
from atelier.extensions import db
from atelier.production.models import Item, ItemEvent
from atelier.production.rules import (  # noqa: F401 - the table's names, re-exported
    STATUS_AFTER,
    TRANSITIONS,
    VOIDABLE,
    IllegalMove,
    event_for,
    replay,
)

ITEMS = Item.__table__
EVENTS = ItemEvent.__table__
#: built once: a statement built per call is keyed for the compiled cache on each run
ADD_EVENTS = EVENTS.insert()


def _froms(from_) -> tuple[St, ...]:
    """One status or several, as a tuple."""
    return (St(from_),) if isinstance(from_, str) else tuple(St(f) for f in from_)


def _kind(froms: tuple[St, ...], to: St, event: str | None) -> Ev:
    """The one event kind of moving from any of ``froms`` to ``to`` (``event`` must agree)."""
    kinds = {event_for(f, to) for f in froms}
    if len(kinds) != 1 or (event is not None and Ev(event) not in kinds):
        raise IllegalMove(f"{froms} → {to} as {event}")
    return kinds.pop()


def move(
    ids: Iterable[int] | None,
    from_,
    to,
    *,
    site_id: int | None = None,
    to_site_id: int | None = None,
    event: str | None = None,
    actor=None,
    note: str = "",
    at=None,
    where: Iterable = (),
    **values,
) -> set[int]:
    """Move the pieces ``ids`` still in ``from_`` (a status or several) and, when
    ``site_id`` is given, at that site, to ``to`` (and to ``to_site_id`` if given); write
    their events. Returns the ids moved.

    ``values`` are further columns to set (``reserved_order_id``); ``where`` further
    conditions. ``ids=None`` moves every piece that the conditions match. The events are at
    the destination site (``to_site_id``, else ``site_id``), by ``actor``, with ``note``.
    Callers compare the result with what they asked for: a piece that did not move was
    moved by someone else meanwhile.
    """
    froms, to = _froms(from_), St(to)
    kind = _kind(froms, to, event)
    if ids is not None:
        ids = list(ids)
        if not ids:
            return set()
    at = at or utcnow()
    if to_site_id is not None:
        values["site_id"] = to_site_id
    conditions = [ITEMS.c.status.in_(froms) if len(froms) > 1 else ITEMS.c.status == froms[0]]
    if ids is not None:
        conditions.append(ITEMS.c.id.in_(ids))
    if site_id is not None:
        conditions.append(ITEMS.c.site_id == site_id)
    conditions.extend(where)
    statement = (
        ITEMS.update()
        .where(*conditions)
        .values(status=str(to), updated_at=at, **values)
        .returning(ITEMS.c.id)
    )
    moved = set(db.session.execute(statement).scalars())
    if moved:
        write_events(
            sorted(moved),
            kind,
            at=at,
            site_id=values.get("site_id", site_id),
            user_id=getattr(actor, "id", None),
            note=note,
        )
        _forget(moved, ["status", "updated_at", *values])
    return moved


def take_reserved(ids: list[int], order_id: int, *, at) -> set[int]:
    """The pieces still reserved for this order, taken by it as it is paid: no longer held
    for the order (the sale moves them on). No change of status, so no event."""
    if not ids:
        return set()
    statement = (
        ITEMS.update()
        .where(
            ITEMS.c.id.in_(ids),
            ITEMS.c.status == str(St.RESERVED),
            ITEMS.c.reserved_order_id == order_id,
        )
        .values(reserved_order_id=None, updated_at=at)
        .returning(ITEMS.c.id)
    )
    taken = set(db.session.execute(statement).scalars())
    _forget(taken, ["reserved_order_id", "updated_at"])
    return taken


def write_events(ids, kind, *, at, site_id, user_id, note="", connection=None) -> None:
    """One event of ``kind`` per piece, in one INSERT (also for pieces just made)."""
    rows = [
        dict(item_id=i, at=at, kind=str(kind), site_id=site_id, user_id=user_id, note=note[:200])
        for i in ids
    ]
    if rows:
        (connection or db.session).execute(ADD_EVENTS, rows)


def _forget(ids: set[int], attributes: list[str]) -> None:
    """Pieces loaded in the session forget what changed under them in Core."""
    identity_map = db.session.identity_map
    for item_id in ids:
        item = identity_map.get(identity_key(Item, item_id))
        if item is not None:
            db.session.expire(item, attributes)


def prepared(from_: St, to: St):
    """A prebuilt conditional UPDATE for a hot path (building one costs more than SQLite
    takes to run it): binds ``b_ids`` (expanding), ``b_site`` and ``b_now``; returns ids.
    Run it with :func:`run_prepared`, which writes the events too."""
    event_for(from_, to)
    key = (from_, to)
    if key not in _PREPARED:
        _PREPARED[key] = (
            ITEMS.update()
            .where(
                ITEMS.c.id.in_(sa.bindparam("b_ids", expanding=True)),
                ITEMS.c.status == str(from_),
                ITEMS.c.site_id == sa.bindparam("b_site"),
            )
            .values(status=str(to), updated_at=sa.bindparam("b_now", type_=ITEMS.c.updated_at.type))
            .returning(ITEMS.c.id)
        )
    return _PREPARED[key]


_PREPARED: dict = {}


def run_prepared(connection, ids: list[int], from_: St, to: St, *, site_id, at, user_id, note):
    """Move with a :func:`prepared` statement on a Core connection; events only when every
    piece moved (a partial move is refused by the caller, whose transaction is rolled back).
    Returns the ids moved."""
    moved = set(
        connection.execute(
            prepared(from_, to), {"b_ids": ids, "b_site": site_id, "b_now": at}
        ).scalars()
    )
    if len(moved) == len(ids):
        write_events(
            ids,
            event_for(from_, to),
            at=at,
            site_id=site_id,
            user_id=user_id,
            note=note,
            connection=connection,
        )
    return moved


def pg_move_sql(from_: St, to: St, *, ids: str, site_id: str, at: str, user_id: str, note: str):
    """The same move as two PostgreSQL CTE bodies, ``(moved, events)``, for one statement
    that also writes other rows: ``moved`` updates and returns ids; ``events`` inserts one
    event per moved id. The arguments are SQL expressions (bind names) for the values; the
    caller may add a ``FROM`` guard to ``events`` (it ends with ``FROM moved``)."""
    kind = event_for(from_, to)
    # the statuses and the kind are the table's enum members, never input
    moved = (
        f"UPDATE items SET status = '{to}', updated_at = {at} "  # noqa: S608
        f"WHERE id = ANY({ids}) AND status = '{from_}' AND site_id = {site_id} RETURNING id"
    )
    events = (
        "INSERT INTO item_events (item_id, at, kind, site_id, user_id, note) "  # noqa: S608
        f"SELECT moved.id, {at}, '{kind}', {site_id}, {user_id}, {note} FROM moved"
    )
    return moved, events


def born(ids, status: St, *, at, site_id, user_id) -> None:
    """The first event of pieces just made (inserted in ``status``)."""
    write_events(ids, event_for(None, St(status)), at=at, site_id=site_id, user_id=user_id)
