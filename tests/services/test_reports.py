"""Dashboards and the summary report: every number equals a direct count from the database."""
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.domain.repayment import remaining_interest
from app.extensions import db
from app.models import DebtCase, Entitlement, Payment, ReliefCase
from app.services import reports
from app.services.errors import NotFound
from tests.factories import act, new_case, user


@pytest.fixture
def varied(decided):
    """Cases in two provinces, in several states, some with chosen plans, plus the demo's decided cases."""
    from app.services import debt_cases, debt_plans
    from app.services.debt_input import parse_case
    from tests.helpers import three_debts

    submitted, plan = new_case()
    act("coop_officer", submitted, "submit", plan_id=plan)
    new_case(term=240)  # a draft with a plan not chosen
    officer = user("coop_officer2")
    body = three_debts()
    body["cooperative_code"] = "COOP-KKN-01"
    body["teacher"]["citizen_id"] = "1409900123454"
    case = debt_cases.create_case(officer, parse_case(body))
    chosen = debt_plans.create_plan(officer, case.id, {"consolidate": {
        "debt_ids": [d.id for d in case.debts], "annual_rate": "4.00", "term_months": 200}})
    debt_plans.choose_plan(officer, case.id, chosen.id, None)
    return decided


def direct_debt(path: str) -> dict:
    """The expected figures, straight from the rows: debts' own interest, the chosen plan's stored result."""
    cases = db.session.scalars(select(DebtCase).where(DebtCase.org_path.startswith(path))).unique().all()
    out = {"total": len(cases), "by_status": {}, "by_risk_group": {}, "below_floor_before": 0,
           "below_floor_after": 0, "debt_before": Decimal("0"), "debt_after": Decimal("0")}
    for case in cases:
        out["by_status"][case.status] = out["by_status"].get(case.status, 0) + 1
        out["by_risk_group"][case.risk_group] = out["by_risk_group"].get(case.risk_group, 0) + 1
        principal = sum((d.outstanding for d in case.debts), Decimal("0"))
        before = sum((remaining_interest(d.outstanding, d.annual_rate, d.monthly_payment, d.remaining_months)
                      for d in case.debts), Decimal("0"))
        plan = next((p for p in case.plans if p.chosen), None)
        after = Decimal(plan.result["after"]["total_interest_remaining"]) if plan else before
        meets_after = plan.result["after"]["meets_floor"] if plan else case.meets_floor
        out["below_floor_before"] += not case.meets_floor
        out["below_floor_after"] += not meets_after
        out["debt_before"] += principal + before
        out["debt_after"] += principal + after
    return out


@pytest.mark.parametrize("username", ["ministry_viewer", "province_approver", "coop_officer2", "region_approver"])
def test_summary_equals_a_direct_count(varied, username):
    actor = user(username)
    got = reports.summary(actor)["debt_cases"]
    want = direct_debt(actor.org_unit.path)
    assert got["total"] == want["total"]
    assert {k: v for k, v in got["by_status"].items() if v} == want["by_status"]
    assert {k: v for k, v in got["by_risk_group"].items() if v} == want["by_risk_group"]
    assert (got["below_floor_before"], got["below_floor_after"]) == (want["below_floor_before"], want["below_floor_after"])
    assert Decimal(got["debt_before"]) == want["debt_before"]
    assert Decimal(got["debt_after"]) == want["debt_after"]
    assert Decimal(got["interest_saved"]) == want["debt_before"] - want["debt_after"]


def test_nation_has_every_case_and_chosen_plans_change_the_after_figures(varied):
    got = reports.summary(user("ministry_viewer"))["debt_cases"]
    assert got["total"] == db.session.query(DebtCase).count() == 4
    assert Decimal(got["debt_before"]) != Decimal(got["debt_after"])  # two cases have chosen plans


def test_relief_figures_equal_a_direct_sum(varied):
    got = reports.summary(user("ministry_viewer"))["relief_cases"]
    decided = db.session.scalars(select(ReliefCase).where(ReliefCase.status.in_(reports.RELIEF_DECIDED))).all()
    approved = sum((e.amount for c in decided for e in c.entitlements), Decimal("0"))
    paid = sum(db.session.scalars(select(Payment.amount)), Decimal("0"))
    assert got["total"] == db.session.query(ReliefCase).count()
    assert (Decimal(got["approved_amount"]), Decimal(got["paid_amount"])) == (approved, paid) != (0, 0)
    board = reports.dashboard(user("south_approver"))
    by_programme = {}
    for e in db.session.scalars(select(Entitlement)):
        by_programme[e.programme] = by_programme.get(e.programme, Decimal("0")) + e.amount
    assert {p: v["approved"] for p, v in board.relief.by_programme.items()} == by_programme


