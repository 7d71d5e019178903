"""The national generator past approval (issue 19, bench/national/after_approval.py), on a small dataset: the rows
read as the application would have written them — the deduction runs are plan_runs over the approved snapshot,
activation lacks nothing, the funnel days are what refresh_days computes — and --active-cases/--province-active
give exactly the active cases asked for."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DebtCase, DeductionLine, OrgUnit
from app.services.after_approval_steps import missing_for_activation, refresh_days
from app.services.approved_plan import approved_plan
from app.services.deduction_lines import add_months, plan_runs

# The generator writes through its own engine connection (bench/national/writer.py).
pytestmark = pytest.mark.commits


@pytest.fixture
def generated(db):
    from bench.national.generate import ActiveShare, debt_dataset

    debt_dataset(300, seed=11, archetypes=60, log=lambda *_: None, active=ActiveShare(120, 50, "50"))
    db.session.expire_all()


def test_active_cases_are_the_ones_asked_for_and_read_as_the_application_wrote_them(generated):
    active = db.session.scalars(select(DebtCase).where(DebtCase.status == "active")).all()
    assert len(active) == 120 and sum(c.province_code == "50" for c in active) == 50
    for case in active:
        plan = approved_plan(case)
        assert missing_for_activation(case, plan) == []
        assert case.paying_unit.kind == "area_office" and case.paying_unit.province_code == case.province_code
        want = [(r.part, r.creditor, r.legal_order, r.amount, r.from_month, r.to_month)
                for r in plan_runs(plan, case.cooperative.name, case.first_due_month)]
        got = [(l.part, l.creditor, l.legal_order, l.amount, l.from_month, l.to_month) for l in db.session.scalars(
            select(DeductionLine).where(DeductionLine.case_id == case.id).order_by(DeductionLine.id))]
        assert got == want and got
        assert case.approved_on <= case.answered_on <= case.paid_off_on <= case.agreement_signed_on
        assert case.first_due_month == add_months(case.agreement_signed_on.replace(day=1), 1)
        days = case.answered_on, case.paid_off_on
        refresh_days(case, plan)
        assert (case.answered_on, case.paid_off_on) == days
    db.session.rollback()


def test_approved_cases_stand_somewhere_in_the_funnel(generated):
    approved = db.session.scalars(select(DebtCase).where(DebtCase.status == "approved")).all()
    assert approved and all(c.approved_on is not None and c.agreement_signed_on is None for c in approved)
    for case in approved:
        days = case.answered_on, case.paid_off_on
        refresh_days(case, approved_plan(case))
        assert (case.answered_on, case.paid_off_on) == days
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DeductionLine).join(
        DebtCase, DebtCase.id == DeductionLine.case_id).where(DebtCase.status != "active")) == 0
    offices = db.session.scalar(select(func.count()).where(OrgUnit.kind == "area_office"))
    assert offices >= 77 * 3
