"""Restructuring plans: build, compare, choose, suggest a term, and read schedules (domain.md,
"Restructuring plan"). The arithmetic is app/domain/planner.py; this module parses, authorises,
stores and audits."""
from __future__ import annotations

from sqlalchemy import func, select

from app.domain import clock
from app.domain.money import MoneyError, money_str, parse_rate
from app.domain.planner import LoanTerms, PlanSpec, suggest_term
from app.domain.repayment import METHODS, Schedule
from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtCase, DebtPlan, User
from app.services import audit
from app.services.case_figures import case_figures, plan_for, refresh_plan_figures
from app.services.debt_cases import claim_case, get_case, update_case
from app.services.debt_input import CaseInput, TERM_RANGE, rate_message
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.permissions import require
from app.services.plan_json import result_to_json, settings_to_json, spec_to_json
from app.services.plan_schedules import frozen_plan
from app.services.plan_settings import plan_settings
from app.services.plan_upkeep import after_case_change, evaluate

MAX_PLANS_PER_CASE = 20


# ---- reading a plan request ----------------------------------------------------------------------

def _ids(raw, path: str, errors: dict) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        errors[path] = _("Choose at least one debt.")
        return ()
    if len(set(raw)) != len(raw):
        errors[path] = _("A debt is listed twice.")
    return tuple(raw)


def _terms(raw: dict, path: str, errors: dict, *, need_term: bool = True) -> LoanTerms | None:
    try:
        rate = parse_rate(raw.get("annual_rate"))
    except MoneyError as error:
        errors[f"{path}.annual_rate"] = rate_message(error)  # plan rates keep the 30% cap (domain/money.py)
        rate = None
    term = raw.get("term_months")
    if need_term and (isinstance(term, bool) or not isinstance(term, int) or not TERM_RANGE[0] <= term <= TERM_RANGE[1]):
        if isinstance(term, str) and term.strip().isdecimal() and TERM_RANGE[0] <= int(term) <= TERM_RANGE[1]:
            term = int(term)
        else:
            errors[f"{path}.term_months"] = _("Enter a whole number from %(low)d to %(high)d.",
                                              low=TERM_RANGE[0], high=TERM_RANGE[1])
            term = None
    method = raw.get("method", "annuity")
    if method not in METHODS:
        errors[f"{path}.method"] = _("Choose one of: %(options)s.", options=", ".join(METHODS))
    if rate is None or (need_term and term is None) or method not in METHODS:
        return None
    return LoanTerms(annual_rate=rate, term_months=term if need_term else 0, method=method)


def parse_plan(data) -> tuple[str, PlanSpec]:
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    errors: dict[str, str] = {}
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        label = _("Plan")
    label = " ".join(label.split())[:200]
    consolidate_keys, consolidate_terms, reschedule, pro_rata = (), None, [], ()
    if data.get("consolidate") is not None:
        part = data["consolidate"]
        if not isinstance(part, dict):
            errors["consolidate"] = _("Describe the consolidation.")
        else:
            consolidate_keys = _ids(part.get("debt_ids"), "consolidate.debt_ids", errors)
            consolidate_terms = _terms(part, "consolidate", errors)
    if data.get("reschedule") is not None:
        rows = data["reschedule"]
        if not isinstance(rows, list):
            errors["reschedule"] = _("Describe each rescheduled debt.")
            rows = []
        for i, row in enumerate(rows):
            path = f"reschedule[{i}]"
            if not isinstance(row, dict) or isinstance(row.get("debt_id"), bool) or not isinstance(row.get("debt_id"), int):
                errors[f"{path}.debt_id"] = _("Choose the debt to reschedule.")
                continue
            terms = _terms(row, path, errors)
            if terms:
                reschedule.append((row["debt_id"], terms))
    if data.get("pro_rata") is not None:
        part = data["pro_rata"]
        pro_rata = _ids(part.get("debt_ids") if isinstance(part, dict) else None, "pro_rata.debt_ids", errors)
    if not errors and not (consolidate_keys or reschedule or pro_rata):
        errors["consolidate"] = _("A plan needs a consolidation, a rescheduled debt or a pro-rata share.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    return label, PlanSpec(consolidate_keys=consolidate_keys, consolidate_terms=consolidate_terms,
                           reschedule=tuple(reschedule), pro_rata_keys=pro_rata)


# ---- services ------------------------------------------------------------------------------------

