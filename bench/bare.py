"""Bench baseline: a bare Flask app doing only what a till sale must do in the database.

One indexed read of the pieces by code and one conditional UPDATE of their status, in one
transaction: no auth, no sale rows, no events. The real till is measured against it.
``gunicorn 'bench.bare:create_bare_app()'`` reads DATABASE_URL.

``/bare/full-sales`` is the other bound: the same bare app doing every statement the till
sale does (the token's user and sites, the pieces with their prices and receipts, the
conditional UPDATE, the sale, its lines, the events, the audit entry), with nothing of the
framework around them: no extensions, no validation, no rules. What the till takes beyond
it is the framework's and the rules' share; what it takes beyond the baseline is mostly
SQL the sale cannot skip (bench/RESULTS.md, the till sale's floor).
"""

import hashlib
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, jsonify, request

import atelier.db  # noqa: F401 - the same SQLite pragmas as the app
from bench.dbutil import normalise

#: the baseline reads id, code, status and site_id; the floor the rest as well
items = sa.table(
    "items",
    sa.column("id"),
    sa.column("code"),
    sa.column("status"),
    sa.column("site_id"),
    sa.column("beneficiary_id"),
    sa.column("product_type_id"),
    sa.column("updated_at", sa.DateTime),
)
sites = sa.table("sites", sa.column("id"), sa.column("code"))
tokens = sa.table(
    "api_tokens",
    sa.column("id"),
    sa.column("user_id"),
    sa.column("token_hash"),
    sa.column("expires_at", sa.DateTime),
    sa.column("revoked_at", sa.DateTime),
)
users = sa.table("users", sa.column("id"), sa.column("role"), sa.column("is_enabled"))
user_sites = sa.table("user_sites", sa.column("user_id"), sa.column("site_id"))
rules = sa.table(
    "product_rules",
    sa.column("product_type_id"),
    sa.column("effective_from"),
    sa.column("price_cents"),
)
events = sa.table(
    "item_events",
    sa.column("item_id"),
    sa.column("at", sa.DateTime),
    sa.column("kind"),
    sa.column("site_id"),
    sa.column("user_id"),
    sa.column("note"),
)
sales = sa.table(
    "sales",
    sa.column("id"),
    sa.column("site_id"),
    sa.column("channel"),
    sa.column("payment_method"),
    sa.column("currency"),
    sa.column("total_cents"),
    sa.column("sold_at", sa.DateTime),
    sa.column("created_by_id"),
)
lines = sa.table(
    "sale_lines",
    sa.column("sale_id"),
    sa.column("item_id"),
    sa.column("beneficiary_id"),
    sa.column("list_price_cents"),
    sa.column("price_cents"),
    sa.column("currency"),
    sa.column("discount_reason"),
    sa.column("is_returned", sa.Boolean),
)
audit = sa.table(
    "audit_entries",
    sa.column("at", sa.DateTime),
    sa.column("user_id"),
    sa.column("action"),
    sa.column("entity_type"),
    sa.column("entity_id"),
    sa.column("details"),
    sa.column("remote_addr"),
)
receipts = events.alias("receipts")


def create_bare_app(url: str | None = None) -> Flask:
    """The baseline app on ``url`` (default: DATABASE_URL)."""
    app = Flask("bare")
    engine = sa.create_engine(normalise(url or os.environ["DATABASE_URL"]))
    app.extensions["bare_engine"] = engine

    @app.get("/bare/items/<code>")
    def scan(code):
        """One indexed read."""
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(items.c.id, items.c.status).where(items.c.code == code)
            ).first()
        if row is None:
            return jsonify(error="unknown"), 404
        return jsonify(code=code, status=row.status)

    @app.post("/bare/sales")
    def sell():
        """Read the pieces by code, move them in_shop → sold conditionally; all or nothing."""
        body = request.get_json()
        codes, shop = body["codes"], body["shop"]
        with engine.begin() as conn:
            rows = conn.execute(
                sa.select(items.c.id)
                .select_from(items.join(sites, sites.c.id == items.c.site_id))
                .where(items.c.code.in_(codes), sites.c.code == shop)
            ).all()
            ids = [row.id for row in rows]
            moved = (
                conn.execute(
                    items.update()
                    .where(items.c.id.in_(ids), items.c.status == "in_shop")
                    .values(status="sold")
                    .returning(items.c.id)
                ).all()
                if ids
                else []
            )
            if len(moved) != len(codes):
                conn.rollback()
                return jsonify(error="not available"), 409
        return jsonify(items=codes), 201

    @app.post("/bare/full-sales")
    def full_sell():
        """Every statement of a till sale, bare (see the module's docstring)."""
        body = request.get_json()
        codes, shop = body["codes"], body["shop"]
        secret = request.headers["Authorization"].removeprefix("Bearer ")
        now = datetime.now(UTC)
        with engine.begin() as conn:
            digest = hashlib.sha256(secret.encode()).hexdigest()
            user = conn.execute(TOKEN_USER, {"digest": digest, "now": now}).all()
            site = next((s for s in user if s.code == shop), None)
            if site is None:
                return jsonify(error="forbidden"), 403
            pieces = conn.execute(PRICED, {"codes": codes, "site_id": site.id}).all()
            moved = conn.execute(
                SELL, {"ids": [p.id for p in pieces], "shop": site.id, "now": now}
            ).all()
            if len(moved) != len(codes):
                conn.rollback()
                return jsonify(error="not available"), 409
            _write_sale(conn, pieces, site, user[0].user_id, now)
        return jsonify(items=codes), 201

    return app


