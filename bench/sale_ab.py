"""Till sale against its bare baseline, interleaved call by call, on one generated database:
the harness behind the till sale's profile (bench/PROFILING.md).

``python -m bench.sale_ab [--engine sqlite|postgresql] [--scale S] [--pairs 400]
[--profile cprofile|pyinstrument] [--regenerate]``

Prints the medians and their ratio. With ``--profile`` the till side's timed calls run
under the profiler (the ratio is then not meaningful) and its report is printed.
"""

import argparse
import cProfile
import pstats
import statistics
import time

import sqlalchemy as sa

from atelier.extensions import db
from bench import dbutil, fixtures
from bench.bare import create_bare_app
from bench.generate import generate
from bench.run import PAIR_WARMUP, SHOP, QueryCounter


def setup(engine: str, scale: str, pairs: int, regenerate: bool):
    """The app, the baseline app and codes of fresh pieces for ``pairs`` sales on each of
    the till, the baseline and the bare full sale."""

    url = dbutil.url_for(engine, f"atelier_bench_{scale.lower()}")
    if regenerate or not _exists(url):
        generate(url, scale)
    app = dbutil.make_app(url)
    token = fixtures.tokens(app, [SHOP])[SHOP]
    with app.app_context(), db.engine.begin() as conn:
        sale = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
        bare = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
        full = fixtures.add_pieces(conn, "ORA", "AMS", 3 * pairs, "in_shop")
    return url, app, token, sale, bare, full


def _exists(url: str) -> bool:

    try:
        engine = sa.create_engine(dbutil.normalise(url))
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1 FROM items LIMIT 1")
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return False
    return True


def main() -> None:
    """Interleaved pairs, medians and ratio; optionally a profile of the till side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sqlite")
    parser.add_argument("--scale", default="S")
    parser.add_argument("--pairs", type=int, default=400)
    parser.add_argument("--profile", choices=("cprofile", "pyinstrument"))
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    total = PAIR_WARMUP + args.pairs
    url, app, token, sale, bare, full = setup(args.engine, args.scale, total, args.regenerate)

    with app.app_context():
        counter = QueryCounter(db.engine)
    client = app.test_client()
    bare_app = create_bare_app(url)
    bare_client = bare_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    profiler = None
    if args.profile == "cprofile":
        profiler = cProfile.Profile()
    elif args.profile == "pyinstrument":
        from pyinstrument import Profiler  # noqa: PLC0415 (optional: only for --profile)

        profiler = Profiler(interval=0.0005)
    till_times, bare_times, full_times, queries = [], [], [], []
    for i in range(total):
        body = {
            "shop": "AMS",
            "payment_method": "card",
            "lines": [{"scan": c} for c in sale[3 * i : 3 * i + 3]],
        }
        timed = i >= PAIR_WARMUP
        counter.n = 0
        if timed and profiler:
            profiler.enable() if args.profile == "cprofile" else profiler.start()
        started = time.perf_counter()
        response = client.post("/api/v1/sales", json=body, headers=headers)
        elapsed = time.perf_counter() - started
        if timed and profiler:
            profiler.disable() if args.profile == "cprofile" else profiler.stop()
        assert response.status_code == 201, response.get_data(as_text=True)
        if timed:
            till_times.append(elapsed)
            queries.append(counter.n)
        started = time.perf_counter()
        response = bare_client.post(
            "/bare/sales", json={"shop": "AMS", "codes": bare[3 * i : 3 * i + 3]}
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 201, response.get_data(as_text=True)
        if timed:
            bare_times.append(elapsed)
        started = time.perf_counter()
        response = bare_client.post(
            "/bare/full-sales",
            json={"shop": "AMS", "codes": full[3 * i : 3 * i + 3]},
            headers=headers,
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 201, response.get_data(as_text=True)
        if timed:
            full_times.append(elapsed)
    till, base, floor = (
        statistics.median(times) * 1000 for times in (till_times, bare_times, full_times)
    )
    print(
        f"{args.engine} {args.scale}: till {till:.3f} ms ({max(queries)} statements), "
        f"baseline {base:.3f} ms, ratio {till / base:.2f}x over {args.pairs} triples; "
        f"the same statements bare {floor:.3f} ms ({floor / base:.2f}x the baseline; "
        f"the till {till / floor:.2f}x it)"
    )
    if args.profile == "cprofile":
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    elif args.profile == "pyinstrument":
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    with app.app_context():
        db.engine.dispose()
    bare_app.extensions["bare_engine"].dispose()


if __name__ == "__main__":
    main()
