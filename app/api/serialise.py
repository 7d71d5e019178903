"""Debt cases as the API shows them (api-v1.md, "Debt cases")."""
from __future__ import annotations

from app.domain.money import money_str, rate_str
from app.domain.thai_id import mask_citizen_id
from app.models import DebtCase, DebtPlan


def teacher_json(case: DebtCase, *, full_id: bool = True) -> dict:
    person = case.person

    return {"citizen_id": person.citizen_id if full_id else mask_citizen_id(person.citizen_id),
            "title": person.title, "first_name": person.first_name, "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "position": person.position, "workplace": person.workplace}


def plan_json(plan: DebtPlan) -> dict:
    return {"id": plan.id, "label": plan.label, "chosen": plan.chosen, "spec": plan.spec, **plan.result,
            "created_at": plan.created_at.replace(microsecond=0).isoformat() + "Z"}


def case_json(case: DebtCase, affordability) -> dict:
    chosen = case.chosen_plan
    return {
        "id": case.id, "reference": case.reference, "status": case.status, "version": case.version,
        "cooperative_code": case.cooperative.code, "province_code": case.province_code,
        "teacher": teacher_json(case),
        "monthly_salary": money_str(case.monthly_salary), "monthly_allowances": money_str(case.monthly_allowances),
        "deductions": [{"id": d.id, "kind": d.kind, "label": d.label, "monthly_amount": money_str(d.monthly_amount)}
                       for d in case.deductions],
        "debts": [{"id": d.id, "creditor_name": d.creditor_name, "creditor_type": d.creditor_type,
                   "outstanding": money_str(d.outstanding), "annual_rate": rate_str(d.annual_rate),
                   "monthly_payment": money_str(d.monthly_payment), "remaining_months": d.remaining_months,
                   "salary_deducted": d.salary_deducted, "legal_status": d.legal_status,
                   "guarantors": d.guarantors} for d in case.debts],
        "affordability": affordability.as_dict(),
        "risk_group": case.risk_group,
        "plans": [plan_json(p) for p in case.plans],
        "chosen_plan_id": chosen.id if chosen else None,
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
            "monthly_salary": money_str(case.monthly_salary)}
