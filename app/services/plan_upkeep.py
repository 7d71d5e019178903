"""Keeping a debt case's plans true to its figures (domain.md, "Plans"): a plan is worked out under the settings in
force, the chosen one is marked, and after the case changes every plan is worked out again (or deleted, audited,
when it names a removed debt or now breaks a cap). debt_cases calls this after every edit; debt_plans builds on it."""
from __future__ import annotations

from app.domain import clock
from app.domain.planner import PlanRejected, PlanSpec, evaluate_plan
from app.i18n import gettext as _
from app.models import DebtCase, User
from app.services import audit
from app.services.case_figures import case_figures, plan_for, refresh_plan_figures
from app.services.errors import ValidationFailed
from app.services.plan_json import result_to_json, spec_from_json
from app.services.plan_settings import plan_settings

PLAN_FIELD_MESSAGES = {
    "term_cap": lambda s: _("The term is longer than the cap of %(n)d months.", n=s.max_term_months),
    "age_cap": lambda s: _("The borrower would be older than %(n)d at the last instalment.", n=s.max_age_at_end),
}


def rejection(error: PlanRejected, settings) -> ValidationFailed:
    fields = {}
    for path, reason in error.fields.items():
        code = next((c for c in PLAN_FIELD_MESSAGES if str(reason).startswith(c)), None)
        fields[path] = PLAN_FIELD_MESSAGES[code](settings) if code else _("Check this value: %(reason)s",
                                                                            reason=reason)
    return ValidationFailed(_("The plan breaks a rule: %(rules)s", rules="; ".join(fields.values())), fields)


def evaluate(case: DebtCase, spec: PlanSpec):
    settings = plan_settings()
    try:
        return evaluate_plan(case_figures(case), spec, settings, clock.today())
    except PlanRejected as error:
        raise rejection(error, settings) from None


def mark_chosen(case: DebtCase, plan_id: int | None) -> None:
    if plan_id is not None:
        plan_for(case, plan_id)  # 404 when the plan is not this case's
    for plan in case.plans:
        plan.chosen = plan.id == plan_id
    refresh_plan_figures(case)


def after_case_change(actor: User, case: DebtCase, dropped_debt_ids: set[int]) -> None:
    """Figures changed: recompute every plan; plans that name a removed debt, or that now break a cap,
    are deleted with an audit record (they can be rebuilt from the new figures)."""
    for plan in list(case.plans):
        spec = spec_from_json(plan.spec)
        named = set(spec.consolidate_keys) | {k for k, _t in spec.reschedule} | set(spec.pro_rata_keys)
        reason = "debt_removed" if named & dropped_debt_ids else None
        if reason is None:
            try:
                result = evaluate(case, spec)
            except ValidationFailed:
                reason = "rule_broken"
            else:
                plan.result = result_to_json(result)
                plan.interest_saved = result.interest_saved
                plan.meets_floor = result.after.affordability.meets_floor
                continue
        audit.record("debt_plan.delete", actor=actor, object_type="debt_plan", object_id=plan.id,
                     org_path=case.org_path, before={"label": plan.label, "reason": reason})
        case.plans.remove(plan)
    refresh_plan_figures(case)
