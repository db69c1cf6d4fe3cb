"""Bench runner: every hot path through the JSON API, at each scale and engine, beside a bare
baseline. Writes bench/data/run.json (``bench/report.py`` turns it into RESULTS.md).

``python -m bench.run [--engines sqlite,postgresql] [--scales S,M,L] [--iterations 7]``
"""

import argparse
import json
import os
import statistics
import time
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from atelier.extensions import db
from atelier.reports import demo as demo_layout
from bench import dbutil, fixtures
from bench.bare import create_bare_app
from bench.generate import generate

ADMIN, SUP, SHOP, MAKER = "bench-admin", "bench-sup-ora", "bench-shop-ams", "bench-maker-1"
#: path name, what it is, the target the issue sets for it
PATHS = [
    ("scan", "till scan: GET /api/v1/items/{code}", "flat"),
    ("sale", "till sale of 3 pieces: POST /api/v1/sales", "flat"),
    ("roll", "roll of 30: PUT /api/v1/sessions/{id}/attendance", "flat"),
    ("production", "log 20 pieces: POST /api/v1/production", ""),
    ("labels", "240-label PDF: POST /api/v1/labels", ""),
    ("earnings", "maker's earnings: GET /api/v1/me/earnings", "flat"),
    ("close", "close a month: POST /api/v1/pay-periods/{YYYY-MM}/close", "bounded"),
    ("indicators", "a year's indicators: GET /api/v1/indicators?year=", "bounded"),
    ("results", "the Results report: GET /api/v1/reports/results?year=", "flat"),
    ("store", "storefront list: GET /store", ""),
    ("demand", "demand figures: GET /api/v1/demand?weeks=12", "bounded"),
    ("plan", "production plan: GET /api/v1/production-plan?site=ORA", "bounded"),
]


class QueryCounter:
    """Counts SQL statements sent on an engine (before_cursor_execute)."""

    def __init__(self, engine):
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args, **_kwargs):
        self.n += 1


