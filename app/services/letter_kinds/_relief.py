"""What the relief kinds share: the facts of the approved decision — the incident, the victim, the heirs and each
entitlement with its shares and schedule."""
from __future__ import annotations

from app import labels
from app.domain.thai_id import mask_citizen_id
from app.pdf.wording import names
from app.services.letter_kinds import Source
from app.services.letter_kinds._common import approval_of, person_name, province_office, thai


def decision_facts(source: Source) -> dict:
    body = source.body
    by_id = {b["citizen_id"]: b for b in body["beneficiaries"]}
    entitlements = []
    for e in body["entitlements"]:
        entitlements.append({
            "id": e["id"], "title": e["rule"]["title"], "source": e["rule"]["source"], "kind": e["kind"],
            "programme": e["programme"], "amount": e["amount"], "offset": e["offset"],
            "shares": [{"name": person_name(by_id[s["citizen_id"]]) if s["citizen_id"] in by_id else "-",
                        "amount": s["amount"]} for s in e["beneficiary_shares"]],
            "schedule": [{"name": person_name(by_id[i["citizen_id"]]) if i["citizen_id"] in by_id else "-",
                          "citizen_id": i["citizen_id"], "period": i["period"], "amount": i["amount"],
                          "level": thai(labels.LEVEL_LABELS, i.get("education_level"))} for i in e["schedule"]]})
    victim = body["victim"]
    return {"reference": body["reference"], **approval_of(source.snapshot),
            "victim": {"name": person_name(victim), "citizen_id": mask_citizen_id(victim["citizen_id"]),
                       "workplace": victim.get("workplace") or "",
                       "employment": thai(labels.EMPLOYMENT_LABELS, victim.get("employment_type")),
                       "harm": thai(labels.HARM_LABELS, victim.get("harm"))},
            "incident": {"date": body["incident"]["date"], "district": body["incident"]["district"],
                         "province": province_name(body["incident"]["province_code"]),
                         "kind": thai(labels.INCIDENT_KIND_LABELS, body["incident"]["kind"]),
                         "police_report_no": body["incident"].get("police_report_no") or ""},
            "beneficiaries": [{"name": person_name(b),
                               "relationship": thai(labels.RELATIONSHIP_LABELS, b["relationship"]),
                               # the snapshot already holds the masked account (xxxxxx4567)
                               "bank_account": b.get("bank_account") or ""} for b in body["beneficiaries"]],
            "entitlements": entitlements}


def people_of(d: dict) -> tuple[str, ...]:
    """Everyone a relief letter names (the victim, the heirs, each share's and instalment's beneficiary), for
    LetterContent.names: their names are never broken across lines."""
    return names(d["victim"]["name"], [b["name"] for b in d["beneficiaries"]],
                 [s["name"] for e in d["entitlements"] for s in e["shares"]],
                 [i["name"] for e in d["entitlements"] for i in e["schedule"]])


def province_name(code: str) -> str:
    """"ปัตตานี" from the provincial office "สำนักงานศึกษาธิการจังหวัดปัตตานี" (provinces are seeded that way)."""
    unit = province_office(code)
    return unit.name.removeprefix("สำนักงานศึกษาธิการจังหวัด") if unit else code