def test_dashboard_rows_add_up_to_the_total(varied):
    board = reports.dashboard(user("ministry_viewer"))
    assert sum(f.total for _unit, f in board.rows) == board.debt.total
    assert sum(f.debt_before for _unit, f in board.rows) == board.debt.debt_before
    assert {u.kind for u, _f in board.rows} <= {"region", "province"}
    province = reports.dashboard(user("province_approver"))
    assert [u.code for u, _f in province.rows] == ["COOP-CMI-01"]


def test_each_row_of_the_dashboard_equals_a_direct_count_of_its_unit(varied):
    """The rows are summed in the database by the child unit of each cooperative (reports._debt_rows' group):
    each child's figures are its own subtree's cases, no more and no fewer."""
    for username in ("ministry_viewer", "region_approver", "province_approver"):
        board = reports.dashboard(user(username))
        assert board.rows
        for unit, figures in board.rows:
            expected = direct_debt(unit.path)
            got = {"total": figures.total, "below_floor_before": figures.below_floor_before,
                   "below_floor_after": figures.below_floor_after, "debt_before": figures.debt_before,
                   "debt_after": figures.debt_after,
                   "by_status": {k: v for k, v in figures.by_status.items() if v},
                   "by_risk_group": {k: v for k, v in figures.by_risk_group.items() if v}}
            assert got == expected, unit.code


def test_waiting_counts_the_cases_waiting_now(varied):
    waiting = reports.waiting(user("ministry_viewer").org_unit.path)
    debt = next(w for w in waiting if w["programme"] == "debt" and w["status"] == "submitted")
    assert debt["count"] == 1 and debt["tier"] == "provincial" and debt["longest_days"] >= 0


def test_fiscal_year_counts_cases_registered_in_it(varied):
    some = db.session.scalars(select(DebtCase.id).order_by(DebtCase.id).limit(2)).all()
    # 30 Sep 2025 23:30 Bangkok = fiscal 2568; 1 Oct 2025 00:30 Bangkok = fiscal 2569 (UTC stored, Bangkok counted)
    db.session.execute(update(DebtCase).where(DebtCase.id == some[0]).values(created_at=datetime(2025, 9, 30, 16, 30)))
    db.session.execute(update(DebtCase).where(DebtCase.id == some[1]).values(created_at=datetime(2025, 9, 30, 17, 30)))
    db.session.commit()
    nation = user("ministry_viewer")
    assert reports.summary(nation, fy=2568)["debt_cases"]["total"] == 1
    assert reports.summary(nation, fy=2569)["debt_cases"]["total"] == 1


def test_a_unit_outside_the_scope_is_not_found(varied):
    with pytest.raises(NotFound):
        reports.summary(user("province_approver"), "40")
    assert reports.summary(user("ministry_viewer"), "40")["debt_cases"]["total"] == 1


def rollup_equals_direct():
    nation = user("ministry_viewer").org_unit.path

    def folded(rows):
        out = {}
        for coop, status, risk, meets, after, planned, retired, count, outstanding, before, later in rows:
            key = (coop, status, risk, bool(meets), bool(after), bool(planned), bool(retired))
            got = out.setdefault(key, [0, Decimal("0"), Decimal("0"), Decimal("0")])
            got[0] += count
            for i, v in enumerate((outstanding, before, later), start=1):
                got[i] += reports.money(v)
        return {k: v for k, v in out.items() if v[0]}

    for fy in (None, reports.current_fiscal_year()):
        assert folded(reports._debt_rows(nation, fy)) == folded(reports.direct_debt_rows(nation, fy))


def test_the_rollup_equals_the_cases_after_every_kind_of_write(varied):
    """Kept by triggers: creates, edits, plans chosen, transitions, bulk import, plain SQL and deletes."""
    from app.services import debt_cases, debt_plans
    from app.services.debt_input import parse_case
    from tests.factories import run_import as run
    from tests.helpers import member_rows, xlsx

    rollup_equals_direct()
    case_id, plan_id = new_case()
    debt_plans.choose_plan(user("coop_officer"), case_id, plan_id, None)
    rollup_equals_direct()
    case = db.session.get(DebtCase, case_id)
    body = {"monthly_salary": "60000.00", "version": case.version}
    debt_cases.update_case(user("coop_officer"), case_id, parse_case(body, partial=True))
    rollup_equals_direct()
    act("coop_officer", case_id, "submit")
    act("province_approver", case_id, "approve")
    rollup_equals_direct()
    from app.services import debt_import

    job = run("coop_officer", xlsx(member_rows(30)))
    debt_import.start_import(user("coop_officer"), job.id)
    rollup_equals_direct()
    db.session.execute(update(DebtCase).where(DebtCase.id == case_id).values(created_at=datetime(2024, 10, 5)))
    db.session.execute(DebtCase.__table__.delete().where(DebtCase.status == "draft", DebtCase.id % 2 == 0))
    db.session.commit()
    rollup_equals_direct()
