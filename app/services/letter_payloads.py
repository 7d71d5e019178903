"""The data each letter kind prints, taken from the approval snapshot (decision letters) or the case as it
stands (the case summary). Labels are resolved to Thai here, once: official letters are in Thai whatever the
user's interface language, and the payload stored with the letter is what every reprint draws.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import labels
from app.domain.repayment import build_schedule
from app.domain.thai_id import mask_citizen_id
from app.domain.thai_text import to_bangkok
from app.extensions import db
from app.models import CaseSnapshot, CaseTransition, OrgUnit
from app.services.errors import ValidationFailed
from app.services.plan_settings import plan_settings


def thai(mapping: dict, key) -> str:
    if key not in mapping:
        return str(key or "-")
    with force_locale("th"):
        return str(mapping[key])


def _name(person: dict) -> str:
    return f"{person.get('title') or ''}{person['first_name']} {person['last_name']}".strip()


def _teacher(body: dict) -> dict:
    t = body["teacher"]
    return {"name": _name(t), "citizen_id": mask_citizen_id(t["citizen_id"]), "position": t.get("position") or "",
            "workplace": t.get("workplace") or ""}


def _debt_rows(body: dict) -> list[dict]:
    return [{"id": d["id"], "creditor": d["creditor_name"], "type": thai(labels.CREDITOR_TYPE_LABELS, d["creditor_type"]),
             "outstanding": d["outstanding"], "rate": d["annual_rate"], "monthly": d["monthly_payment"],
             "months": d["remaining_months"], "status": thai(labels.LEGAL_STATUS_LABELS, d["legal_status"])}
            for d in body["debts"]]


def approval_of(snapshot: CaseSnapshot) -> dict:
    transition = db.session.get(CaseTransition, snapshot.transition_id)
    return {"approved_on": to_bangkok(snapshot.created_at).date().isoformat(),
            "resolution_no": transition.resolution_no if transition else None,
            "snapshot_sha256": snapshot.sha256}


def first_due_month(approved_on: str) -> date:
    """Instalments start in the month after approval (deductions are set up for the next payroll)."""
    day = date.fromisoformat(approved_on)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# ---- debt ----------------------------------------------------------------------------------------

def case_summary_data(body: dict, cooperative: OrgUnit, status: str) -> dict:
    plan = body.get("chosen_plan")
    return {"reference": body["reference"], "status": thai(labels.STATUS_LABELS, status),
            "cooperative": cooperative.name, "teacher": _teacher(body),
            "salary": body["monthly_salary"], "allowances": body["monthly_allowances"],
            "deductions": [{"label": d.get("label") or thai(labels.DEDUCTION_LABELS, d["kind"]),
                            "amount": d["monthly_amount"]} for d in body["deductions"]],
            "affordability": body["affordability"], "risk": thai(labels.RISK_LABELS, body.get("risk_group")),
            "debts": _debt_rows(body), "plan": _plan_summary(plan) if plan else None}


def _plan_summary(plan: dict) -> dict:
    return {"label": plan["label"], "new_loan": plan.get("new_loan"), "rescheduled": plan.get("rescheduled", []),
            "pro_rata": plan.get("pro_rata", []), "before": plan["before"], "after": plan["after"],
            "interest_saved": plan["interest_saved"],
            "method": thai(labels.METHOD_LABELS, (plan.get("new_loan") or {}).get("method"))}


def debt_decision_data(body: dict, snapshot: CaseSnapshot, cooperative: OrgUnit) -> dict:
    approval = approval_of(snapshot)
    plan = _plan_summary(body["chosen_plan"])
    return {"reference": body["reference"], "cooperative": cooperative.name, "teacher": _teacher(body),
            "salary": body["monthly_salary"], "debts": _debt_rows(body), "plan": plan,
            "consolidated_ids": body["chosen_plan"]["spec"].get("consolidate", {}).get("debt_ids", []),
            "first_due": first_due_month(approval["approved_on"]).isoformat(), **approval}


def creditor_treatment(data: dict, debt_id: int) -> dict:
    """How the approved plan treats one creditor's debt: consolidated (paid off by the new loan), rescheduled
    with new terms, or paid a pro-rata share. A debt the plan leaves alone has no request letter."""
    debt = next((d for d in data["debts"] if d["id"] == debt_id), None)
    plan = data["plan"]
    if debt is not None and debt["creditor"] == data["cooperative"]:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "debt_id": _("This debt is owed to the cooperative itself: it needs no request letter.")})
    if debt is not None:
        if debt_id in data["consolidated_ids"]:
            return {"debt": debt, "treatment": "consolidate", "terms": plan["new_loan"]}
        for row in plan["rescheduled"]:
            if row["debt_id"] == debt_id:
                return {"debt": debt, "treatment": "reschedule", "terms": row}
        for row in plan["pro_rata"]:
            if row["debt_id"] == debt_id:
                return {"debt": debt, "treatment": "pro_rata", "terms": row}
    raise ValidationFailed(_("Please correct the marked fields."),
                           {"debt_id": _("Choose a debt of this case that the approved plan restructures.")})


def plan_debt_ids(data: dict) -> list[int]:
    """The creditors a request pack goes to: every debt the approved plan restructures, in case order, except
    those owed to the issuing cooperative itself (it does not write to itself)."""
    touched = set(data["consolidated_ids"]) | {r["debt_id"] for r in data["plan"]["rescheduled"]} | {
        r["debt_id"] for r in data["plan"]["pro_rata"]}
    return [d["id"] for d in data["debts"] if d["id"] in touched and d["creditor"] != data["cooperative"]]


def schedule_data(data: dict, approved_on: str) -> list[dict]:
    """Each repayment schedule of the approved plan, instalment by instalment, with the month it falls due.
    Built with the rounding rule in force on the approval date, so it is the schedule that was approved."""
    rounding = plan_settings(date.fromisoformat(approved_on)).rounding
    start = date.fromisoformat(data["first_due"])
    parts = []
    loans = ([("new_loan", data["cooperative"], data["plan"]["new_loan"])] if data["plan"]["new_loan"] else [])
    by_id = {d["id"]: d for d in data["debts"]}
    loans += [(str(r["debt_id"]), by_id[r["debt_id"]]["creditor"], r) for r in data["plan"]["rescheduled"]]
    for part, creditor, terms in loans:
        schedule = build_schedule(Decimal(terms["principal"]), Decimal(terms["annual_rate"]), terms["term_months"],
                                  terms["method"], rounding)
        parts.append({"part": part, "creditor": creditor, "principal": terms["principal"],
                      "annual_rate": terms["annual_rate"], "method": thai(labels.METHOD_LABELS, terms["method"]),
                      "rows": [[i.n, _add_months(start, i.n - 1).isoformat(), str(i.payment), str(i.principal),
                                str(i.interest), str(i.balance)] for i in schedule.instalments]})
    return parts


# ---- relief --------------------------------------------------------------------------------------

def relief_decision_data(body: dict, snapshot: CaseSnapshot) -> dict:
    by_id = {b["citizen_id"]: b for b in body["beneficiaries"]}
    entitlements = []
    for e in body["entitlements"]:
        entitlements.append({
            "id": e["id"], "title": e["rule"]["title"], "source": e["rule"]["source"], "kind": e["kind"],
            "programme": e["programme"], "amount": e["amount"], "offset": e["offset"],
            "shares": [{"name": _name(by_id[s["citizen_id"]]) if s["citizen_id"] in by_id else "-",
                        "amount": s["amount"]} for s in e["beneficiary_shares"]],
            "schedule": [{"name": _name(by_id[i["citizen_id"]]) if i["citizen_id"] in by_id else "-",
                          "citizen_id": i["citizen_id"], "period": i["period"], "amount": i["amount"],
                          "level": thai(labels.LEVEL_LABELS, i.get("education_level"))} for i in e["schedule"]]})
    victim = body["victim"]
    return {"reference": body["reference"], **approval_of(snapshot),
            "victim": {"name": _name(victim), "citizen_id": mask_citizen_id(victim["citizen_id"]),
                       "workplace": victim.get("workplace") or "",
                       "employment": thai(labels.EMPLOYMENT_LABELS, victim.get("employment_type")),
                       "harm": thai(labels.HARM_LABELS, victim.get("harm"))},
            "incident": {"date": body["incident"]["date"], "district": body["incident"]["district"],
                         "province": _province_name(body["incident"]["province_code"]),
                         "kind": thai(labels.INCIDENT_KIND_LABELS, body["incident"]["kind"]),
                         "police_report_no": body["incident"].get("police_report_no") or ""},
            "beneficiaries": [{"name": _name(b), "relationship": thai(labels.RELATIONSHIP_LABELS, b["relationship"]),
                               # the snapshot already holds the masked account (xxxxxx4567)
                               "bank_account": b.get("bank_account") or ""} for b in body["beneficiaries"]],
            "entitlements": entitlements}


def _province_name(code: str) -> str:
    """"ปัตตานี" from the provincial office "สำนักงานศึกษาธิการจังหวัดปัตตานี" (provinces are seeded that way)."""
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    return unit.name.removeprefix("สำนักงานศึกษาธิการจังหวัด") if unit else code


def payments_state(case, data: dict) -> dict:
    """Paid so far per entitlement, at issue time (payments are not part of the approval snapshot)."""
    paid: dict[int, Decimal] = {}
    for payment in case.payments:
        paid[payment.entitlement_id] = paid.get(payment.entitlement_id, Decimal("0")) + payment.amount
    rounds = [{"entitlement_id": p.entitlement_id, "round": p.round_no, "amount": str(p.amount),
               "paid_on": p.paid_on.isoformat(), "reference": p.reference or ""} for p in case.payments]
    return {"paid": {str(e["id"]): str(paid.get(e["id"], Decimal("0.00"))) for e in data["entitlements"]},
            "rounds": rounds}


def scholarship_year_data(data: dict, academic_year: int, checks: dict) -> list[dict]:
    """This academic year's scholarship and stipend instalments, with whether enrolment has been proved."""
    rows = []
    for e in data["entitlements"]:
        for item in e["schedule"]:
            if item["period"] == str(academic_year):
                rows.append({"title": e["title"], "name": item["name"], "level": item["level"],
                             "amount": item["amount"],
                             "enrolled": checks.get((e["id"], item["citizen_id"], item["period"]))})
    if not rows:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "kind": _("This case has no scholarship or stipend instalment in academic year %(year)s.",
                      year=academic_year)})
    return rows
