"""Relief cases as the API shows them (api-v1.md, "Relief cases")."""
from __future__ import annotations

from app.domain.money import money_str
from app.domain.thai_id import mask_bank_account, mask_citizen_id
from app.models import ReliefCase
from app.services.relief import missing_evidence
from app.services.relief_rules import note_message
from app.services.relief_payments import paid_total


def _person(person) -> dict:
    return {"citizen_id": person.citizen_id, "title": person.title, "first_name": person.first_name,
            "last_name": person.last_name, "birth_date": person.birth_date.isoformat() if person.birth_date else None}


def case_json(case: ReliefCase) -> dict:
    people = {b.person_id: b.person for b in case.beneficiaries}
    people[case.victim_id] = case.victim

    def cid(person_id):
        return people[person_id].citizen_id if person_id in people else None

    return {
        "id": case.id, "reference": case.reference, "status": case.status, "version": case.version,
        "province_code": case.province_code,
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
            "offset": money_str(e.offset), "rule": {"code": e.rule_snapshot["code"], "title": e.rule_snapshot["title"],
                                                    "source": e.rule_snapshot["source"],
                                                    "effective_from": e.rule_snapshot["effective_from"]},
            "beneficiary_shares": [{"citizen_id": cid(s["person_id"]), "amount": s["amount"],
                                    "remainder": s["remainder"]} for s in e.shares],
            "schedule": [{"citizen_id": cid(i["person_id"]), "period": i["period"], "amount": i["amount"],
                          "due": i["due"], "education_level": i["level"], "months": i.get("months")}
                         for i in e.schedule],
            "paid": money_str(paid_total(e.id)),
        } for e in case.entitlements],
        "entitlement_notes": entitlement_notes_json(case),
        "evidence_required": missing_evidence(case),
        "evidence": [{"id": ev.id, "kind": ev.kind, "filename": ev.filename,
                      "uploaded_at": ev.uploaded_at.replace(microsecond=0).isoformat() + "Z"} for ev in case.evidence],
        "payments": [{"id": p.id, "entitlement_id": p.entitlement_id, "round": p.round_no, "amount": money_str(p.amount),
                      "paid_on": p.paid_on.isoformat(), "reference": p.reference,
                      "citizen_id": cid(p.person_id) if p.person_id else None, "period": p.period} for p in case.payments],
        "created_at": case.created_at.replace(microsecond=0).isoformat() + "Z",
        "updated_at": case.updated_at.replace(microsecond=0).isoformat() + "Z",
    }


def entitlement_notes_json(case: ReliefCase) -> list[dict]:
    """What the case could not compute yet, said plainly (a rule without an amount; no rule for property damage)."""
    return [{"reason": n["reason"], "rule_code": n.get("rule_code"), "title": n.get("title"),
             "message": note_message(n)} for n in case.entitlement_notes or []]


def case_list_item(case: ReliefCase) -> dict:
    return {"id": case.id, "reference": case.reference, "status": case.status, "harm": case.harm,
            "province_code": case.province_code, "incident_date": case.incident.occurred_on.isoformat(),
            "victim": {"citizen_id": mask_citizen_id(case.victim.citizen_id), "first_name": case.victim.first_name,
                       "last_name": case.victim.last_name}}
