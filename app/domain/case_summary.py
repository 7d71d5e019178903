"""The figures a debt case stores beside its rows, for lists, filters, dashboards and reports (domain.md, "The 30%
rule" and "Restructuring plan"), worked out in one place for every way a case is written: the web form and the API
(services/debt_cases.py), a spreadsheet import (services/debt_import_write.py) and the national benchmark's
generator (bench/national/). Pure: Decimal in, Decimal out.

- before the plan: receipts, non-debt deductions, debt service, net, ratio, floor, shortfall and whether the floor is
  met (affordability.assess), the risk group, the total outstanding and the interest still to pay on current terms;
- after the chosen plan (migration 0006): the interest still to pay under it and whether it keeps the floor, or
  nothing while no plan is chosen.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.domain.affordability import Affordability
from app.domain.money import to_money
from app.domain.planner import CaseFigures, PlanSettings, Situation, describe_situation


@dataclass(frozen=True)
class PlanOutcome:
    """The chosen plan's "after" side, as a plan stores it (planner.Situation.as_dict)."""

    interest_remaining: Decimal
    meets_floor: bool

    @classmethod
    def of_stored(cls, result: Mapping) -> PlanOutcome:
        after = result["after"]
        return cls(Decimal(after["total_interest_remaining"]), bool(after["meets_floor"]))


@dataclass(frozen=True)
class CaseSummary:
    before: Situation            # affordability, risk group, debt service, interest on current terms
    total_outstanding: Decimal
    plan: PlanOutcome | None     # the chosen plan's side, None while no plan is chosen

    @property
    def affordability(self) -> Affordability:
        return self.before.affordability

    def columns(self) -> dict:
        """The derived columns of debt_cases (app/models/debt.py), by name."""
        result = self.before.affordability
        return {
            "non_debt_deductions": result.non_debt_deductions, "debt_service": self.before.debt_service,
            "net_income": result.net, "ratio": result.ratio, "meets_floor": result.meets_floor,
            "total_outstanding": self.total_outstanding, "risk_group": self.before.risk_group,
            "interest_remaining": self.before.total_interest_remaining,
            "plan_interest_remaining": self.plan.interest_remaining if self.plan else None,
            "plan_meets_floor": self.plan.meets_floor if self.plan else None,
        }


def summarise(case: CaseFigures, settings: PlanSettings, plan: PlanOutcome | None = None) -> CaseSummary:
    """Every stored figure of a case from its inputs and the settings in force (floor, base, absolute minimum)."""
    return CaseSummary(before=describe_situation(case, settings),
                       total_outstanding=to_money(sum((d.outstanding for d in case.debts), Decimal("0"))),
                       plan=plan)
