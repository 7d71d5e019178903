"""An active case's instalments and what it has repaid (domain.md, "After approval" 4–5; api-v1.md "Instalments",
"delinquency"), read from its deduction runs marked `instalment` for the current version of the plan and from its
repayments for that version (the arithmetic: app/domain/instalments.py)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, bindparam, func, select

from app.domain import clock
from app.domain import instalments as arithmetic
from app.domain.instalments import ZERO, Run
from app.extensions import db
from app.models import DebtCase, DeductionLine, Repayment
from app.models.repayments import CaseDelinquency, DelinquencyChange, RepaymentTotal
from app.services.id_lists import among


# The ids go on both sides of each join below: with the ids on the runs or totals alone, PostgreSQL hashed all of
# debt_cases for every batch of 2,000 (a parallel sequential scan, ~0.5 s a call at a million cases); with them on
# debt_cases too it reads the 2,000 by primary key (measured by bench/bench_repayments.py).

def part_runs(case_ids) -> dict[int, dict[str, list[Run]]]:
    """case id → part → its instalment runs, for each case's current plan version."""
    ids = list(case_ids)
    stmt = (select(DeductionLine.case_id, DeductionLine.part, DeductionLine.amount, DeductionLine.from_month,
                   DeductionLine.to_month)
            .join(DebtCase, DebtCase.id == DeductionLine.case_id)
            .where(among(DeductionLine.case_id, ids), among(DebtCase.id, ids), DeductionLine.instalment.is_(True),
                   DeductionLine.plan_version == DebtCase.plan_version)
            .order_by(DeductionLine.case_id, DeductionLine.part, DeductionLine.from_month))
    runs: dict[int, dict[str, list[Run]]] = defaultdict(lambda: defaultdict(list))
    for case_id, part, amount, start, end in db.session.execute(stmt):
        runs[case_id][part].append(Run(amount, start, end))
    return runs


def paid_by_part(case_ids, through: date | None = None) -> dict[tuple[int, str], Decimal]:
    """(case id, part) → what has been repaid for the current plan version (for months up to `through`, if given):
    the totals the triggers keep (migration 0023), less what paid_after() finds after `through`."""
    ids = list(case_ids)
    totals = (select(RepaymentTotal.case_id, RepaymentTotal.part, RepaymentTotal.amount)
              .join(DebtCase, DebtCase.id == RepaymentTotal.case_id)
              .where(among(RepaymentTotal.case_id, ids), among(DebtCase.id, ids),
                     RepaymentTotal.plan_version == DebtCase.plan_version))
    paid = {(case_id, part): Decimal(total) for case_id, part, total in db.session.execute(totals)}
    return less(paid, paid_after(ids, through)) if through is not None else paid


def _after(month: date):
    """Repayments for months after `month`, the month written into the statement (see paid_after)."""
    return Repayment.month > bindparam("after_month", month, type_=Date, literal_execute=True)


def paid_after(case_ids, month: date) -> dict[tuple[int, str], Decimal]:
    """(case id, part) → what was repaid for months after `month` (few rows or none: the sweep and the report ask
    for the month under way).

    The month is written into the statement, not bound: a prepared statement's generic plan cannot know that
    `month > $1` is a handful of rows, and PostgreSQL's chose to read every repayment of the 2,000 cases (216 ms a
    batch against 0.1 ms, at a million cases with 18 months each; bench/bench_repayments.py)."""
    ids = list(case_ids)
    stmt = (select(Repayment.case_id, Repayment.part, func.sum(Repayment.amount))
            .join(DebtCase, DebtCase.id == Repayment.case_id)
            .where(_after(month), among(Repayment.case_id, ids), among(DebtCase.id, ids),
                   Repayment.plan_version == DebtCase.plan_version)
            .group_by(Repayment.case_id, Repayment.part))
    return {(case_id, part): Decimal(total) for case_id, part, total in db.session.execute(stmt)}


def all_paid_after(month: date, at_most: int) -> dict[tuple[int, str], Decimal] | None:
    """paid_after() for every case at once, or None when more than `at_most` repayments are for months after
    `month` (a report of a month long past; then each batch asks paid_after). The month under way has none or
    nearly none, so a sweep reads them once: on SQLite, which cannot tell how few rows `month > ?` holds, each
    batch's paid_after read every repayment of its cases instead (70 ms a batch at a million cases).

    The rows are read by the month alone, then matched to their cases' plan versions: joined to debt_cases in one
    statement, SQLite walked every case and its repayments instead (35 s at a million cases)."""
    rows = db.session.execute(select(Repayment.case_id, Repayment.part, Repayment.plan_version, Repayment.amount)
                              .where(_after(month)).limit(at_most + 1)).all()
    if len(rows) > at_most:
        return None
    ids = sorted({row.case_id for row in rows})
    versions = {}
    for start in range(0, len(ids), 2000):
        versions.update(db.session.execute(select(DebtCase.id, DebtCase.plan_version)
                                           .where(among(DebtCase.id, ids[start:start + 2000]))).all())
    paid: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if versions.get(row.case_id) == row.plan_version:
            paid[(row.case_id, row.part)] += row.amount
    return dict(paid)


