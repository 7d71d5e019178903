"""Approval snapshots (issue 15): what an approver approved, frozen as JSON with its SHA-256.

A snapshot is its own versioned document, built here from the models, not the API's serialiser: renaming an API
field never changes what is frozen, hashed and printed. Letters, schedules and (later) deduction lists read
snapshots only, through read().

Schema 1 has the fields that snapshots had before they carried a version, plus "schema": 1. Older snapshots (no
"schema" key) are read as schema 1 unchanged, so letters of cases approved before still print the same.
Schema 2 (issue 17) adds "settings": the plan settings in force at approval (floor, base, minimum, caps, rounding),
under which the case's figures are shown for as long as it stays approved, whatever the settings become. A schema-1
snapshot has none: it is read under the settings in force on its approval day (app/services/plan_schedules.py).
Schema 3 (issue 19) adds "plan_version" to debt snapshots: the version of the plan approved (1, then one more at each
revision), which pages and letters show; older snapshots are version 1.
Schema 4 (issue 20) makes each debt's "guarantors" the structured list ({citizen_id, title, first_name, last_name},
full IDs: the guarantor notice is addressed to them) and adds "guarantors_note", the free text that could not be
structured. In schemas 1–3 "guarantors" is that free text (or null); debt_guarantors() reads either. No letter of
schemas 1–3 prints guarantors, so their letters reprint the same.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from app.domain.money import money_str, rate_str
from app.domain.thai_id import mask_bank_account
from app.extensions import db
from app.models import CaseSnapshot, DebtCase, ReliefCase
from app.services.plan_json import settings_to_json
from app.services.relief_rules import note_message
from app.services.unit_of_work_memo import remembered

SCHEMA = 4
READABLE_SCHEMAS = (1, 2, 3, 4)


def latest(case_type: str, case_id: int) -> CaseSnapshot | None:
    """The case's latest approval snapshot: the last of all_of."""
    found = all_of(case_type, case_id)
    return found[-1] if found else None


def all_of(case_type: str, case_id: int) -> list[CaseSnapshot]:
    """The case's approval snapshots, oldest first, read once per unit of work (services/unit_of_work_memo.py): the
    case page's figures, approved plan, schedule, letters and history ask for the latest, its after-approval section
    for all (a case has one a revision: a handful)."""
    return list(remembered(("snapshots", case_type, case_id), lambda: list(db.session.scalars(
        select(CaseSnapshot).where(CaseSnapshot.case_type == case_type, CaseSnapshot.case_id == case_id)
        .order_by(CaseSnapshot.id)))))


def sha256_of(data: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces): the same content always gives the same hash."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def read(data: dict) -> dict:
    """A stored snapshot in the current schema, whichever schema it was frozen in."""
    schema = data.get("schema", 1)  # before versioning, the shape was schema 1's
    # 2 adds "settings", 3 "plan_version", 4 structured guarantors; readers fall back where missing
    if schema not in READABLE_SCHEMAS:
        raise ValueError(f"unknown snapshot schema {schema!r}")
    return data


def _stamp(moment) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _person(person) -> dict:
    return {"citizen_id": person.citizen_id, "title": person.title, "first_name": person.first_name,
            "last_name": person.last_name, "birth_date": person.birth_date.isoformat() if person.birth_date else None}


# ---- debt cases ------------------------------------------------------------------------------------------------

def debt_snapshot(case: DebtCase, affordability, settings) -> dict:
    """The teacher, the figures as assessed at approval under `settings` (planner.PlanSettings), and the chosen plan
    with its result (which carries the settings it was worked out under)."""
    chosen = case.chosen_plan
    return {
        "schema": SCHEMA,
        "settings": settings_to_json(settings),
        "id": case.id, "reference": case.reference, "plan_version": case.plan_version,
        "cooperative_code": case.cooperative.code, "province_code": case.province_code,
        "teacher": {**_person(case.person), "position": case.person.position, "workplace": case.person.workplace},
        "monthly_salary": money_str(case.monthly_salary), "monthly_allowances": money_str(case.monthly_allowances),
        # Issue 17: a retired teacher's pension is receipts and base; the paying unit receives the deductions.
        "retired": bool(case.retired), "monthly_pension": money_str(case.monthly_pension or 0),
        "paying_unit_code": case.paying_unit.code if case.paying_unit else None,
        "deductions": [{"id": d.id, "kind": d.kind, "label": d.label, "monthly_amount": money_str(d.monthly_amount)}
                       for d in case.deductions],
        "debts": [{"id": d.id, "creditor_name": d.creditor_name, "creditor_type": d.creditor_type,
                   "outstanding": money_str(d.outstanding), "annual_rate": rate_str(d.annual_rate),
                   "monthly_payment": money_str(d.monthly_payment), "remaining_months": d.remaining_months,
                   "salary_deducted": d.salary_deducted, "legal_status": d.legal_status,
                   "guarantors": [_guarantor(g) for g in d.guarantors], "guarantors_note": d.guarantors_note,
                   **_creditor_of(d)} for d in case.debts],
        "affordability": affordability.as_dict(),
        "risk_group": case.risk_group,
        "chosen_plan_id": chosen.id if chosen else None,
        "status_since": _stamp(case.status_since),
        "created_at": _stamp(case.created_at),
        "chosen_plan": ({"id": chosen.id, "label": chosen.label, "spec": chosen.spec, **chosen.result}
                        if chosen else None),
    }


