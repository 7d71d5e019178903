"""A debt case's figures as the planner and the lists see them (domain.md, "The 30% rule"), from its rows, its chosen
plan and the settings in force; and a case's plan by id. Below both debt_cases and plan_upkeep, which use it."""
from __future__ import annotations

from decimal import Decimal

from app.domain.affordability import Affordability
from app.domain.case_summary import CaseSummary, PlanOutcome, summarise
from app.domain.planner import CaseFigures, DebtFigures
from app.models import DebtCase, DebtPlan
from app.services.errors import NotFound
from app.services.plan_settings import plan_settings


def case_figures(case: DebtCase) -> CaseFigures:
    return figures_of(case.monthly_salary, case.monthly_allowances, case.deductions, case.debts,
                      case.person.birth_date)


def figures_of(salary: Decimal, allowances: Decimal, deductions, debts, birth_date=None) -> CaseFigures:
    """The planner's view of a case, from its rows (CaseDeduction, Debt) or from parsed input written in bulk
    (debt_input.DeductionInput, DebtInput): both name their fields alike."""
    return CaseFigures(
        salary=salary,
        allowances=allowances,
        non_debt_deductions=sum((d.monthly_amount for d in deductions), Decimal("0")),
        debts=tuple(DebtFigures(key=d.id, creditor_name=d.creditor_name, outstanding=d.outstanding,
                                annual_rate=d.annual_rate, monthly_payment=d.monthly_payment,
                                remaining_months=d.remaining_months, legal_status=d.legal_status)
                    for d in debts),
        birth_date=birth_date,
    )


def summary_of(case: DebtCase) -> CaseSummary:
    """Every stored figure of the case, from its rows, its chosen plan and the settings in force."""
    plan = case.chosen_plan
    return summarise(case_figures(case), plan_settings(), PlanOutcome.of_stored(plan.result) if plan else None)


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
