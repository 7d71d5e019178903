"""Debt cases as the API shows them (api-v1.md, "Debt cases")."""
from __future__ import annotations

from app.domain.money import LEGAL_RATE_LIMIT, above_legal_rate, money_str, rate_str
from app.domain.thai_id import mask_citizen_id
from app.i18n import gettext as _
from app.models import DebtCase, DebtPlan
from app.services import instalments
from app.services.debt_cases import above_legal_rate_debts


def teacher_json(case: DebtCase, *, full_id: bool = True) -> dict:
    person = case.person

    return {"citizen_id": person.citizen_id if full_id else mask_citizen_id(person.citizen_id),
            "title": person.title, "first_name": person.first_name, "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "position": person.position, "workplace": person.workplace}


def guarantor_json(guarantor) -> dict:
    return {"citizen_id": guarantor.citizen_id, "title": guarantor.title, "first_name": guarantor.first_name,
            "last_name": guarantor.last_name}


def plan_json(plan: DebtPlan) -> dict:
    return {"id": plan.id, "label": plan.label, "chosen": plan.chosen, "spec": plan.spec, **plan.result,
            "created_at": plan.created_at.replace(microsecond=0).isoformat() + "Z"}


def paying_unit_json(case: DebtCase) -> dict | None:
    unit = case.paying_unit
    return {"code": unit.code, "name": unit.name, "kind": unit.kind} if unit else None


def case_warnings(case: DebtCase) -> list[dict]:
    """What the officer should look at (fields may be added, api-v1.md): a debt above the legal rate of 15% a year
    (Civil and Commercial Code s.654; issue 17, 7c), which is recorded as charged, never refused."""
    return [{"code": "above_legal_rate", "debt_id": d.id, "field": f"debts[{i}].annual_rate",
             "message": legal_rate_message(d.annual_rate)} for i, d in above_legal_rate_debts(case)]


def legal_rate_message(rate) -> str:
    return _("The rate %(rate)s%% a year is above the %(limit)s%% a year the Civil and Commercial Code (s.654) "
             "allows; check it with the lender.", rate=rate_str(rate), limit=f"{LEGAL_RATE_LIMIT:f}")


def _day(value) -> str | None:
    return value.isoformat() if value else None


def case_json(case: DebtCase, affordability) -> dict:
    chosen = case.chosen_plan
    return {
        "id": case.id, "reference": case.reference, "status": case.status, "version": case.version,
        "cooperative_code": case.cooperative.code, "province_code": case.province_code,
        "teacher": teacher_json(case),
        "monthly_salary": money_str(case.monthly_salary), "monthly_allowances": money_str(case.monthly_allowances),
        # v1.1: a retired teacher's pension is receipts and base; the paying unit pays the salary or pension.
        "retired": bool(case.retired), "monthly_pension": money_str(case.monthly_pension),
        "paying_unit_code": case.paying_unit.code if case.paying_unit else None,
        "paying_unit": paying_unit_json(case),
        "deductions": [{"id": d.id, "kind": d.kind, "label": d.label, "monthly_amount": money_str(d.monthly_amount)}
                       for d in case.deductions],
        "debts": [{"id": d.id, "creditor_id": d.creditor_id, "creditor_name": d.creditor_name,
                   "creditor_type": d.creditor_type, "outstanding": money_str(d.outstanding), "annual_rate": rate_str(d.annual_rate),
                   "monthly_payment": money_str(d.monthly_payment), "remaining_months": d.remaining_months,
                   "salary_deducted": d.salary_deducted, "legal_status": d.legal_status,
                   # v1.1: who guarantees the debt (full IDs, like the teacher's: the case's own record), and the
                   # free text kept where it could not be read as guarantors (issue 20)
                   "guarantors": [guarantor_json(g) for g in d.guarantors], "guarantors_note": d.guarantors_note,
                   "above_legal_rate": above_legal_rate(d.annual_rate),
                   "closed_on": _day(d.closed_on)}
                  for d in case.debts],
        "affordability": affordability.as_dict(),
        "warnings": case_warnings(case),
        "risk_group": case.risk_group,
        "plans": [plan_json(p) for p in case.plans],
        "chosen_plan_id": chosen.id if chosen else None,
        # v1.1, after approval: the version of the plan (one more at each revision) and the days of its steps.
        "plan_version": case.plan_version,
        "agreement_signed_on": _day(case.agreement_signed_on),
        "first_due_month": case.first_due_month.strftime("%Y-%m") if case.first_due_month else None,
        "after_approval": {"approved_on": _day(case.approved_on), "answered_on": _day(case.answered_on),
                           "paid_off_on": _day(case.paid_off_on), "agreement_signed_on": _day(case.agreement_signed_on)},
        # v1.1: how far behind an active case is today (api-v1.md "delinquency"); null before activation.
        "delinquency": instalments.delinquency_json(case) if case.status in ("active", "closed") else None,
        "status_since": case.status_since.replace(microsecond=0).isoformat() + "Z",
        "created_at": case.created_at.replace(microsecond=0).isoformat() + "Z",
        "updated_at": case.updated_at.replace(microsecond=0).isoformat() + "Z",
    }


def case_list_item(case: DebtCase) -> dict:
    """Lists mask the citizen ID (PDPA: the full value only where the task needs it)."""
    return {"id": case.id, "reference": case.reference, "status": case.status, "version": case.version,
            "cooperative_code": case.cooperative.code, "province_code": case.province_code,
            "teacher": teacher_json(case, full_id=False), "risk_group": case.risk_group,
            "ratio": f"{case.ratio:.4f}", "meets_floor": case.meets_floor,
            "debt_service": money_str(case.debt_service), "total_outstanding": money_str(case.total_outstanding),
            "monthly_salary": money_str(case.monthly_salary), "retired": bool(case.retired),
            "monthly_pension": money_str(case.monthly_pension)}
