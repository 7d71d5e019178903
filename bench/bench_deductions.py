"""Benchmark for issue 19 (not a timed test): the monthly deduction list (app/services/deduction_lists.py) over the
national dataset with its active cases — a province with 25,000 active cases in ≤ 3 s, the nation's 1,000,000 as
XLSX in ≤ 60 s, each in ≤ 300 MB of memory.

Each measurement runs in a fresh subprocess (`--child`): it opens the app on the dataset, reads the list through
deduction_lists.items() and writes it with write_csv or write_xlsx to a file, and reports its wall time, the
items and bytes written, and its peak resident memory (getrusage ru_maxrss) beside the memory it had before the list
(the app and its imports; /proc/self/clear_refs starts the peak again there, so start-up does not count), so that
one list's memory is not mixed with another's.

The dataset is bench/national/generate.py's, made first if the database does not hold one with the active cases
asked for:
  .venv/bin/python -m bench.bench_deductions --database-url URL [--cases 1000000 --active-cases 1000000
      --province-active 25000] [--province 50] [--month 2027-01] [--runs 3] [--only province|national]
`make bench-deductions` (SQLite under instance/bench/) or `make bench-deductions DATABASE_URL=postgresql://…`.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"province_csv": 3.0, "province_xlsx": 3.0, "national_xlsx": 60.0}
MEMORY_TARGET_MB = 300


def _status_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak) of this process, from /proc (Linux); ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (VmHWM) again from the memory resident now, so that start-up does not count."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def child(url: str, what: str, month: date, province: str) -> dict:
    """One list in this process: {seconds, items, bytes, rss_before_mb, peak_rss_mb}."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services import deduction_lists
    from bench.timing import bench_app

    app = bench_app(url, fresh=False)
    with app.app_context(), app.test_request_context():
        username = "province_officer" if what.startswith("province") else "ministry_viewer"
        actor = db.session.scalar(select(User).where(User.username == username))
        actor.org_unit  # loaded before the clock starts
        before = _status_mb("VmRSS")
        _reset_peak()
        out = Path(tempfile.mkstemp(prefix=f"krudesk-{what}-", suffix="." + what.rsplit("_", 1)[1])[1])
        counted = {"items": 0}

        def listed():
            for item in deduction_lists.items(actor, month, province_code=province if what.startswith("province")
                                              else None):
                counted["items"] += 1
                yield item

        started = time.perf_counter()
        with out.open("wb") as handle:
            if what.endswith("csv"):
                deduction_lists.write_csv(listed(), handle)
            else:
                deduction_lists.write_xlsx(listed(), handle, month)
        seconds = time.perf_counter() - started
        size = out.stat().st_size
        out.unlink()
        return {"what": what, "seconds": round(seconds, 2), "items": counted["items"], "bytes": size,
                "rss_before_mb": round(before, 1), "peak_rss_mb": round(_status_mb("VmHWM"), 1)}


def run_child(url: str, what: str, month: date, province: str) -> dict:
    command = [sys.executable, "-m", "bench.bench_deductions", "--child", what, "--database-url", url,
               "--month", month.strftime("%Y-%m"), "--province", province]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    return result


def ensure_dataset(url: str, args) -> dict:
    """The dataset of generate.py with the active cases asked for; made if the database holds another."""
    from bench.national.dataset import _made_with, ensure_postgres_database, fresh_app
    from bench.national.generate import ActiveShare, generate
    from bench.timing import bench_app

    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    made = _made_with(bench_app(url, fresh=False))
    wanted = [args.active_cases, args.province_active, args.province]
    if made and made.get("requested") == args.cases and made.get("active_share") == wanted:
        print(f"using the dataset already there: {made}", flush=True)
        return made
    print(f"generating {args.cases:,} cases, {args.active_cases:,} active ({args.province_active:,} in province "
          f"{args.province}) …", flush=True)
    app = fresh_app(url)
    with app.app_context():
        return generate(args.cases, args.seed, args.archetypes, args.relief,
                        active=ActiveShare(args.active_cases, args.province_active, args.province))


def database_size(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if url.startswith("sqlite"):
        return f"{Path(make_url(url).database).stat().st_size / 2**30:.2f} GiB"
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    engine.dispose()
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--active-cases", type=int, default=1_000_000)
    parser.add_argument("--province-active", type=int, default=25_000)
    parser.add_argument("--province", default="50")
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--archetypes", type=int, default=20_000)
    parser.add_argument("--relief", type=int, default=5_000)
    parser.add_argument("--month", default="2027-01", help="YYYY-MM; every generated active case deducts then")
    parser.add_argument("--runs", type=int, default=3, help="runs of each province list (the national one: 1)")
    parser.add_argument("--only", choices=("province", "national"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    year, month_no = map(int, args.month.split("-"))
    month = date(year, month_no, 1)
    if args.child:
        print(json.dumps(child(args.database_url, args.child, month, args.province)))
        return

    from bench.national.dataset import default_url

    url = args.database_url or default_url(args.cases, args.seed).replace(".db", f"-active{args.active_cases}.db")
    made = ensure_dataset(url, args)
    plan = []
    if args.only != "national":
        plan += [("province_csv", args.runs), ("province_xlsx", args.runs)]
    if args.only != "province":
        plan += [("national_xlsx", 1)]
    results = {}
    for what, runs in plan:
        samples = [run_child(url, what, month, args.province) for _ in range(runs)]
        results[what] = {"median_seconds": statistics.median(s["seconds"] for s in samples),
                         "max_seconds": max(s["seconds"] for s in samples),
                         "peak_rss_mb": max(s["peak_rss_mb"] for s in samples),
                         "rss_before_mb": samples[0]["rss_before_mb"], "items": samples[0]["items"],
                         "megabytes": round(samples[0]["bytes"] / 1e6, 1), "runs": runs}
        print(f"  {what}: {results[what]}", flush=True)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    size = database_size(url)
    print()
    print(f"database: {dialect}, {size}; dataset: {made.get('cases'):,} cases, {made.get('active'):,} active, "
          f"{made.get('deduction_lines'):,} deduction runs; month {args.month}")
    print(f"{'what':34} {'items':>9} {'MB':>7} {'median':>8} {'max':>8} {'target':>7} {'peak RSS':>9} {'before':>7}")
    for what, r in results.items():
        ok = r["max_seconds"] <= TARGETS[what] and r["peak_rss_mb"] <= MEMORY_TARGET_MB
        print(f"{what:34} {r['items']:>9,} {r['megabytes']:>7} {r['median_seconds']:>7.2f}s {r['max_seconds']:>7.2f}s "
              f"{TARGETS[what]:>6.0f}s {r['peak_rss_mb']:>7.0f}MB {r['rss_before_mb']:>5.0f}MB {'ok' if ok else 'OVER'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"database": dialect, "size": size, "dataset": made,
                                               "month": args.month, "results": results}, indent=1, default=str))


if __name__ == "__main__":
    main()