# the floor's statements, built once (as the till's are): the cheapest way through
# SQLAlchemy to run the till's SQL
NOW = sa.bindparam("now", type_=sa.DateTime)
TOKEN_USER = (
    sa.select(users.c.id.label("user_id"), users.c.role, sites.c.id, sites.c.code)
    .select_from(
        tokens.join(users, users.c.id == tokens.c.user_id)
        .join(user_sites, user_sites.c.user_id == users.c.id)
        .join(sites, sites.c.id == user_sites.c.site_id)
    )
    .where(
        tokens.c.token_hash == sa.bindparam("digest"),
        tokens.c.revoked_at.is_(None),
        tokens.c.expires_at > NOW,
        users.c.is_enabled.is_(True),
    )
)
PRICED = (
    sa.select(
        items.c.id,
        items.c.beneficiary_id,
        rules.c.effective_from,
        rules.c.price_cents,
        sa.select(sa.func.max(receipts.c.at))
        .where(
            receipts.c.item_id == items.c.id,
            receipts.c.site_id == sa.bindparam("site_id"),
            receipts.c.kind == "received",
        )
        .scalar_subquery()
        .label("received_at"),
    )
    .outerjoin(rules, rules.c.product_type_id == items.c.product_type_id)
    .where(items.c.code.in_(sa.bindparam("codes", expanding=True)))
)
SELL = (
    items.update()
    .where(
        items.c.id.in_(sa.bindparam("ids", expanding=True)),
        items.c.status == "in_shop",
        items.c.site_id == sa.bindparam("shop"),
    )
    .values(status="sold", updated_at=NOW)
    .returning(items.c.id)
)
ADD_SALE = sales.insert().returning(sales.c.id)
ADD_LINES = lines.insert()
ADD_EVENTS = events.insert()
ADD_AUDIT = audit.insert()


def _write_sale(conn, pieces: list, site, user_id: int, now: datetime) -> None:
    """The sale, its lines, the pieces' events and the audit entry."""
    price = {p.id: p.price_cents or 0 for p in pieces}
    beneficiary = {p.id: p.beneficiary_id for p in pieces}
    sale_id = conn.execute(
        ADD_SALE,
        dict(
            site_id=site.id,
            channel="till",
            payment_method="card",
            currency="EUR",
            total_cents=sum(price.values()),
            sold_at=now,
            created_by_id=user_id,
        ),
    ).scalar_one()
    conn.execute(
        ADD_LINES,
        [
            dict(
                sale_id=sale_id,
                item_id=i,
                beneficiary_id=beneficiary[i],
                list_price_cents=p,
                price_cents=p,
                currency="EUR",
                discount_reason="",
                is_returned=False,
            )
            for i, p in price.items()
        ],
    )
    conn.execute(
        ADD_EVENTS,
        [
            dict(item_id=i, at=now, kind="sold", site_id=site.id, user_id=user_id, note="till")
            for i in price
        ],
    )
    conn.execute(
        ADD_AUDIT,
        dict(
            at=now,
            user_id=user_id,
            action="till.sale",
            entity_type="sales",
            entity_id=str(sale_id),
            details="{}",
            remote_addr="",
        ),
    )
