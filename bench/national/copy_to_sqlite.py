"""Copy a national dataset from PostgreSQL into a new SQLite file — only the tables a benchmark reads — so that the
SQLite figure of a big dataset does not need the generator's hour and more on SQLite (bench/national/generate.py
makes 1,000,000 active cases in ~27 min on PostgreSQL, ~80 min on SQLite).

The SQLite file is made with the application's schema (the Alembic migrations, as bench/timing.bench_app does, but
without the demo seed: the org units and users come from the copy). Each table is read through a server-side cursor
and written with executemany in one transaction, each value passed through the column type's SQLAlchemy bind
processor for SQLite (dates, datetimes, JSON, numerics stored as the application itself would store them). During the
load foreign keys are off, the journal off, and the copied tables' indexes and triggers are dropped; both are made
again from their own SQL afterwards. The rollup triggers of debt_cases (migrations 0006/0014) therefore do not run
for the copied rows: debt_case_rollups is left empty — fine for the deduction list (it does not read it), wrong for
the reports benchmark.

The default tables are those the deduction list (app/services/deduction_lists.items) joins — deduction_lines,
debt_cases, people, org_units — with users (the readers, and debt_cases' created_by / submitted_by) and the
dataset's "bench.dataset" audit row (bench_deductions.ensure_dataset recognises the dataset by it); and for the
monthly cycle (issue 20, bench/bench_repayments.py) the repayments (the history before the month included, with its
"bench.repayment_history" audit row) and their totals per part, the delinquency tables and the repayment report's months:

  .venv/bin/python -m bench.national.copy_to_sqlite \
      --from postgresql://postgres@127.0.0.1:5432/krudesk_bench19_1m \
      --to sqlite:////work/main/instance/bench/deductions-1m.db [--tables org_units,users,...]
  .venv/bin/python -m bench.bench_deductions --database-url sqlite:////work/main/instance/bench/deductions-1m.db
"""
from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

TABLES = ("org_units", "users", "people", "debt_cases", "deduction_lines", "repayments", "repayment_totals",
          "case_delinquency", "delinquency_history", "repayment_months", "audit_events")
# tables without an id, in the order of their key (repayment_totals: kept by triggers on repayments, which are off
# while the copy loads, so copied as PostgreSQL's triggers kept it)
ORDER = {"repayment_totals": "case_id, plan_version, part", "case_delinquency": "case_id"}
# rows copied per table when not all of them are (the audit trail: only the benchmarks' own records — the dataset's,
# and the repayment history's of bench/monthly_cycle.py)
WHERE = {"audit_events": "action IN ('bench.dataset', 'bench.repayment_history')"}
BATCH = 10_000  # rows per fetchmany / executemany; every table copied is read ORDER BY id


def make_schema(url: str) -> None:
    """A new SQLite file at url with the migrated schema and nothing in it."""
    from flask_migrate import upgrade
    from sqlalchemy.engine import make_url

    from bench.timing import bench_app

    path = Path(make_url(url).database)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    app = bench_app(url, fresh=False)
    with app.app_context():
        upgrade()
        from app.extensions import db
        db.engine.dispose()


def copy(source: str, target: str, tables: tuple[str, ...], log=print) -> dict:
    import psycopg
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlalchemy.engine import make_url

    import app.models  # noqa: F401  (every table in the metadata)
    from app.extensions import db

    dialect = sqlite_dialect.dialect()
    lite = sqlite3.connect(make_url(target).database, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-200000",
                   "temp_store=MEMORY"):
        lite.execute(f"PRAGMA {pragma}")
    kept = lite.execute(f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                        f"AND sql IS NOT NULL AND tbl_name IN ({','.join('?' * len(tables))})", tables).fetchall()
    for kind, name, _sql in kept:
        lite.execute(f'DROP {kind.upper()} "{name}"')
    pg_url = make_url(source).set(drivername="postgresql").render_as_string(hide_password=False)
    counts = {}
    with psycopg.connect(pg_url) as pg:
        pg.execute("SET TIME ZONE 'UTC'")
        lite.execute("BEGIN")
        for name in tables:
            started = time.perf_counter()
            table = db.metadata.tables[name]
            lite_columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{name}")')]
            pg_columns = {row[0] for row in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (name,))}
            columns = [c for c in lite_columns if c in pg_columns]
            processors = [(i, table.c[c].type.bind_processor(dialect)) for i, c in enumerate(columns)
                          if c in table.c]
            processors = [(i, p) for i, p in processors if p is not None]
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
            where = f" WHERE {WHERE[name]}" if name in WHERE else ""
            n = 0
            with pg.cursor(name=f"copy_{name}") as cur:
                cur.itersize = BATCH
                cur.execute(f'SELECT {names} FROM "{name}"{where} ORDER BY {ORDER.get(name, "id")}')
                while rows := cur.fetchmany(BATCH):
                    if processors:
                        rows = [list(r) for r in rows]
                        for r in rows:
                            for i, p in processors:
                                if r[i] is not None:
                                    r[i] = p(r[i])
                    lite.executemany(insert, rows)
                    n += len(rows)
            counts[name] = n
            log(f"  {name}: {n:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
        lite.execute("COMMIT")
    started = time.perf_counter()
    for kind, name, sql in kept:  # the indexes first, then the triggers (as they were)
        if kind == "index":
            lite.execute(sql)
    for kind, name, sql in kept:
        if kind == "trigger":
            lite.execute(sql)
    lite.execute("ANALYZE")
    log(f"  {sum(k == 'index' for k, _n, _s in kept)} indexes made again, ANALYZE: "
        f"{time.perf_counter() - started:.0f} s", flush=True)
    lite.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", required=True, help="postgresql://… holding the dataset")
    parser.add_argument("--to", dest="target", required=True, help="sqlite:////…/file.db (made anew)")
    parser.add_argument("--tables", default=",".join(TABLES), help="comma-separated, in load order")
    args = parser.parse_args()
    if not args.target.startswith("sqlite:///"):
        raise SystemExit("--to must be a sqlite:/// URL")
    started = time.perf_counter()
    make_schema(args.target)
    from bench.timing import bench_app

    with bench_app(args.target, fresh=False).app_context():
        copy(args.source, args.target, tuple(t.strip() for t in args.tables.split(",") if t.strip()))
    print(f"copied in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
