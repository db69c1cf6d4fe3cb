"""Bench report: bench/data/run.json and load.json → bench/RESULTS.md, with the machine."""

import json
import os
import platform
import sqlite3
import sys
from pathlib import Path

from bench import dbutil
from bench.run import PATHS

BIG = ("items", "sale_lines", "attendances")


def machine(versions: dict) -> list[str]:
    """CPU count and model, RAM, Python, SQLite and PostgreSQL versions."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    return [
        f"- CPU: {os.cpu_count()} × {model}",
        f"- RAM: {ram}",
        f"- OS: {platform.platform()}",
        f"- Python {sys.version.split()[0]}, "
        + ", ".join(sorted(set(versions.values()) | {f"SQLite {sqlite3.sqlite_version}"})),
    ]


def _fmt(value, digits=1):
    """A number or a dash."""
    return "–" if value is None else f"{value:.{digits}f}"


def _data_ratio(runs: dict, engine: str, scales: list[str]) -> float | None:
    """Largest/smallest scale ratio of all generated rows (L/S in a full run)."""
    s, l_ = runs.get((engine, scales[0])), runs.get((engine, scales[-1]))
    if not s or not l_:
        return None
    return sum(l_["generation"]["rows"].values()) / sum(s["generation"]["rows"].values())


def verdict(target: str, cells: list, ratio, data_ratio) -> str:
    """Whether a path meets the issue's target at these figures."""
    if any(c is None or c.get("status") != "ok" for c in cells):
        return "–"
    queries = [c["queries"] for c in cells]
    if target == "flat":
        same = len(set(queries)) == 1 and all(c["queries"] == c["queries_min"] for c in cells)
        return "✓ flat" if same else "✗ grows"
    if target == "bounded":
        bounded = queries[-1] <= 2 * queries[0]
        fast = ratio is not None and data_ratio is not None and ratio <= data_ratio
        return (
            ("✓" if bounded and fast else "✗")
            + (" bounded" if bounded else " grows")
            + (", time ≤ data" if fast else ", time > data")
        )
    return ""


def engine_table(runs: dict, engine: str, scales: list[str]) -> list[str]:
    """One table: each path's median ms and SQL count per scale, L/S, target."""
    data_ratio = _data_ratio(runs, engine, scales)
    growth = f"{scales[-1]}/{scales[0]}"
    head = " | ".join(f"{s} ms" for s in scales)
    out = [
        f"| path | {head} | {growth} time | SQL queries {'/'.join(scales)} | target | status |",
        "|---" * (len(scales) + 5) + "|",
    ]
    for name, label, target in [
        *PATHS,
        ("baseline", "bare baseline: 1 read + 1 conditional UPDATE (3 pieces)", ""),
        ("floor", "the till sale's statements, bare (no framework, no rules)", ""),
    ]:
        cells = [runs.get((engine, s), {}).get("paths", {}).get(name) for s in scales]
        ms = [c.get("median_ms") if c and c.get("status") == "ok" else None for c in cells]
        ratio = ms[-1] / ms[0] if ms[0] and ms[-1] else None
        queries = "/".join(
            str(c["queries"]) if c and c.get("status") == "ok" else "–" for c in cells
        )
        statuses = ", ".join(sorted({c.get("status", "?") if c else "not run" for c in cells}))
        judged = verdict(target, cells, ratio, data_ratio)
        if len(scales) < 2:
            ratio = None
        out.append(
            f"| {label} | "
            + " | ".join(_fmt(m) for m in ms)
            + f" | {_fmt(ratio, 2)} | {queries} | {target or '–'} | "
            + (statuses if judged in ("", "–") else judged)
            + " |"
        )
    sale_vs, floor_vs = [], []
    for s in scales:
        paths = runs.get((engine, s), {}).get("paths", {})
        sale, base, floor = (paths.get(k, {}) for k in ("sale", "baseline", "floor"))
        if sale.get("status") == "ok" and base.get("status") == "ok":
            r = sale["median_ms"] / base["median_ms"]
            sale_vs.append(f"{s} {r:.2f}× {'✓' if r <= 1.5 else '✗'}")
        else:
            sale_vs.append(f"{s} – (till sale {sale.get('status', 'not run')})")
        if floor.get("status") == "ok" and base.get("status") == "ok":
            floor_vs.append(
                f"{s} {floor['median_ms'] / base['median_ms']:.2f}× the baseline"
                + (
                    f", the till {sale['median_ms'] / floor['median_ms']:.2f}× it"
                    if sale.get("status") == "ok"
                    else ""
                )
            )
    out += [
        "",
        f"Till sale ÷ baseline (target ≤ 1.5×): {'; '.join(sale_vs)}. "
        f"Data growth {growth} (all rows): {_fmt(data_ratio)}×.",
    ]
    if floor_vs:
        out.append(f"The till sale's statements, bare: {'; '.join(floor_vs)}.")
    return out


