"""A debt case's figures as the planner and the lists see them (domain.md, "The 30% rule"), from its rows, its chosen
plan and the settings in force; and a case's plan by id. Below both debt_cases and plan_upkeep, which use it."""
from __future__ import annotations

from decimal import Decimal

from app.domain.affordability import Affordability
from app.domain.case_summary import CaseSummary, PlanOutcome, summarise
from app.domain.planner import CaseFigures, DebtFigures, PlanSettings
from app.models import DebtCase, DebtPlan
from app.services.errors import NotFound
from app.services.plan_schedules import approval_snapshot, settings_of, snapshot_day
from app.services.plan_settings import plan_settings


def case_figures(case: DebtCase) -> CaseFigures:
    return figures_of(case.monthly_salary, case.monthly_allowances, case.deductions, case.debts,
                      case.person.birth_date, retired=bool(case.retired), pension=case.monthly_pension)


def figures_of(salary: Decimal, allowances: Decimal, deductions, debts, birth_date=None, *, retired: bool = False,
               pension: Decimal | None = None) -> CaseFigures:
    """The planner's view of a case, from its rows (CaseDeduction, Debt) or from parsed input written in bulk
    (debt_input.DeductionInput, DebtInput): both name their fields alike. A retired teacher's pension is receipts
    and base (domain.md, "The 30% rule")."""
    return CaseFigures(
        retired=retired, pension=pension if pension is not None else Decimal("0"),
        salary=salary,
        allowances=allowances,
        non_debt_deductions=sum((d.monthly_amount for d in deductions), Decimal("0")),
        debts=tuple(DebtFigures(key=d.id, creditor_name=d.creditor_name, outstanding=d.outstanding,
                                annual_rate=d.annual_rate, monthly_payment=d.monthly_payment,
                                remaining_months=d.remaining_months, legal_status=d.legal_status)
                    for d in debts),
        birth_date=birth_date,
    )


def settings_for(case: DebtCase) -> PlanSettings:
    """The settings a case's figures are shown under: for an approved, active or closed case those frozen in its
    approval snapshot (domain.md, Workflow: every figure shown for the approved case comes from the snapshot,
    whatever settings change later); otherwise those in force today."""
    snapshot = approval_snapshot(case)
    if snapshot is None:
        return plan_settings()
    return settings_of(snapshot.data, snapshot_day(snapshot))


def summary_of(case: DebtCase, settings: PlanSettings | None = None) -> CaseSummary:
    """Every stored figure of the case, from its rows, its chosen plan and `settings` (by default the case's own:
    settings_for). For an approved case the chosen plan's side is the snapshot's."""
    snapshot = approval_snapshot(case) if settings is None else None
    if snapshot is not None:
        chosen = snapshot.data.get("chosen_plan")
        return summarise(case_figures(case), settings_of(snapshot.data, snapshot_day(snapshot)),
                         PlanOutcome.of_stored(chosen) if chosen else None)
    plan = case.chosen_plan
    return summarise(case_figures(case), settings or plan_settings(),
                     PlanOutcome.of_stored(plan.result) if plan else None)


def affordability_of(case: DebtCase) -> Affordability:
    return summary_of(case).affordability


def refresh_figures(case: DebtCase) -> None:
    """Keep the stored summary (used by lists, filters and reports) equal to the rows and the chosen plan."""
    for name, value in summary_of(case).columns().items():
        setattr(case, name, value)


def refresh_plan_figures(case: DebtCase) -> None:
    """After a plan is chosen, dropped or worked out again: the figures before and after the chosen plan."""
    refresh_figures(case)



def plan_for(case: DebtCase, plan_id: int) -> DebtPlan:
    plan = next((p for p in case.plans if p.id == plan_id), None)
    if plan is None:
        raise NotFound()
    return plan
