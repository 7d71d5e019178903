"""What payroll deducts each month for an active case (domain.md, "After approval" 3; api-v1.md "Deduction lists"),
written once at activation from the approved snapshot's schedules, as runs of months with one amount each.

Lines: every salary-deducted debt after the approved plan — the new loan, the rescheduled and pro-rata debts, and the
untouched debts marked salary_deducted — in the legal order of domain.md step 3. Statutory deductions (tax, GPF,
social security) come first on payroll but are payroll's own and are not listed; then cooperative debts
(Cooperatives Act 2542 s.42/1 gives the cooperative priority over other creditors), the model cooperative's new loan
first; then the other creditors, oldest agreement first. No agreement day is recorded for a debt, so "oldest first"
is the order the debts were entered in, which the form, the import and the API keep.

A list for month M reads the runs that cover M (and M−1, for what changed) — a few rows per case, whatever the term.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, update

from app.extensions import db
from app.models import DebtCase, DeductionLine
from app.services.approved_plan import ApprovedPlan
from app.services.plan_schedules import frozen_snapshot_plan

# domain.md step 3, after payroll's statutory deductions: the model cooperative's new loan, other cooperative
# debts, then everyone else.
ORDER_NEW_LOAN, ORDER_COOPERATIVE, ORDER_OTHER = 1, 2, 3


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Run:
    part: str
    creditor: str
    legal_order: int
    amount: Decimal
    from_month: date
    to_month: date
    instalment: bool = False  # a month of an approved schedule: the new loan or a rescheduled debt


def runs_of(amounts: list[Decimal], first: date) -> list[tuple[Decimal, date, date]]:
    """Consecutive months with the same amount, as (amount, first month, last month)."""
    runs: list[tuple[Decimal, date, date]] = []
    for index, amount in enumerate(amounts):
        month = add_months(first, index)
        if runs and runs[-1][0] == amount:
            runs[-1] = (amount, runs[-1][1], month)
        else:
            runs.append((amount, month, month))
    return runs


def plan_runs(plan: ApprovedPlan, cooperative_name: str, first_due: date) -> list[Run]:
    """The runs of an approved plan, in the legal order (stable within a rank: the order of the plan, then of the
    debts as entered)."""
    frozen = frozen_snapshot_plan(plan.snapshot)
    position = {debt_id: index for index, debt_id in enumerate(plan.debts)}
    # (order, position, part, creditor, amounts, instalment)
    parts: list[tuple[int, int, str, str, list[Decimal], bool]] = []
    for part, schedule in (frozen.schedules() if frozen else []):
        amounts = [i.payment for i in schedule.instalments]
        if part == "new_loan":
            parts.append((ORDER_NEW_LOAN, -1, part, cooperative_name, amounts, True))
        else:
            parts.append((_order(plan.debts[int(part)]), position[int(part)], part, plan.creditor_name(int(part)),
                          amounts, True))
    body = plan.body["chosen_plan"]
    for row in body.get("pro_rata", []):
        debt_id = int(row["debt_id"])
        parts.append((_order(plan.debts[debt_id]), position[debt_id], str(debt_id), plan.creditor_name(debt_id),
                      [Decimal(row["monthly_payment"])] * int(row["months"]), False))
    for debt_id, debt in plan.debts.items():
        if debt_id in plan.touched or not debt.get("salary_deducted"):
            continue
        parts.append((_order(debt), position[debt_id], str(debt_id), debt["creditor_name"],
                      [Decimal(debt["monthly_payment"])] * int(debt["remaining_months"]), False))
    parts.sort(key=lambda p: (p[0], p[1]))
    return [Run(part, creditor, order, amount, start, end, instalment)
            for order, _pos, part, creditor, amounts, instalment in parts
            for amount, start, end in runs_of(amounts, first_due) if amount > 0]


def _order(debt: dict) -> int:
    return ORDER_COOPERATIVE if debt.get("creditor_type") == "cooperative" else ORDER_OTHER


def write_lines(case: DebtCase, plan: ApprovedPlan) -> int:
    """Activation: the case's runs from its first due month. Runs of an earlier version that reach that month end
    the month before, so no month is deducted twice."""
    end_lines(case, case.first_due_month)
    runs = plan_runs(plan, case.cooperative.name, case.first_due_month)
    db.session.add_all(DeductionLine(case_id=case.id, plan_version=case.plan_version,
                                     paying_unit_id=case.paying_unit_id, province_code=case.province_code,
                                     part=r.part, creditor=r.creditor[:200], legal_order=r.legal_order,
                                     amount=r.amount, from_month=r.from_month, to_month=r.to_month,
                                     instalment=r.instalment) for r in runs)
    return len(runs)


def end_lines(case: DebtCase, from_month: date) -> None:
    """No deduction for the case from `from_month` on (a revision, a new activation): later runs go, a run that
    straddles the month ends the month before."""
    db.session.execute(delete(DeductionLine).where(DeductionLine.case_id == case.id,
                                                   DeductionLine.from_month >= from_month))
    db.session.execute(update(DeductionLine).where(DeductionLine.case_id == case.id,
                                                   DeductionLine.to_month >= from_month)
                       .values(to_month=add_months(from_month, -1)))

