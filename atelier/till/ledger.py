"""The one way a piece becomes sold, shared by the till and the online shop.

Correctness lives in the database, not in Python: one conditional UPDATE moves every
piece from its expected state to ``sold`` (a concurrent buyer's UPDATE finds no row to
move), and a partial unique index allows one active sale line per item. If any piece
did not move, :class:`SaleConflict` is raised and the caller's transaction must be
rolled back, so a sale is all-or-nothing. PostgreSQL runs the same writes as one
statement, in one round trip; the suite runs on both engines.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from atelier import audit
from atelier.audit import AuditEntry
from atelier.db import utcnow
from atelier.enums import ItemStatus
from atelier.errors import Conflict
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production import lifecycle
from atelier.production.models import Item
from atelier.till.models import Sale, SaleLine

SALES, LINES = Sale.__table__, SaleLine.__table__
#: the statements of a sale, built once per process (building them costs more than SQLite
#: takes to run them); the guarantee is the lifecycle's move: only pieces still
#: ``from_status`` at the site become sold
ADD_SALE = SALES.insert().returning(SALES.c.id)
ADD_LINES = LINES.insert()
#: the same writes as one PostgreSQL statement (data-modifying CTEs), one round trip instead
#: of four or five. ``moved`` and ``events`` are the lifecycle's move (generated from its
#: table); the sale is inserted only if every piece moved, and the lines, events and audit
#: entry only with the sale. Every piece moved comes back with the sale's id (NULL when
#: nothing was inserted), so the refusal names the same pieces as elsewhere. All CTEs run
#: to completion on one snapshot; the partial unique index and the foreign keys are checked
#: at the end of the statement.
_PG_WRITES = """
WITH moved AS (
    {moved}
), sale AS (
    INSERT INTO sales (site_id, channel, payment_method, currency, total_cents, sold_at,
                       client_id, order_id, created_by_id)
    SELECT :site_id, :channel, :payment_method, :currency, :total_cents, :sold_at,
           :client_id, :order_id, :created_by_id
    WHERE (SELECT count(*) FROM moved) = cardinality(CAST(:item_ids AS integer[]))
    RETURNING id
), lines AS (
    INSERT INTO sale_lines (sale_id, item_id, beneficiary_id, list_price_cents, price_cents,
                            currency, discount_reason, is_returned)
    SELECT sale.id, line.item_id, line.beneficiary_id, line.list_price_cents,
           line.price_cents, :currency, line.discount_reason, false
    FROM sale, unnest(CAST(:item_ids AS integer[]), CAST(:beneficiary_ids AS integer[]),
                      CAST(:list_prices AS integer[]), CAST(:prices AS integer[]),
                      CAST(:reasons AS varchar[])) WITH ORDINALITY
         AS line(item_id, beneficiary_id, list_price_cents, price_cents, discount_reason, n)
    ORDER BY line.n
), events AS (
    {events}, sale
){audited}
SELECT moved.id AS item_id, (SELECT id FROM sale) AS sale_id FROM moved
UNION ALL
SELECT NULL, (SELECT id FROM sale) WHERE NOT EXISTS (SELECT FROM moved)
"""
_PG_AUDITED = """, audited AS (
    INSERT INTO audit_entries (at, user_id, action, entity_type, entity_id, details,
                               remote_addr)
    SELECT :audit_at, :audit_user_id, :audit_action, 'sales', CAST(sale.id AS varchar),
           :audit_details, :audit_remote_addr
    FROM sale
)"""
_TYPES = (sa.bindparam("sold_at", type_=Item.__table__.c.updated_at.type),)
_PG_SELL: dict[tuple[str, bool], sa.TextClause] = {}


def pg_sell(from_status: str, audited: bool) -> sa.TextClause:
    """The one-statement sale of pieces in ``from_status`` (built once per process)."""
    key = (from_status, audited)
    if key not in _PG_SELL:
        moved, events = lifecycle.pg_move_sql(
            ItemStatus(from_status),
            ItemStatus.SOLD,
            ids="CAST(:item_ids AS integer[])",
            site_id=":site_id",
            at=":sold_at",
            user_id=":created_by_id",
            note=":channel",
        )
        text = _PG_WRITES.format(moved=moved, events=events, audited=_PG_AUDITED if audited else "")
        types = _TYPES
        if audited:
            types += (sa.bindparam("audit_at", type_=AuditEntry.__table__.c.at.type),)
        _PG_SELL[key] = sa.text(text).bindparams(*types)
    return _PG_SELL[key]


class SaleConflict(Conflict):
    """A piece is no longer available to sell (sold meanwhile, elsewhere, reserved…)."""

    code = "not_available"


class Piece(Protocol):
    """What selling reads of a piece: an :class:`Item`, or the till's priced row of one."""

    id: int
    code: str
    beneficiary_id: int


@dataclass(frozen=True)
class LineSpec:
    """One piece to sell: the piece, the price charged and its list price."""

    item: Piece
    price_cents: int
    list_price_cents: int
    discount_reason: str = ""


@dataclass(frozen=True)
class SoldLine:
    """A line of a sale just written (the fields of a SaleLine that callers read)."""

    item: Piece
    price_cents: int
    list_price_cents: int
    discount_reason: str