def create_plan(actor: User, case_id: int, data) -> DebtPlan:
    case = get_case(actor, case_id)
    require(actor, "build_debt_plans")
    if not case.editable:
        raise Conflict(_("Plans can be added only while the case is a draft or returned."))
    if db.session.scalar(select(func.count(DebtPlan.id)).where(DebtPlan.case_id == case.id)) >= MAX_PLANS_PER_CASE:
        raise ValidationFailed(_("A case can hold at most %(n)d plans; delete one first.", n=MAX_PLANS_PER_CASE))
    label, spec = parse_plan(data)
    result = evaluate(case, spec)
    claim_case(case, bump=False)
    plan = DebtPlan(case_id=case.id, label=label, spec=spec_to_json(spec), result=result_to_json(result),
                    interest_saved=result.interest_saved, meets_floor=result.after.affordability.meets_floor,
                    created_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    audit.record("debt_plan.create", actor=actor, object_type="debt_plan", object_id=plan.id,
                 org_path=case.org_path, after={"case_id": case.id, "label": label, "spec": plan.spec,
                                                "interest_saved": plan.result["interest_saved"]})
    db.session.commit()
    return plan


def delete_plan(actor: User, case_id: int, plan_id: int) -> None:
    case = get_case(actor, case_id)
    require(actor, "build_debt_plans")
    if not case.editable:
        raise Conflict(_("Plans can be removed only while the case is a draft or returned."))
    plan = plan_for(case, plan_id)
    claim_case(case, bump=False)
    audit.record("debt_plan.delete", actor=actor, object_type="debt_plan", object_id=plan.id,
                 org_path=case.org_path, before={"label": plan.label, "spec": plan.spec})
    case.plans.remove(plan)
    refresh_plan_figures(case)
    db.session.commit()


def work_out_again(actor: User, case_id: int) -> DebtCase:
    """Every plan of a draft worked out again under the settings in force today, figures and schedules together
    (issue 17); a plan that now breaks a cap is deleted, audited, as after an edit of the case."""
    case = get_case(actor, case_id)
    require(actor, "build_debt_plans")
    if not case.editable:
        raise Conflict(_("Plans can be worked out again only while the case is a draft or returned."))
    claim_case(case, bump=False)
    before = {plan.id: plan.result.get("settings") for plan in case.plans}
    after_case_change(actor, case, set())
    audit.record("debt_plan.recompute", actor=actor, object_type="debt_case", object_id=case.id,
                 org_path=case.org_path, before={"settings": before},
                 after={"settings": settings_to_json(plan_settings()), "plans": [p.id for p in case.plans]})
    db.session.commit()
    return case


def choose_plan(actor: User, case_id: int, plan_id: int | None, version: int | None) -> DebtCase:
    return update_case(actor, case_id, CaseInput(present={"chosen_plan_id"}, chosen_plan_id=plan_id,
                                                 version=version))


def suggest(actor: User, case_id: int, data) -> dict:
    case = get_case(actor, case_id)
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    errors: dict[str, str] = {}
    keys = _ids(data.get("consolidate_debt_ids"), "consolidate_debt_ids", errors)
    terms = _terms(data, "", errors, need_term=False)
    errors = {k.lstrip("."): v for k, v in errors.items()}
    known = {d.id for d in case.debts}
    for key in keys:
        if key not in known:
            errors["consolidate_debt_ids"] = _("This debt is not part of the case.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    settings = plan_settings()
    found = suggest_term(case_figures(case), keys, terms.annual_rate, terms.method, settings, clock.today())
    if found.feasible:
        return {"feasible": True, "term_months": found.term_months, "monthly_payment": money_str(found.monthly_payment),
                "after": found.after.as_dict()}
    return {"feasible": False, "best_term_months": found.best_term_months,
            "best_ratio": f"{found.best_ratio:.4f}" if found.best_ratio is not None else None,
            "monthly_gap": money_str(found.monthly_gap) if found.monthly_gap is not None else None}


def schedule_for(actor: User, case_id: int, plan_id: int, part: str) -> Schedule:
    """The whole schedule of the new loan (part="new_loan") or of one rescheduled debt (part=<debt id>), as the plan
    was worked out: from the approval snapshot for the approved plan, else from the plan's own result and settings
    (issue 17: a plan's figures and its schedules are one computation)."""
    case = get_case(actor, case_id)
    schedule = frozen_plan(case, plan_for(case, plan_id)).schedule(part)
    if schedule is None:
        raise NotFound(_("This plan has no such part."))
    return schedule
