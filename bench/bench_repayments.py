"""Benchmark for issue 20 (not a timed test): the national monthly cycle for 1,000,000 active cases — the month's
deduction list, a repayment file per province made from the cases' instalments and imported by each province's
officer, the arrears sweep — in ≤ 10 minutes in all, each step in ≤ 500 MB; and the national repayment dashboard at
p95 ≤ 250 ms. The steps themselves: bench/monthly_cycle.py.

Each step runs in a fresh subprocess (`--child STEP`), as bench_deductions measures: it opens the app on the
dataset, then /proc/self/clear_refs starts the peak resident memory (VmHWM) again, so that start-up does not count,
and it reports its wall time and that peak. Untimed, before the cycle: `prepare` (once for a dataset: the officers,
the repayment history before the month) and `reset` (before every import: the bench's own lines of the month go and
the delinquency tables are put back as the month before left them), so the cycle can be run again and again on one
dataset.

The dataset is bench/national/generate.py's with its active cases (bench_deductions makes it, e.g.
`python -m bench.bench_deductions --database-url URL --cases 1000000 --active-cases 1000000 --only province
--runs 1`); every generated active case deducts in the month (2027-01 by default).
  .venv/bin/python -m bench.bench_repayments --database-url URL [--month 2027-01] [--steps deductions,file,...]
      [--runs 50] [--json out.json]
`make bench-repayments DATABASE_URL=postgresql://…` (or sqlite:////…/file.db).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bench_deductions import _reset_peak, _status_mb, database_size

ROOT = Path(__file__).resolve().parents[1]
CYCLE_STEPS = ("deductions", "file", "import", "sweep")
STEPS = ("prepare", "reset", *CYCLE_STEPS, "reimport", "dashboard")
CYCLE_TARGET_S = 600
MEMORY_TARGET_MB = 500
DASHBOARD_P95_MS = 250
WARMUP = 10               # dashboard calls before the timed ones (see dashboard())
REIMPORT_PROVINCE = "50"   # the generated dataset's largest province (25,000 active cases)


PROFILE = os.environ.get("BENCH_PROFILE")   # a folder: each step's cProfile stats and SQL times go there


def _timed(app, fn, step: str = "") -> dict:
    """fn() in the app after start-up, with its seconds and this process's peak resident memory over it."""
    with app.app_context(), app.test_request_context():
        before = _status_mb("VmRSS")
        _reset_peak()
        profiler = _profile_start() if PROFILE else None
        started = time.perf_counter()
        figures = fn() or {}
        seconds = time.perf_counter() - started
        if profiler:
            _profile_stop(profiler, step)
        return {"seconds": round(seconds, 2), "rss_before_mb": round(before, 1),
                "peak_rss_mb": round(_status_mb("VmHWM"), 1), **figures}


def _profile_start():
    """cProfile, and the database time of each statement (by its first 160 characters)."""
    import cProfile

    from sqlalchemy import event

    from app.extensions import db

    statements: dict[str, list] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        spent = time.perf_counter() - conn.info["bench_started"].pop()
        key = " ".join(statement.split())[:160]
        entry = statements.setdefault(key, [0, 0.0])
        entry[0] += 1
        entry[1] += spent

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    profiler = cProfile.Profile()
    profiler.enable()
    return profiler, statements


def _profile_stop(started, step: str) -> None:
    import io
    import pstats

    profiler, statements = started
    profiler.disable()
    folder = Path(PROFILE)
    folder.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(folder / f"{step}.prof")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
    out.write("\nSQL: calls, seconds, statement (execute time; a streamed SELECT's fetches are not in it)\n")
    for key, (calls, spent) in sorted(statements.items(), key=lambda kv: -kv[1][1])[:25]:
        out.write(f"{calls:>8} {spent:>9.2f}s  {key}\n")
    (folder / f"{step}.txt").write_text(out.getvalue())