@dataclass(frozen=True)
class Sold:
    """A sale just written: the fields of a :class:`Sale` that callers read (the receipt,
    the API answer), without loading it back."""

    id: int
    site: Site
    channel: str
    payment_method: str
    currency: str
    total_cents: int
    sold_at: datetime
    client_id: str | None
    #: in the order given, which is the order of their ids (a receipt's order)
    lines: list[SoldLine]


def sell(
    lines: list[LineSpec],
    *,
    site,
    channel: str,
    payment_method: str,
    from_status: str = "in_shop",
    client_id: str | None = None,
    order_id: int | None = None,
    actor=None,
    sold_at=None,
    audited: dict | None = None,
) -> Sold:
    """Sell ``lines`` at ``site`` in one all-or-nothing step; returns what it wrote.

    The writes are the conditional UPDATE of the pieces, then the sale, its lines, the
    pieces' events and ``audited`` (an :func:`atelier.audit.entry`) as the sale's audit
    entry. They are Core statements, one round trip on PostgreSQL (:func:`pg_sell`), one
    each elsewhere, and the result is a plain record (:class:`Sold`): on the till's hottest
    path the ORM's unit of work and loading cost more than the SQL."""
    if len({spec.item.id for spec in lines}) < len(lines):
        raise ValueError("the same piece twice in one sale")  # callers refuse it first
    sold_at = sold_at or utcnow()
    actor_id = getattr(actor, "id", None)
    sale = dict(
        site_id=site.id,
        channel=channel,
        payment_method=payment_method,
        currency=site.currency,
        total_cents=sum(spec.price_cents for spec in lines),
        sold_at=sold_at,
        client_id=client_id,
        order_id=order_id,
        created_by_id=actor_id,
    )
    rows = [
        dict(
            item_id=spec.item.id,
            beneficiary_id=spec.item.beneficiary_id,
            list_price_cents=spec.list_price_cents,
            price_cents=spec.price_cents,
            currency=site.currency,
            discount_reason=spec.discount_reason,
            is_returned=False,
        )
        for spec in lines
    ]
    db.session.flush()  # whatever the caller changed goes first; then straight to Core
    conn = db.session.connection()
    write = _write_postgresql if conn.dialect.name == "postgresql" else _write_portable
    try:
        moved, sale_id = write(conn, sale, rows, from_status, audited)
    except IntegrityError:
        db.session.rollback()
        raise SaleConflict(_("A piece in this sale was sold at the same moment.")) from None
    if sale_id is None:  # a piece did not move: nothing was written but the UPDATE
        refused = [spec.item.code for spec in lines if spec.item.id not in moved]
        raise SaleConflict(
            _("Not available to sell: %(codes)s", codes=", ".join(refused)),
            {code: "not available" for code in refused},
        )
    return _written(sale_id, sale, site, lines)


def _write_portable(conn, sale: dict, rows: list[dict], from_status: str, audited):
    """The sale statement by statement (SQLite): UPDATE, then only if every piece moved,
    one INSERT each for the sale, its lines, the events and the audit entry. Returns
    (moved ids, sale id or None)."""
    ids = [row["item_id"] for row in rows]
    moved = lifecycle.run_prepared(
        conn,
        ids,
        ItemStatus(from_status),
        ItemStatus.SOLD,
        site_id=sale["site_id"],
        at=sale["sold_at"],
        user_id=sale["created_by_id"],
        note=sale["channel"],
    )
    if len(moved) < len(ids):
        return moved, None
    sale_id = conn.execute(ADD_SALE, sale).scalar_one()
    if audited:
        conn.execute(audit.INSERT, dict(audited, entity_type="sales", entity_id=str(sale_id)))
    if not rows:
        return moved, sale_id
    conn.execute(ADD_LINES, [dict(row, sale_id=sale_id) for row in rows])
    return moved, sale_id


def _write_postgresql(conn, sale: dict, rows: list[dict], from_status: str, audited):
    """The same writes as :func:`_write_portable` in one round trip (:func:`pg_sell`)."""
    extra = {f"audit_{key}": value for key, value in (audited or {}).items()}
    result = conn.execute(
        pg_sell(from_status, bool(audited)),
        dict(
            sale,
            **extra,
            from_status=from_status,
            item_ids=[row["item_id"] for row in rows],
            beneficiary_ids=[row["beneficiary_id"] for row in rows],
            list_prices=[row["list_price_cents"] for row in rows],
            prices=[row["price_cents"] for row in rows],
            reasons=[row["discount_reason"] for row in rows],
        ),
    ).all()
    moved = {row.item_id for row in result if row.item_id is not None}
    return moved, result[0].sale_id


def _written(sale_id: int, sale: dict, site, lines: list[LineSpec]) -> Sold:
    """The record of the sale just written. ORM pieces in the session forget the status
    they had (it changed under them in Core)."""
    for spec in lines:
        if isinstance(spec.item, Item):
            db.session.expire(spec.item, ["status", "updated_at"])
    sold = [
        SoldLine(
            item=spec.item,
            price_cents=spec.price_cents,
            list_price_cents=spec.list_price_cents,
            discount_reason=spec.discount_reason,
        )
        for spec in lines
    ]
    return Sold(
        id=sale_id,
        site=site,
        lines=sold,
        **{
            key: sale[key]
            for key in (
                "channel",
                "payment_method",
                "currency",
                "total_cents",
                "sold_at",
                "client_id",
            )
        },
    )
