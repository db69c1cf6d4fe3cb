"""Bench load test: gunicorn (4 workers) on PostgreSQL, 20 tills selling distinct pieces and a
few tills fighting over the same ones, then a database check: no double sale, no lost sale.

Traffic goes only to 127.0.0.1, bounded by time (``--seconds``) and by count (pieces per till).
The bare baseline runs the same load, which also proves the harness before the till exists.
``python -m bench.load [--seconds 30] [--tills 20] [--fighters 4]``
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import sqlalchemy as sa

from atelier.extensions import db
from bench import dbutil, fixtures
from bench.generate import generate
from bench.run import routed

SALES_PER_TILL = 600  #: count bound per till, on top of the time bound
CONTESTED = 300  #: pieces the fighting tills all try to sell


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(target: str, url: str, port: int, workers: int, log) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:port and wait until it answers."""
    app = "wsgi:app" if target == "api" else "bench.bare:create_bare_app()"
    env = {
        **os.environ,
        "DATABASE_URL": dbutil.plain(url),
        "SECRET_KEY": "bench-only-secret",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "PUBLIC_RATE_LIMIT": "100000 per minute",
    }
    proc = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--preload",
            "--no-control-socket",
            app,
        ],
        cwd=dbutil.ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench-ready")  # any answer (a 404) means a worker serves
            conn.getresponse().read()
            conn.close()
            return proc
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("gunicorn did not start in 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the gunicorn we started (by its pid), killing it if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def till(port, target, token, shop, baskets, deadline, results, lock):
    """One till: sell the baskets in order until they run out or the time is up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = "/api/v1/sales" if target == "api" else "/bare/sales"
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    for codes in baskets:
        if time.monotonic() >= deadline:
            break
        if target == "api":
            body = {"shop": shop, "payment_method": "card", "lines": [{"scan": c} for c in codes]}
        else:
            body = {"shop": shop, "codes": codes}
        started = time.perf_counter()
        try:
            conn.request("POST", path, json.dumps(body), headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, payload = f"{type(exc).__name__}", b""
            conn.close()
        elapsed = time.perf_counter() - started
        sale_id = None
        if status == 201 and target == "api":
            sale_id = json.loads(payload).get("id")
        with lock:
            results.append((status, elapsed, codes, sale_id))
    conn.close()


def plan(conn, tills: int, fighters: int, rng: random.Random):
    """Fresh pieces: each distinct till gets its own baskets of 1–3; fighters share a pool."""
    jobs = []
    for k in range(tills):
        shop = "AMS" if k % 2 == 0 else "RTM"
        sizes = [rng.choice((1, 1, 2, 3)) for _ in range(SALES_PER_TILL)]
        codes = fixtures.add_pieces(conn, "ORA", shop, sum(sizes), "in_shop")
        baskets, at = [], 0
        for size in sizes:
            baskets.append(codes[at : at + size])
            at += size
        jobs.append((shop, baskets, False))
    pool = fixtures.add_pieces(conn, "ORA", "AMS", CONTESTED, "in_shop")
    for _ in range(fighters):  # all in the same order: they collide on every piece
        jobs.append(("AMS", [[c] for c in pool], True))
    return jobs


def check(url: str, target: str, results) -> dict:
    """Count doubles and lost sales: in the answers, and in the database."""
    acked: dict[str, list] = {}
    for status, _, codes, sale_id in results:
        if status == 201:
            for code in codes:
                acked.setdefault(code, []).append(sale_id)
    double_acked = sum(1 for ids in acked.values() if len(ids) > 1)
    engine = sa.create_engine(dbutil.normalise(url))
    with engine.connect() as conn:
        status_of = dict(
            conn.execute(
                sa.text("SELECT code, status FROM items WHERE code = ANY(:codes)"),
                {"codes": list(acked)},
            ).all()
        )
        lost = sum(1 for code in acked if status_of.get(code) != "sold")
        out = {
            "acknowledged_pieces": len(acked),
            "double_acknowledged": double_acked,
            "acknowledged_not_sold": lost,
        }
        if target == "api":
            out["items_with_two_active_lines"] = conn.scalar(
                sa.text(
                    "SELECT COUNT(*) FROM (SELECT item_id FROM sale_lines WHERE NOT is_returned "
                    "GROUP BY item_id HAVING COUNT(*) > 1) AS d"
                )
            )
            lines = dict(
                conn.execute(
                    sa.text(
                        "SELECT i.code, l.sale_id FROM sale_lines l "
                        "JOIN items i ON i.id = l.item_id "
                        "WHERE NOT l.is_returned AND i.code = ANY(:codes)"
                    ),
                    {"codes": list(acked)},
                ).all()
            )
            out["acknowledged_sale_missing"] = sum(
                1 for code, ids in acked.items() if lines.get(code) != ids[0]
            )
    engine.dispose()
    return out


def run(target: str, url: str, seconds: float, tills: int, fighters: int, workers: int) -> dict:
    """One load run against ``target`` ('api' or 'bare'); returns its figures."""
    app = dbutil.make_app(url)
    with app.app_context(), db.engine.begin() as conn:
        jobs = plan(conn, tills, fighters, random.Random(7))  # noqa: S311
    names = {"AMS": "bench-shop-ams", "RTM": "bench-shop-rtm"}
    port = free_port()
    with open(dbutil.DATA / f"gunicorn-{target}.log", "w") as log:
        proc = start_server(target, url, port, workers, log)
        try:
            results, lock, threads = [], threading.Lock(), []
            tokens = [fixtures.tokens(app, [names[shop]])[names[shop]] for shop, _, _ in jobs]
            started = time.monotonic()
            deadline = started + seconds
            for (shop, baskets, _), token in zip(jobs, tokens, strict=True):
                threads.append(
                    threading.Thread(
                        target=till,
                        args=(port, target, token, shop, baskets, deadline, results, lock),
                    )
                )
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(seconds + 60)
            duration = time.monotonic() - started
        finally:
            stop_server(proc)
    latencies = sorted(r[1] for r in results)
    by_status: dict[str, int] = {}
    for status, *_ in results:
        by_status[str(status)] = by_status.get(str(status), 0) + 1
    errors = sum(n for s, n in by_status.items() if s not in ("201", "409"))
    return {
        "status": "ok",
        "target": target,
        "workers": workers,
        "tills": tills,
        "fighters": fighters,
        "seconds": round(duration, 1),
        "requests": len(results),
        "sales_per_s": round(by_status.get("201", 0) / duration, 1),
        "requests_per_s": round(len(results) / duration, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "by_status": by_status,
        "errors": errors,
        **check(url, target, results),
    }


def main() -> None:
    """Generate a small history on PostgreSQL, then load the bare baseline and the till."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--tills", type=int, default=20)
    parser.add_argument("--fighters", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--out", default=str(dbutil.DATA / "load.json"))
    args = parser.parse_args()
    url = dbutil.url_for("postgresql", "atelier_bench_load")

    out = {}
    if dbutil.reachable("postgresql"):
        generate(url, "S")
    else:
        out = {t: {"status": "PostgreSQL not reachable"} for t in ("bare", "api")}
    for target in [t for t in ("bare", "api") if t not in out]:
        if target == "api" and not routed(dbutil.make_app(url), "POST", "/api/v1/sales"):
            out[target] = {"status": "not available yet"}
        else:
            out[target] = run(target, url, args.seconds, args.tills, args.fighters, args.workers)
        print(target, out[target], flush=True)
    dbutil.DATA.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