def child(url: str, step: str, month: date, folder: Path, seed: int, runs: int, jobs: str = "immediate",
          provinces: str = "") -> dict:
    from bench import monthly_cycle as cycle
    from bench.timing import bench_app

    if step == "deductions":   # the national list as CSV, measured by bench_deductions' own child
        from bench.bench_deductions import child as deduction_child

        return deduction_child(url, "national_csv", month, REIMPORT_PROVINCE)
    app = bench_app(url, fresh=False)
    # immediate: the job each import queues (the report's figures of its cooperatives, arrears.refresh_month) runs
    # in the import, as the tests run jobs — the work a worker would do beside it; queued: it waits for a worker
    # that never comes, and the import alone is timed.
    app.config["JOBS_IMMEDIATE"] = jobs == "immediate"
    if step == "prepare":   # a dataset made before the latest migrations is brought up to them first
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        return _timed(app, lambda: cycle.prepare(month), step)
    if step == "reset":
        return _timed(app, lambda: cycle.reset(month), step)
    if step == "file":
        return _timed(app, lambda: cycle.files(month, folder, seed), step)
    if step == "import":
        return _timed(app, lambda: cycle.import_files(month, folder, only=provinces or None), step)
    if step == "reimport":
        return _timed(app, lambda: cycle.import_files(month, folder, only=REIMPORT_PROVINCE), step)
    if step == "sweep":
        result = _timed(app, lambda: cycle.sweep(month), step)
        with app.app_context():
            result.update(cycle.buckets())
        return result
    if step == "dashboard":
        return _timed(app, lambda: dashboard(month, runs), step)
    raise SystemExit(f"unknown step {step}")


