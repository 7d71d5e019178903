"""A plan as it is stored and shown (api-v1.md, "Plans"): its spec and its result as JSON, and back."""
from __future__ import annotations

from decimal import Decimal

from app.domain.affordability import AffordabilitySettings
from app.domain.money import RoundingRule, money_str
from app.domain.planner import LoanTerms, PlanSettings, PlanSpec
from app.domain.repayment import Schedule


def spec_to_json(spec: PlanSpec) -> dict:
    def terms(t: LoanTerms) -> dict:
        return {"annual_rate": str(t.annual_rate), "term_months": t.term_months, "method": t.method}

    body: dict = {}
    if spec.consolidate_keys:
        body["consolidate"] = {"debt_ids": list(spec.consolidate_keys), **terms(spec.consolidate_terms)}
    if spec.reschedule:
        body["reschedule"] = [{"debt_id": key, **terms(t)} for key, t in spec.reschedule]
    if spec.pro_rata_keys:
        body["pro_rata"] = {"debt_ids": list(spec.pro_rata_keys)}
    return body


def spec_from_json(body: dict) -> PlanSpec:
    def terms(part: dict) -> LoanTerms:
        return LoanTerms(annual_rate=Decimal(part["annual_rate"]), term_months=part["term_months"],
                         method=part["method"])

    consolidate = body.get("consolidate")
    return PlanSpec(
        consolidate_keys=tuple(consolidate["debt_ids"]) if consolidate else (),
        consolidate_terms=terms(consolidate) if consolidate else None,
        reschedule=tuple((row["debt_id"], terms(row)) for row in body.get("reschedule", [])),
        pro_rata_keys=tuple(body.get("pro_rata", {}).get("debt_ids", [])),
    )


# ---- the settings a plan was worked out under (issue 17: its figures and its schedules come from one computation) --

def settings_to_json(settings: PlanSettings) -> dict:
    rule = settings.affordability
    return {"max_term_months": settings.max_term_months, "max_age_at_end": settings.max_age_at_end,
            "rounding_step": str(settings.rounding.step), "rounding_mode": settings.rounding.mode,
            "floor": str(rule.floor), "base": rule.base,
            "absolute_minimum": str(rule.absolute_minimum) if rule.absolute_minimum is not None else None}


# Each stored field and the setting it comes from (app/services/settings.py DEFINITIONS).
SETTING_KEYS = {"max_term_months": "plan.max_term_months", "max_age_at_end": "plan.max_age_at_end",
                "rounding_step": "repayment.rounding_step", "rounding_mode": "repayment.rounding_mode",
                "floor": "affordability.floor", "base": "affordability.base",
                "absolute_minimum": "affordability.absolute_minimum"}


def changed_settings(before: PlanSettings, now: PlanSettings) -> list[str]:
    """The keys of the settings whose value differs between two PlanSettings, in SETTING_KEYS order."""
    old, new = settings_to_json(before), settings_to_json(now)
    return [SETTING_KEYS[name] for name in SETTING_KEYS if old[name] != new[name]]


def settings_from_json(body: dict) -> PlanSettings:
    minimum = body.get("absolute_minimum")
    return PlanSettings(
        max_term_months=int(body["max_term_months"]), max_age_at_end=int(body["max_age_at_end"]),
        rounding=RoundingRule(step=Decimal(body["rounding_step"]), mode=body["rounding_mode"]),
        affordability=AffordabilitySettings(floor=Decimal(body["floor"]), base=body["base"],
                                            absolute_minimum=Decimal(minimum) if minimum is not None else None))


# ---- the result as the API shows it ------------------------------------------------------------------

def _schedule_summary(schedule: Schedule) -> dict:
    return {"principal": money_str(schedule.principal), "annual_rate": str(schedule.annual_rate),
            "term_months": schedule.term_months, "method": schedule.method,
            "monthly_payment": money_str(schedule.first_payment), "total_interest": money_str(schedule.total_interest),
            "months": schedule.months}


def result_to_json(result) -> dict:
    return {
        "new_loan": _schedule_summary(result.new_loan) if result.new_loan else None,
        "rescheduled": [{"debt_id": key, **_schedule_summary(s)} for key, s in result.rescheduled],
        "pro_rata": [{"debt_id": key, "monthly_payment": money_str(payment), "months": months}
                     for key, payment, months in result.pro_rata],
        "before": result.before.as_dict(),
        "after": result.after.as_dict(),
        "interest_saved": money_str(result.interest_saved),
        "meets_floor": result.after.affordability.meets_floor,
        "warnings": list(result.warnings),
        **({"settings": settings_to_json(result.settings)} if result.settings is not None else {}),
    }