def data_table(runs: dict, engines: list[str], scales: list[str]) -> list[str]:
    """Rows generated per scale and the generation time per engine."""
    out = [
        "| scale | makers | "
        + " | ".join(BIG)
        + " | all rows | "
        + " | ".join(f"generated on {e} (s)" for e in engines)
        + " |",
        "|---" * (4 + len(BIG) + len(engines) - 1) + "|",
    ]
    for s in scales:
        gen = next((runs[e, s]["generation"] for e in engines if (e, s) in runs), None)
        if gen is None:
            continue
        rows = gen["rows"]
        times = [
            str(runs[e, s]["generation"]["total_s"]) if (e, s) in runs else "–" for e in engines
        ]
        out.append(
            f"| {s} | {rows['beneficiaries']} | "
            + " | ".join(f"{rows[t]:,}" for t in BIG)
            + f" | {sum(rows.values()):,} | "
            + " | ".join(times)
            + " |"
        )
    return out


def load_table(load: dict) -> list[str]:
    """The load test's figures, baseline and till."""
    out = [
        "| target | workers | tills + fighters | seconds | requests | acknowledged sales/s | "
        "p50 ms | p95 ms | answers | errors (not 201/409) | double sales | lost sales |",
        "|---" * 12 + "|",
    ]
    for target in ("bare", "api"):
        r = load.get(target)
        if not r:
            continue
        name = "bare baseline" if target == "bare" else "till (POST /api/v1/sales)"
        if r.get("status") != "ok":
            out.append(f"| {name} | {r.get('status')} |" + " |" * 10)
            continue
        doubles = r["double_acknowledged"] + r.get("items_with_two_active_lines", 0)
        lost = r["acknowledged_not_sold"] + r.get("acknowledged_sale_missing", 0)
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["by_status"].items()))
        out.append(
            f"| {name} | {r['workers']} | {r['tills']} + {r['fighters']} | {r['seconds']}"
            f" | {r['requests']} | {r['sales_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{answers} | {r['errors']} | {doubles} | {lost} |"
        )
    return out


def backup_table(backup: dict) -> list[str]:
    """``flask backup create``/``restore`` beside the engine's own tool, time and peak RSS."""
    out = [
        "| engine | scale | rows | file MiB | start-up s | backup s (RSS MiB) | "
        "engine's tool s (RSS) | ratio | restore s (RSS MiB) | engine's tool s (RSS) | ratio |",
        "|---" * 11 + "|",
    ]
    for r in backup.get("runs", []):
        ours, tool = r["ours"], r["tool"]
        out.append(
            f"| {r['engine']} | {r['scale']} | {r['rows']} | {r['size_mib']} | "
            f"{r.get('startup_s', '?')} | "
            f"{ours['backup']['s']} ({ours['backup']['rss_mib']}) | "
            f"{tool['backup']['s']} ({tool['backup']['rss_mib']}) | {r['backup_ratio']}× | "
            f"{ours['restore']['s']} ({ours['restore']['rss_mib']}) | "
            f"{tool['restore']['s']} ({tool['restore']['rss_mib']}) | {r['restore_ratio']}× |"
        )
    return out