def dashboard(month: date, runs: int) -> dict:
    """The national repayment report as its page reads it (the month, and the trend of twelve months) for the
    ministry's viewer, `runs` times after a warm-up: p50 and p95 in ms."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services import repayment_report
    from bench.timing import timed

    actor = db.session.scalar(select(User).where(User.username == "ministry_viewer"))
    actor.org_unit  # loaded before the clock starts

    def read():
        repayment_report.report(actor, month)
        repayment_report.trend(actor, month)

    # Ten calls first: a fresh process's first calls meet Python's full garbage collections of the app's start-up
    # objects (~200 ms each, gc.callbacks showed them) and psycopg preparing its statements — start-up, not the
    # page a running server serves.
    p50, p95 = timed(read, runs, warmup=WARMUP)
    report = repayment_report.report(actor, month)
    return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "runs": runs,
            "active_cases": report.figures.active_cases, "due_cases": report.figures.due_cases,
            "on_time_cases": report.figures.on_time_cases}


def run_child(url: str, step: str, month: date, folder: Path, seed: int, runs: int, jobs: str,
              provinces: str = "") -> dict:
    command = [sys.executable, "-m", "bench.bench_repayments", "--child", step, "--database-url", url,
               "--month", month.strftime("%Y-%m"), "--folder", str(folder), "--seed", str(seed), "--runs", str(runs),
               "--jobs", jobs, "--provinces", provinces]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    return result


def external_dashboard(url: str, month: date, runs: int) -> dict | None:
    """bench/bench_repayment_report.py's own figures (p50, p95 in ms by what it times), when that benchmark is
    there: it prints a table, read back here."""
    if not (ROOT / "bench" / "bench_repayment_report.py").exists():
        return None
    command = [sys.executable, "-m", "bench.bench_repayment_report", "--database-url", url,
               "--month", month.strftime("%Y-%m"), "--runs", str(runs)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        return {"failed": done.stderr[-2000:] or done.stdout[-2000:]}
    rows = {}
    for line in done.stdout.splitlines():
        found = re.match(r"^(.*?)\s+([\d.]+)ms\s+([\d.]+)ms", line)
        if found:
            rows[found.group(1).strip()] = {"p50_ms": float(found.group(2)), "p95_ms": float(found.group(3))}
    return {"rows": rows, "output": done.stdout.strip().splitlines()[-8:]}


def print_table(url: str, results: dict, month: date) -> bool:
    """The steps against their targets; True when every target is met."""
    ok_all = True
    print()
    print(f"database: {'postgresql' if url.startswith('postgresql') else 'sqlite'}, {database_size(url)}; "
          f"month {month:%Y-%m}")
    print(f"{'step':12} {'seconds':>9} {'process':>9} {'peak RSS':>9} {'before':>7}  notes")
    cycle_seconds = 0.0
    for step, r in results.items():
        if step == "dashboard":
            continue
        in_cycle = step in CYCLE_STEPS
        cycle_seconds += r["seconds"] if in_cycle else 0
        over = in_cycle and r["peak_rss_mb"] > MEMORY_TARGET_MB
        ok_all &= not over
        print(f"{step:12} {r['seconds']:>8.1f}s {r['process_seconds']:>8.1f}s {r['peak_rss_mb']:>7.0f}MB "
              f"{r['rss_before_mb']:>5.0f}MB  {'' if in_cycle else '(not in the cycle) '}"
              f"{'OVER ' + str(MEMORY_TARGET_MB) + ' MB' if over else ''}")
    if any(s in results for s in CYCLE_STEPS):
        complete = all(s in results for s in CYCLE_STEPS)
        met = cycle_seconds <= CYCLE_TARGET_S
        ok_all &= met
        print(f"{'cycle':12} {cycle_seconds:>8.1f}s  target {CYCLE_TARGET_S} s: {'ok' if met else 'OVER'}"
              f"{'' if complete else ' (steps missing from this run)'}")
    if "dashboard" in results:
        r = results["dashboard"]
        met = r["p95_ms"] <= DASHBOARD_P95_MS
        ok_all &= met
        print(f"{'dashboard':12} p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms over {r['runs']} calls "
              f"(target p95 {DASHBOARD_P95_MS} ms: {'ok' if met else 'OVER'}); peak {r['peak_rss_mb']:.0f} MB")
    return ok_all


def checks(results: dict) -> list[str]:
    """What the figures must say for the cycle to have done its work."""
    problems = []
    made, imported = results.get("file"), results.get("import")
    if made and imported and imported["files"] != made["provinces"]:
        made = None   # some provinces only (--provinces): nothing to compare
    if made and imported:
        if imported["matched"] != made["lines"] or imported["unmatched"]:
            problems.append(f"import matched {imported['matched']:,} of {made['lines']:,} lines "
                            f"({imported['unmatched']:,} unmatched: {imported['unmatched_reasons']})")
        if imported["amount_matched"] != made["amount"]:
            problems.append(f"import matched {imported['amount_matched']} baht, the files hold {made['amount']}")
    again = results.get("reimport")
    if again and (again["matched"] or again["already_recorded"] != again["lines"]):
        problems.append(f"re-import recorded {again['matched']} new lines ({again['already_recorded']} of "
                        f"{again['lines']} already recorded)")
    swept = results.get("sweep")
    if made and swept:
        behind = sum(n for b, n in swept["buckets"].items() if b != "current")
        if behind != made["cases_short"]:
            problems.append(f"{behind:,} cases behind after the sweep, {made['cases_short']:,} were left short")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--month", default="2027-01", help="YYYY-MM; every generated active case deducts then")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of {', '.join(STEPS)}")
    parser.add_argument("--folder", help="where the province files go (default: a new temporary folder)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=50, help="dashboard calls")
    parser.add_argument("--jobs", choices=("immediate", "queued"), default="immediate",
                        help="the report refresh each import queues: run in the import (default) or left queued")
    parser.add_argument("--provinces", default="", help="import only these provinces' files (codes, comma-separated)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    year, month_no = map(int, args.month.split("-"))
    month = date(year, month_no, 1)
    if args.child:
        print(json.dumps(child(args.database_url, args.child, month, Path(args.folder), args.seed, args.runs, args.jobs,
                               args.provinces),
                         default=str))
        return
    folder = Path(args.folder or tempfile.mkdtemp(prefix="krudesk-repayment-files-"))
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps: {', '.join(sorted(unknown))}")
    if "import" in steps and "reset" not in steps:
        steps.insert(steps.index("import"), "reset")   # an import runs on the month as it stood before
    results = {}
    for step in sorted(steps, key=STEPS.index):
        results[step] = run_child(args.database_url, step, month, folder, args.seed, args.runs, args.jobs,
                                  args.provinces)
        shown = {k: v for k, v in results[step].items() if k not in ("what",)}
        print(f"  {step}: {json.dumps(shown, default=str)}", flush=True)
    if "dashboard" in steps:
        other = external_dashboard(args.database_url, month, args.runs)
        if other is not None:
            results["dashboard_report_bench"] = other
            print("  bench_repayment_report:", *other.get("output", [other.get("failed")]), sep="\n    ", flush=True)
    ok = print_table(args.database_url, {k: v for k, v in results.items() if k in STEPS}, month)
    if args.provinces:
        print(f"only the files of provinces {args.provinces} imported: not the national cycle")
    if args.jobs != "immediate":
        print("jobs queued: the report refresh each import queues was not run (a worker would run it)")
    problems = checks(results)
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    if args.json:
        Path(args.json).write_text(json.dumps({"database_url": args.database_url, "month": args.month,
                                               "results": results, "problems": problems}, indent=1, default=str))
    if not ok or problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