def routed(app, method: str, path: str) -> bool:
    """True if the app has a route for this method and path (else: not available yet)."""
    try:
        app.url_map.bind("localhost").match(path.split("?")[0], method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return True


#: calls before timing. A fresh app's first calls are slower and settle after about ten
#: (psycopg prepares a statement on its 6th run; caches fill); from then on a path runs as
#: it does all day in a shop on long-lived pooled connections
WARMUP = 12
#: the till sale and its baseline are cheap and their ratio is a target: more calls, so
#: that the median is steady to a few per cent on a shared machine
PAIR_WARMUP, PAIR_ITERATIONS = 20, 61


def measure(
    app, client, counter, calls, iterations: int, warmup: int = WARMUP, ok=(200, 201)
) -> dict:
    """``warmup`` untimed calls, then ``iterations`` timed; median ms, SQL count, or why not."""
    method, path, kwargs = calls(0)
    if not routed(app, method, path):
        return {"status": "not available yet"}
    times, queries = [], []
    for i in range(warmup + iterations):
        method, path, kwargs = calls(i)
        counter.n = 0
        started = time.perf_counter()
        response = client.open(path, method=method, **kwargs)
        elapsed = time.perf_counter() - started
        if response.status_code not in ok:
            return {
                "status": f"HTTP {response.status_code}",
                "detail": response.get_data(as_text=True)[:300],
            }
        if i >= warmup:
            times.append(elapsed)
            queries.append(counter.n)
    return _summary(times, queries)


def _summary(times: list[float], queries: list[int]) -> dict:
    """Median ms, the SQL count (max and min seen) and the number of timed calls."""
    return {
        "status": "ok",
        "median_ms": round(statistics.median(times) * 1000, 2),
        "queries": max(queries),
        "queries_min": min(queries),
        "n": len(times),
    }


def measure_interleaved(sides, iterations: int, warmup: int = WARMUP) -> list[dict]:
    """Paths timed in turn, call by call (a, b, c, a, b, c…), so that whatever else the
    machine does hits all alike: the till sale, its bare baseline and the same statements
    bare. Each side is (app, client, counter, calls)."""
    if not all(routed(app, *calls(0)[:2]) for app, _client, _counter, calls in sides):
        return [measure(*side, iterations, warmup) for side in sides]
    samples = [([], []) for _ in sides]
    for i in range(warmup + iterations):
        for side, (_app, client, counter, calls) in enumerate(sides):
            method, path, kwargs = calls(i)
            counter.n = 0
            started = time.perf_counter()
            response = client.open(path, method=method, **kwargs)
            elapsed = time.perf_counter() - started
            if response.status_code not in (200, 201):
                failed = {
                    "status": f"HTTP {response.status_code}",
                    "detail": response.get_data(as_text=True)[:300],
                }
                return [failed if n == side else {"status": "not run"} for n in range(len(sides))]
            if i >= warmup:
                samples[side][0].append(elapsed)
                samples[side][1].append(counter.n)
    return [_summary(*sample) for sample in samples]


#: the Results report's layout at every scale: the demo's (built-in, measure and manual rows
#: with parts), so the bench measures the layout a new installation starts with
RESULTS_LAYOUT = {"pillars": demo_layout.PILLARS}


def bench_scale(url: str, gen: dict, iterations: int) -> dict:
    """Every path on one generated database; the till sale in turn with the bare baseline."""
    app = dbutil.make_app(url)
    tok = fixtures.tokens(app, [ADMIN, SUP, SHOP, MAKER])
    n, pairs = WARMUP + iterations, PAIR_WARMUP + PAIR_ITERATIONS
    with app.app_context():
        with db.engine.begin() as conn:
            scan = fixtures.add_pieces(conn, "ORA", "AMS", n, "in_shop")
            sale = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
            bare = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
            floor = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
            labels = fixtures.add_pieces(conn, "ORA", "ORA", 240, "in_atelier")
            sessions, roll = fixtures.add_sessions(conn, "ORA", n)
            maker = fixtures.first_maker_code(conn, "ORA")
        counter = QueryCounter(db.engine)
    client = app.test_client()
    bare_app = create_bare_app(url)
    bare_client, bare_counter = (
        bare_app.test_client(),
        QueryCounter(bare_app.extensions["bare_engine"]),
    )

    def auth(user, **kw):
        return {"headers": {"Authorization": f"Bearer {tok[user]}"}, **kw}

    bare_sides = [
        (
            bare_app,
            bare_client,
            bare_counter,
            lambda i: (
                "POST",
                "/bare/sales",
                {"json": {"shop": "AMS", "codes": bare[3 * i : 3 * i + 3]}},
            ),
        ),
        (
            bare_app,
            bare_client,
            bare_counter,
            lambda i: (
                "POST",
                "/bare/full-sales",
                auth(SHOP, json={"shop": "AMS", "codes": floor[3 * i : 3 * i + 3]}),
            ),
        ),
    ]

    yesterday = (date.today() - timedelta(days=1)).isoformat()  # noqa: DTZ011
    year = (date.today() - timedelta(days=183)).year  # noqa: DTZ011
    months = gen["open_months"]
    calls = {
        "scan": lambda i: ("GET", f"/api/v1/items/{scan[i]}", auth(SHOP)),
        "sale": lambda i: (
            "POST",
            "/api/v1/sales",
            auth(
                SHOP,
                json={
                    "shop": "AMS",
                    "payment_method": "card",
                    "lines": [{"scan": code} for code in sale[3 * i : 3 * i + 3]],
                },
            ),
        ),
        "roll": lambda i: (
            "PUT",
            f"/api/v1/sessions/{sessions[i]}/attendance",
            auth(
                SUP,
                json={
                    "records": [
                        {"beneficiary": c, "status": "present" if k % 7 else "absent"}
                        for k, c in enumerate(roll)
                    ]
                },
            ),
        ),
        "production": lambda _i: (
            "POST",
            "/api/v1/production",
            auth(
                SUP,
                json={
                    "beneficiary": maker,
                    "product_type": "TOTE",
                    "quantity": 20,
                    "made_on": yesterday,
                    "qc": "passed",
                },
            ),
        ),
        "labels": lambda _i: ("POST", "/api/v1/labels", auth(SUP, json={"items": labels})),
        "earnings": lambda _i: ("GET", "/api/v1/me/earnings", auth(MAKER)),
        "close": lambda i: (
            "POST",
            f"/api/v1/pay-periods/{months[i]}/close",
            auth(ADMIN, json={"exchange_rates": {"EUR": "4.9770"}}),
        ),
        "indicators": lambda _i: ("GET", f"/api/v1/indicators?year={year}", auth(ADMIN)),
        "results": lambda _i: ("GET", f"/api/v1/reports/results?year={year}", auth(ADMIN)),
        "store": lambda _i: ("GET", "/store", {}),
        "demand": lambda _i: ("GET", "/api/v1/demand?weeks=12", auth(ADMIN)),
        "plan": lambda _i: ("GET", "/api/v1/production-plan?site=ORA&weeks=12", auth(SUP)),
    }
    if routed(app, "PUT", "/api/v1/indicator-definitions"):
        client.put("/api/v1/indicator-definitions", **auth(ADMIN, json=RESULTS_LAYOUT))
    out = {}
    for name, _, _ in PATHS:
        if name == "sale":
            out["sale"], out["baseline"], out["floor"] = measure_interleaved(
                [(app, client, counter, calls["sale"]), *bare_sides], PAIR_ITERATIONS, PAIR_WARMUP
            )
            for key in ("sale", "baseline", "floor"):
                print(f"    {key:11s} {out[key]}", flush=True)
            continue
        # a month closes once: one warm-up, then the other open months
        warmup, its = (1, len(months) - 1) if name == "close" else (WARMUP, iterations)
        out[name] = measure(app, client, counter, calls[name], its, warmup)
        print(f"    {name:11s} {out[name]}", flush=True)
    with app.app_context():
        db.engine.dispose()
    bare_app.extensions["bare_engine"].dispose()
    return out


def server_version(url: str) -> str:
    """The database server's version string."""
    engine = sa.create_engine(dbutil.normalise(url))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + conn.exec_driver_sql("SELECT sqlite_version()").scalar()
        else:
            version = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return version


def main() -> None:
    """Generate each scale on each engine, run every path, write bench/data/run.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--scales", default="S,M,L")
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--out", default=str(dbutil.DATA / "run.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    loadavg_start = round(os.getloadavg()[0], 1)
    runs = []
    for engine in args.engines.split(","):
        if not dbutil.reachable(engine):
            print(f"== {engine}: not reachable (BENCH_PG_URL={dbutil.PG_BASE}); skipped")
            continue
        for scale in args.scales.split(","):
            url = dbutil.url_for(engine, f"atelier_bench_{scale.lower()}")
            print(f"== {engine} {scale}: generating", flush=True)
            gen = generate(url, scale)
            print(f"   generated in {gen['total_s']} s: {gen['rows']}", flush=True)
            runs.append(
                {
                    "engine": engine,
                    "scale": scale,
                    "version": server_version(url),
                    "generation": gen,
                    "paths": bench_scale(url, gen, args.iterations),
                }
            )
    dbutil.DATA.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(
            {
                "date": time.strftime("%Y-%m-%d %H:%M %Z"),
                "iterations": args.iterations,
                "warmup": WARMUP,
                "pair_iterations": PAIR_ITERATIONS,
                "pair_warmup": PAIR_WARMUP,
                "elapsed_s": round(time.perf_counter() - started),
                "runs": runs,
                "loadavg_start": loadavg_start,
                "loadavg_end": round(os.getloadavg()[0], 1),
            },
            fh,
            indent=1,
            default=str,
        )
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
