"""Benchmark for issue 20 (not a timed test): the national repayment report over 1,000,000 active cases, p95 ≤ 250 ms.

The report sums the monthly figures per cooperative (RepaymentMonth, services/repayment_report.py), never the cases,
so its cost follows the number of cooperatives × months, not of cases. This module times it on a database that
already holds the national dataset (built by another benchmark: bench/national/), as it stands — nothing is dropped.

Run:
    .venv/bin/python -m bench.bench_repayment_report --database-url postgresql://USER@HOST:5432/DBNAME \
        [--month 2027-03] [--runs 50] [--province 50] [--assess]

- --month: the month reported (2027-03 or 03/2570); by default the latest month that has figures.
- --assess: first compute that month's figures the way the daily sweep does (services/arrears.assess with
  report_month, committing batch by batch; not timed into the report, printed on its own). Needed once when the
  dataset was generated without RepaymentMonth rows; it reads every active case, so it takes minutes.
- --province: the province of the provincial report (a unit code, "50" by default).
- --runs: timed runs of each measurement after one warm-up (bench/timing.timed), 50 by default.

Printed: the database, the rows read, then median (p50) and p95 in ms of
- report(nation) — GET /api/v1/reports/repayment's work at the nation, the 250 ms target;
- report(nation) + trend(nation, 12 months) — what the national page computes;
- report(province) and the province's report + trend;
- the API request itself at the nation (token checked, JSON built), through Flask's test client.
The users are the demo organisation's (ministry_viewer, and the first user whose unit is the province, or
ministry_viewer asking for it), which the national dataset keeps.
"""
from __future__ import annotations

import argparse
import time

from bench.timing import bench_app, timed


def latest_month():
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models.repayments import RepaymentMonth

    return db.session.scalar(select(func.max(RepaymentMonth.month)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database holding the national dataset")
    parser.add_argument("--month", help="2027-03 or 03/2570; the latest month with figures by default")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--province", default="50", help="the unit code of the provincial report")
    parser.add_argument("--assess", action="store_true", help="compute the month's figures first (the daily sweep)")
    args = parser.parse_args()

    from datetime import date

    from sqlalchemy import func, select

    from app.domain import clock
    from app.domain.instalments import due_day
    from app.extensions import db
    from app.models import DebtCase, OrgUnit, User
    from app.models.repayments import RepaymentMonth
    from app.services import arrears, repayment_report
    from app.services.auth import issue_token

    app = bench_app(args.database_url, fresh=False)
    with app.app_context():
        month = repayment_report.parse_month(args.month) if args.month else (latest_month() or clock.today().replace(day=1))
        if isinstance(month, str):
            month = date.fromisoformat(month)
        if args.assess:
            as_of = min(clock.today(), due_day(month))
            print(f"computing the figures of {month:%Y-%m} as of {as_of} (the daily sweep) …", flush=True)
            started = time.perf_counter()
            summary = arrears.assess(as_of, report_month=month, commit=True)
            print(f"  {summary.cases:,} cases assessed in {time.perf_counter() - started:.0f} s", flush=True)
        nation = db.session.scalar(select(User).where(User.username == "ministry_viewer"))
        province_unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == args.province))
        province_user = db.session.scalar(select(User).where(User.org_unit_id == province_unit.id, User.active)
                                          .order_by(User.id).limit(1)) if province_unit else None
        province_code = None if province_user else args.province
        province_user = province_user or nation
        active = db.session.scalar(select(func.count(DebtCase.id)).where(DebtCase.status == "active"))
        rows = db.session.scalar(select(func.count(RepaymentMonth.id)).where(RepaymentMonth.month == month))
        trend_rows = db.session.scalar(select(func.count(RepaymentMonth.id)).where(
            RepaymentMonth.month.between(repayment_report.trend_months(month)[0], month)))
        figures = repayment_report.report(nation, month).figures
        token, _row = issue_token(nation)
        db.session.commit()
        dialect = db.engine.dialect.name

        def page(user, code):
            repayment_report.report(user, month, code)
            repayment_report.trend(user, month, province_code=code or None)

        results = [
            ("report, nation (the API's work)", timed(lambda: repayment_report.report(nation, month), args.runs),
             "250 ms"),
            ("report + 12-month trend, nation (the page)", timed(lambda: page(nation, None), args.runs), ""),
            (f"report, province {args.province}",
             timed(lambda: repayment_report.report(province_user, month, province_code), args.runs), ""),
            (f"report + trend, province {args.province}", timed(lambda: page(province_user, province_code), args.runs),
             ""),
        ]
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def request():
            response = client.get(f"/api/v1/reports/repayment?month={month:%Y-%m}", headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

        results.append(("GET /api/v1/reports/repayment, nation (test client)", timed(request, args.runs), "250 ms"))

    print()
    print(f"database: {dialect}; month {month:%Y-%m}; {active:,} active cases; {rows:,} cooperative rows in the month, "
          f"{trend_rows:,} over 12 months; national figures: {figures.active_cases:,} active, "
          f"on time {figures.on_time_rate}, computed {figures.computed_at}")
    print(f"{'what':56} {'p50':>9} {'p95':>9} {'target':>8}")
    for label, (median, p95), target in results:
        print(f"{label:56} {median:7.1f}ms {p95:7.1f}ms {target:>8}")


if __name__ == "__main__":
    main()
