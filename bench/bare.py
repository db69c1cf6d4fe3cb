"""Bench baseline: a bare Flask app doing only what a till sale must do in the database.

One indexed read of the pieces by code and one conditional UPDATE of their status, in one
transaction: no auth, no sale rows, no events. The real till is measured against it.
``gunicorn 'bench.bare:create_bare_app()'`` reads DATABASE_URL.
"""

import os

import sqlalchemy as sa
from flask import Flask, jsonify, request

import atelier.db  # noqa: F401 - the same SQLite pragmas as the app
from bench.dbutil import normalise

items = sa.table(
    "items", sa.column("id"), sa.column("code"), sa.column("status"), sa.column("site_id")
)
sites = sa.table("sites", sa.column("id"), sa.column("code"))


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

    return app
