"""The settings in force, as the domain's PlanSettings (one place turns stored strings into rules)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.affordability import AffordabilitySettings
from app.domain.money import RoundingRule
from app.domain.planner import PlanSettings
from app.services import settings


def plan_settings(on: date | None = None) -> PlanSettings:
    current = settings.values(on)
    minimum = current["affordability.absolute_minimum"]
    return PlanSettings(
        max_term_months=int(current["plan.max_term_months"]),
        max_age_at_end=int(current["plan.max_age_at_end"]),
        rounding=RoundingRule(step=Decimal(current["repayment.rounding_step"]),
                              mode=current["repayment.rounding_mode"]),
        affordability=AffordabilitySettings(
            floor=Decimal(current["affordability.floor"]),
            base=current["affordability.base"],
            absolute_minimum=Decimal(minimum) if minimum else None,
        ),
    )
