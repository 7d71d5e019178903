"""Benchmarks for issue 7 (not timed tests): importing 100,000 debt rows ≤ 60 s (dry run, then the import, which
checks again inside its transaction); the national dashboard over 1,000,000 cases ≤ 250 ms.

Run: `make bench-reports` (or `.venv/bin/python -m bench.bench_reports [--rows N] [--cases N] [--database-url URL]`).
A throw-away SQLite database by default; with --database-url (PostgreSQL) the schema there is dropped and rebuilt.
The million cases are generated with bulk SQL (not timed), spread over every province's cooperative.
"""
from __future__ import annotations

import argparse
import io
import random
import time
from datetime import datetime, timedelta

from bench.timing import bench_app, timed


def spreadsheet(rows: int) -> bytes:
    from openpyxl import Workbook

    from app.services.debt_import_sheet import COLUMNS, EXAMPLE
    from tests.helpers import citizen_id

    book = Workbook(write_only=True)
    sheet = book.create_sheet("members")
    sheet.append([thai for _k, thai, _e in COLUMNS])
    creditors = [("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative"), ("ธนาคารออมสิน", "gsb"), ("ธนาคารกรุงไทย", "ktb")]
    for n in range(rows):
        row = list(EXAMPLE)
        teacher, k = divmod(n, 3)
        row[0], row[2] = citizen_id(teacher), f"ครู{teacher}"
        row[16], row[17] = creditors[k]
        row[18], row[20], row[21] = f"{200000 + n % 50000}.00", "4500.00", str(60 + n % 120)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def generate_cases(count: int) -> None:
    """`count` debt cases (and their people) by bulk SQL, spread over one cooperative per province."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import DebtCase, OrgUnit, Person, User
    from app.services.org import _add_unit

    rng = random.Random(2569)
    provinces = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "province")).all()
    coops = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "cooperative")).all()
    have = {c.province_code for c in coops}
    for p in provinces:
        if p.province_code not in have:
            coops.append(_add_unit(p, code=f"COOP-{p.code}", name=f"สหกรณ์ออมทรัพย์ครู{p.name[-12:]} จำกัด",
                                   kind="cooperative", province_code=p.province_code, region_no=p.region_no))
    db.session.commit()
    creator = db.session.scalar(select(User.id).where(User.username == "coop_officer"))
    now = datetime(2026, 11, 1)
    statuses = ["draft"] * 50 + ["submitted"] * 10 + ["approved"] * 25 + ["active"] * 10 + ["returned"] * 3 + ["rejected"] * 2
    step = 20000
    for start in range(0, count, step):
        n = min(step, count - start)
        people = [{"citizen_id": f"9{start + i:012d}", "title": "นาง", "first_name": f"ครู{start + i}", "last_name": "ทดสอบ",
                   "created_at": now, "updated_at": now} for i in range(n)]
        ids = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).scalars().all()
        rows = []
        for person_id in ids:
            coop = rng.choice(coops)
            salary = rng.randint(15000, 70000)
            ratio = rng.uniform(0.05, 0.6)
            below = ratio < 0.3  # ~60% below the floor, as in domain.md's picture of the country
            outstanding = rng.randint(100000, 3000000)
            interest = outstanding * rng.uniform(0.1, 0.6)
            planned = rng.random() < 0.2
            rows.append({"status": rng.choice(statuses), "version": 1, "person_id": person_id, "cooperative_id": coop.id,
                         "org_path": coop.path, "province_code": coop.province_code, "monthly_salary": salary,
                         "monthly_allowances": 0, "non_debt_deductions": 0, "debt_service": salary * (1 - ratio),
                         "total_outstanding": outstanding, "net_income": salary * ratio, "ratio": round(ratio, 4),
                         "meets_floor": not below, "risk_group": rng.choice(["red", "orange"]) if below else "yellow",
                         "interest_remaining": round(interest, 2),
                         "plan_interest_remaining": round(interest * 0.8, 2) if planned else None,
                         "plan_meets_floor": (rng.random() < 0.7) if planned else None, "created_by_id": creator,
                         "status_since": now - timedelta(days=rng.randint(0, 60)), "created_at": now, "updated_at": now})
        db.session.execute(insert(DebtCase), rows)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import DebtCase, ImportJob, User
    from app.services import debt_import, reports

    app = bench_app(args.database_url)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.username == "coop_officer"))
        content = spreadsheet(args.rows)
        print(f"{args.rows:,} debt rows in a {len(content) / 1e6:.1f} MB XLSX", flush=True)
        started = time.perf_counter()
        job = debt_import.upload(officer, None, "members.xlsx", content)
        checked_at = time.perf_counter()
        debt_import.start_import(officer, job.id)  # runs here (JOBS_IMMEDIATE)
        done_at = time.perf_counter()
        db.session.expire_all()
        job = db.session.get(ImportJob, job.id)
        print(f"  status {job.status}: {job.summary}", flush=True)

        print(f"generating {args.cases:,} cases (not timed) …", flush=True)
        started_gen = time.perf_counter()
        generate_cases(args.cases)
        print(f"  done in {time.perf_counter() - started_gen:.0f} s; "
              f"{db.session.scalar(select(func.count(DebtCase.id))):,} cases in all", flush=True)
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        nation = db.session.scalar(select(User).where(User.username == "ministry_viewer"))
        province = db.session.scalar(select(User).where(User.username == "province_approver"))
        national = timed(lambda: reports.dashboard(nation), runs=10)
        provincial = timed(lambda: reports.dashboard(province), runs=20)
        summary = timed(lambda: reports.summary(nation), runs=10)
        dialect = db.engine.dialect.name

    print()
    print(f"database: {dialect}")
    print(f"{'what':52} {'median':>10} {'p95':>10} {'target':>8}")
    print(f"{'import: upload + dry run':52} {checked_at - started:9.1f}s {'':>10}")
    print(f"{'import: commit (checked again, all or nothing)':52} {done_at - checked_at:9.1f}s {'':>10}")
    print(f"{f'import of {args.rows:,} debt rows, end to end':52} {done_at - started:9.1f}s {'':>10} {'60 s':>8}")
    for label, (median, p95), target in ((f"national dashboard, {args.cases:,} cases", national, "250 ms"),
                                         ("provincial dashboard (Chiang Mai)", provincial, ""),
                                         ("API summary, nation", summary, "")):
        print(f"{label:52} {median:8.0f}ms {p95:8.0f}ms {target:>8}")


if __name__ == "__main__":
    main()
