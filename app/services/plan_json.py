"""A plan as it is stored and shown (api-v1.md, "Plans"): its spec and its result as JSON, and back."""
from __future__ import annotations

from decimal import Decimal

from app.domain.money import money_str
from app.domain.planner import LoanTerms, PlanSpec
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
    }
