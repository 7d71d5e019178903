"""Benchmarks for issue 3 (not a timed test): plan build ≤ 5 ms, suggest ≤ 20 ms, case page ≤ 30 ms.

Run: `make bench` (or `.venv/bin/python -m bench.bench_debt`). Uses a throw-away SQLite database with the
demo organisation and one realistic case (three debts), and prints median and p95 of N runs.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from bench.timing import bench_app
from bench.timing import timed as measure

RUNS = 200


def timed(fn, runs: int = RUNS) -> tuple[float, float]:
    return measure(fn, runs)


def main() -> None:
    from app.demo import DEMO_CASES
    from app.domain.planner import LoanTerms, PlanSpec, evaluate_plan, suggest_term
    from app.extensions import db
    from app.models import User
    from app.services import case_figures, debt_cases, debt_plans
    from app.services.debt_input import parse_case
    from app.services.plan_settings import plan_settings

    app = bench_app()
    with app.app_context():
        officer = db.session.query(User).filter_by(username="coop_officer").one()
        case = debt_cases.create_case(officer, parse_case(DEMO_CASES[0][1]))
        case_id, ids = case.id, [d.id for d in case.debts]
        figures, settings = case_figures.case_figures(case), plan_settings()
        spec = PlanSpec(consolidate_keys=tuple(ids[1:]),
                        consolidate_terms=LoanTerms(annual_rate=Decimal("4.50"), term_months=240))
        rows = [
            ("plan build, domain (240-month loan)", timed(lambda: evaluate_plan(figures, spec, settings, date.today())), 5),
            ("plan build, service incl. database write",
             timed(lambda: debt_plans.create_plan(officer, case_id, {"consolidate": {
                 "debt_ids": ids[1:], "annual_rate": "4.50", "term_months": 240}}), runs=15), 5),
            ("suggest, domain", timed(lambda: suggest_term(figures, tuple(ids), Decimal("4.50"),
                                                            "annuity", settings, date.today())), 20),
            ("suggest, service", timed(lambda: debt_plans.suggest(officer, case_id, {
                "consolidate_debt_ids": ids, "annual_rate": "4.50"})), 20),
        ]
    client = app.test_client()
    client.post("/login", data={"username": "coop_officer", "password": "bench-pass-2569"})
    rows.append(("case page with 15 plans (GET, server time)", timed(lambda: client.get(f"/debt-cases/{case_id}"),
                                                                     runs=100), 30))
    print(f"{'benchmark':<46} {'median ms':>10} {'p95 ms':>8} {'target ms':>10}  verdict")
    for name, (median, p95), target in rows:
        print(f"{name:<46} {median:>10.2f} {p95:>8.2f} {target:>10}  {'ok' if median <= target else 'OVER'}")


if __name__ == "__main__":
    main()