def less(paid: dict, later: dict) -> dict:
    if not later:
        return paid
    return {key: amount - later.get(key, ZERO) for key, amount in paid.items()}


def parts_of(case: DebtCase) -> dict[str, tuple[list[Run], Decimal]]:
    """part → (runs, paid) for one case, the new loan first."""
    runs = part_runs([case.id]).get(case.id, {})
    paid = paid_by_part([case.id])
    ordered = sorted(runs, key=lambda part: (part != "new_loan", int(part) if part.isdigit() else 0))
    return {part: (runs[part], paid.get((case.id, part), ZERO)) for part in ordered}


# `parts` below: parts_of(case) when the caller has read it already (the case page reads it once for all of them).

def items(case: DebtCase, as_of: date | None = None, parts=None) -> list[arithmetic.Instalment]:
    """Every instalment of the case, part by part (api-v1.md "Instalments")."""
    as_of = as_of or clock.today()
    return [item for part, (runs, paid) in (parts if parts is not None else parts_of(case)).items()
            for item in arithmetic.instalments(part, runs, paid, as_of)]


def standing(case: DebtCase, as_of: date | None = None, parts=None) -> arithmetic.CaseStanding | None:
    """How far behind the case is on a day; None for a case with no instalments (never activated)."""
    parts = parts if parts is not None else parts_of(case)
    return arithmetic.case_standing(parts, as_of or clock.today()) if parts else None


def delinquency_json(case: DebtCase, as_of: date | None = None, parts=None) -> dict | None:
    """api-v1.md "delinquency": {bucket, days_past_due, amount_overdue, since}, as of the day asked."""
    as_of = as_of or clock.today()
    found = standing(case, as_of, parts)
    if found is None:
        return None
    stored = db.session.get(CaseDelinquency, case.id)
    since = stored.since if stored is not None and stored.bucket == found.bucket else as_of
    return {"bucket": found.bucket, "days_past_due": found.days_past_due,
            "amount_overdue": f"{found.amount_overdue:.2f}", "since": since.isoformat(),
            "needs_restructuring": bool(stored and stored.needs_restructuring)}


def history(case: DebtCase) -> list[DelinquencyChange]:
    return list(db.session.scalars(select(DelinquencyChange).where(DelinquencyChange.case_id == case.id)
                                   .order_by(DelinquencyChange.from_day, DelinquencyChange.id)))


def outstanding(case: DebtCase, parts=None) -> Decimal:
    """What the case still owes on its instalments (its whole schedule less what was repaid)."""
    return sum((max(sum((r.amount * r.months for r in runs), ZERO) - paid, ZERO)
                for runs, paid in (parts if parts is not None else parts_of(case)).values()), ZERO)


def governing_part(case: DebtCase, debt_id: int) -> str | None:
    """The instalments a debt of the case is now repaid through: its own for a rescheduled debt, the new loan's for a
    consolidated one (the model cooperative paid the old debt off with it; its guarantors stand behind that loan);
    None for a debt the plan leaves on its own terms."""
    from app.services.approved_plan import CONSOLIDATED, RESCHEDULED, approved_plan

    how = approved_plan(case).touched.get(int(debt_id))
    if how == CONSOLIDATED:
        return "new_loan"
    if how == RESCHEDULED:
        return str(int(debt_id))
    return None


def debt_standing(case: DebtCase, debt_id: int, as_of: date | None = None
                  ) -> tuple[str, arithmetic.Standing] | None:
    """(part, its standing) for a debt of an active or closed case, or None when no instalments repay it."""
    part = governing_part(case, debt_id)
    parts = parts_of(case)
    if part is None or part not in parts:
        return None
    runs, paid = parts[part]
    return part, arithmetic.standing(runs, paid, as_of or clock.today())


@dataclass(frozen=True)
class MonthRow:
    """A month of the case over its parts: what was due, what was paid against it, and how it stands."""

    month: date
    amount_due: Decimal
    amount_paid: Decimal
    status: str           # paid | partial | overdue | due
    days_past_due: int


def by_month(case: DebtCase, as_of: date | None = None, parts=None) -> list[MonthRow]:
    """The repayment timeline: each month with instalments, every part together (overdue when any part is)."""
    grouped: dict[date, list[arithmetic.Instalment]] = defaultdict(list)
    for item in items(case, as_of, parts):
        grouped[item.due_month].append(item)
    rows = []
    for month in sorted(grouped):
        parts = grouped[month]
        statuses = {i.status for i in parts}
        status = ("paid" if statuses == {"paid"} else "overdue" if "overdue" in statuses
                  else "partial" if any(i.amount_paid > 0 for i in parts) else "due")
        rows.append(MonthRow(month, sum((i.amount_due for i in parts), ZERO), sum((i.amount_paid for i in parts), ZERO),
                             status, max(i.days_past_due for i in parts)))
    return rows