def main() -> None:
    """Write bench/RESULTS.md from the JSON the runner and the load test left."""
    run = json.loads((dbutil.DATA / "run.json").read_text())
    load_path = dbutil.DATA / "load.json"
    load = json.loads(load_path.read_text()) if load_path.exists() else {}
    runs = {(r["engine"], r["scale"]): r for r in run["runs"]}
    engines = list(dict.fromkeys(r["engine"] for r in run["runs"]))
    scales = list(dict.fromkeys(r["scale"] for r in run["runs"]))
    total = os.environ.get("BENCH_ELAPSED")
    lines = [
        "# Atelier benchmark results",
        "",
        f"Measured {run['date']} by `make bench`"
        + (f" (the whole run took {total} s)" if total else "")
        + ". "
        f"Median of {run['iterations']} calls after {run.get('warmup', 1)} untimed "
        "ones: the steady state (a fresh app's first calls are slower and settle after "
        "about ten; PostgreSQL then runs prepared statements, as it does all day on a "
        "shop's pooled connections). Closing a month: one warm-up, then the other open "
        "months. In-process through the Flask test client with bearer tokens. The till "
        "sale and the bare baseline are timed in turn, call by call, so that other work "
        f"on the machine hits both alike: {run.get('pair_iterations', '?')} pairs after "
        f"{run.get('pair_warmup', '?')} untimed ones. SQL statements counted with a "
        "`before_cursor_execute` listener. A path not merged yet says so.",
        "",
        *machine({e: runs[e, s]["version"] for e, s in runs}),
        f"- Load average (1 min) at the start and end of the run: "
        f"{run.get('loadavg_start', '?')} → {run.get('loadavg_end', '?')} "
        "(other work on the machine makes timings noisy; SQL counts are exact)",
        "",
        "## Data (seeded history, `bench/generate.py`)",
        "",
        *data_table(runs, engines, scales),
        "",
    ]
    for engine in engines:
        lines += [f"## Hot paths on {engine}", "", *engine_table(runs, engine, scales), ""]
    lines += [
        "## Load test (`bench/load.py`, gunicorn on PostgreSQL, 127.0.0.1 only)",
        "",
        *(
            [
                *load_table(load),
                "",
                "Double sales: pieces acknowledged (201) by two sales, plus items with two "
                "active sale lines in the database. Lost sales: acknowledged pieces not sold in "
                "the database, or not on the acknowledged sale.",
            ]
            if load
            else ["Not run with this run (no bench/data/load.json)."]
        ),
        "",
    ]
    backup_path = dbutil.DATA / "backup.json"
    if backup_path.exists():
        backup = json.loads(backup_path.read_text())
        lines += [
            "## Backup and restore (`bench/backup.py`)",
            "",
            f"Measured {backup['date']}. Whole commands (`flask --app wsgi backup create` with "
            "`BACKUP_KEY`: Python start-up and age's scrypt key derivation included; restore "
            "into an empty migrated database) beside PostgreSQL's `pg_dump -Fc` / `pg_restore` "
            "and SQLite's `sqlite3 .backup` / `.restore` on the same database. Peak RSS per "
            "process from GNU time. Targets: backup ≤ 3× and restore ≤ 3× the engine's tool "
            "at L; memory flat from S to L. Start-up: `flask --app wsgi backup --help`, what "
            "any console command pays before it begins (included in the backup and restore "
            "times). Both include age's passphrase key derivation (scrypt, work factor 2^18: "
            "256 MiB and about a second, once per file, whatever its size): a fixed cost that "
            "sets the peak RSS of every scale.",
            "",
            *backup_table(backup),
            "",
        ]
    notes = dbutil.ROOT / "bench" / "PROFILING.md"  # hand-written: what was slow and why
    if notes.exists():
        lines += [notes.read_text().rstrip(), ""]
    out = dbutil.ROOT / "bench" / "RESULTS.md"
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