def _guarantor(g) -> dict:
    return {"citizen_id": g.citizen_id, "title": g.title, "first_name": g.first_name, "last_name": g.last_name}


def debt_guarantors(debt: dict) -> tuple[list[dict], str | None]:
    """(structured guarantors, free-text note) of a debt as a snapshot of any schema froze it: schema 4 has both;
    in 1–3 "guarantors" was the free text, and nothing was structured."""
    frozen = debt.get("guarantors")
    if isinstance(frozen, list):
        return frozen, debt.get("guarantors_note")
    return [], frozen


def _creditor_of(debt) -> dict:
    """Issue 18: the debt's creditor on file as approved — whom its request letter is addressed to, by position and
    the creditor's own name, and whether it is a cooperative of the org tree (the issuing cooperative never writes
    to itself: org_unit_id, never names). Keys added to each debt; snapshots frozen before lack them
    (letter_kinds/creditor_request.py then reads the current creditor row)."""
    creditor = debt.creditor
    return {"creditor_id": debt.creditor_id, "creditor": None if creditor is None else {
        "name": creditor.name, "branch": creditor.branch, "address": creditor.address,
        "addressee": creditor.addressee, "org_unit_id": creditor.org_unit_id}}


# ---- relief cases ----------------------------------------------------------------------------------------------

def relief_snapshot(case: ReliefCase, paid_total) -> dict:
    """The incident, the victim, the heirs and the entitlements with their shares and schedules.
    `paid_total(entitlement_id)` is what was paid before approval (nothing, as a rule)."""
    people = {b.person_id: b.person for b in case.beneficiaries}
    people[case.victim_id] = case.victim

    def cid(person_id):
        return people[person_id].citizen_id if person_id in people else None

    return {
        "schema": SCHEMA,
        "id": case.id, "reference": case.reference, "province_code": case.province_code,
        "incident": {"date": case.incident.occurred_on.isoformat(), "province_code": case.incident.province_code,
                     "district": case.incident.district, "kind": case.incident.kind,
                     "police_report_no": case.incident.police_report_no, "summary": case.incident.summary},
        "victim": {**_person(case.victim), "employment_type": case.employment_type, "workplace": case.workplace,
                   "harm": case.harm, "chpk_member": case.chpk_member, "chps_member": case.chps_member},
        "beneficiaries": [{**_person(b.person), "relationship": b.relationship_, "education_level": b.education_level,
                           "bank_account": mask_bank_account(b.bank_account) or None} for b in case.beneficiaries],
        "split_method": case.split_method,
        "entitlements": [{
            "id": e.id, "programme": e.programme, "kind": e.kind, "amount": money_str(e.amount),
            "offset": money_str(e.offset),
            "rule": {key: e.rule_snapshot[key] for key in ("code", "title", "source", "effective_from")},
            "beneficiary_shares": [{"citizen_id": cid(s["person_id"]), "amount": s["amount"],
                                    "remainder": s["remainder"]} for s in e.shares],
            "schedule": [{"citizen_id": cid(i["person_id"]), "period": i["period"], "amount": i["amount"],
                          "due": i["due"], "education_level": i["level"], "months": i.get("months")}
                         for i in e.schedule],
            "paid": money_str(paid_total(e.id)),
        } for e in case.entitlements],
        # Issue 17: what could not be computed when the case was approved (a rule without an amount yet).
        "entitlement_notes": [{"reason": n["reason"], "rule_code": n.get("rule_code"), "title": n.get("title"),
                               "message": note_message(n)} for n in case.entitlement_notes or []],
        "created_at": _stamp(case.created_at),
    }
