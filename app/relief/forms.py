"""The relief-case form: incident, victim and repeatable beneficiary rows, turned into the API's JSON
shape so that the web and the API share one parser (services/relief.py parse_relief)."""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

PERSON_FIELDS = ("citizen_id", "title", "first_name", "last_name", "birth_date")
BENEFICIARY_FIELDS = PERSON_FIELDS + ("relationship", "education_level", "bank_account")
_ROW = re.compile(r"^beneficiaries-(\d{1,2})-(\w+)$")


def form_to_payload(form: MultiDict) -> dict:
    rows: dict[int, dict] = {}
    for name in form:
        match = _ROW.match(name)
        if match and match.group(2) in BENEFICIARY_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(name, "").strip()
    beneficiaries = []
    for index in sorted(rows):
        row = rows[index]
        if any(row.get(k) for k in PERSON_FIELDS):  # a row left blank is not a row
            row["education_level"] = row.get("education_level") or None
            row["bank_account"] = row.get("bank_account") or None
            beneficiaries.append(row)
    return {
        "incident": {k: form.get(f"incident-{k}", "").strip() for k in
                     ("date", "province_code", "district", "kind", "police_report_no", "summary")},
        "victim": {**{k: form.get(f"victim-{k}", "").strip() for k in PERSON_FIELDS},
                   "employment_type": form.get("victim-employment_type", ""), "workplace": form.get("victim-workplace", ""),
                   "harm": form.get("victim-harm", ""),
                   # Funeral-welfare membership (domain.md, "Relief cases"): a ticked box is "y"
                   "chpk_member": form.get("victim-chpk_member") == "y",
                   "chps_member": form.get("victim-chps_member") == "y"},
        "beneficiaries": beneficiaries,
        "split_method": form.get("split_method", "equal"),
        "version": int(form["version"]) if form.get("version", "").isdecimal() else None,
    }


def blank_payload() -> dict:
    return {"incident": {"kind": "shooting"}, "victim": {"employment_type": "civil_servant_teacher", "harm": "death"},
            "beneficiaries": [{"relationship": "spouse"}], "split_method": "pension_heirs"}


def apply_row_action(payload: dict, action: str) -> bool:
    if action == "add_beneficiary":
        payload["beneficiaries"].append({"relationship": "child"})
        return True
    if action.startswith("remove_beneficiary-"):
        index = action.rsplit("-", 1)[1]
        if index.isdecimal() and int(index) < len(payload["beneficiaries"]):
            payload["beneficiaries"].pop(int(index))
        return True
    return False


def error_name(path: str) -> str:
    """"beneficiaries[1].birth_date" → "beneficiaries-1-birth_date"; "victim.harm" → "victim-harm"."""
    return re.sub(r"\[(\d+)\]\.", r"-\1-", path).replace(".", "-")


def case_to_payload(case) -> dict:
    """A stored case in the form's shape, for the edit page."""
    def person(p) -> dict:
        return {"citizen_id": p.citizen_id, "title": p.title, "first_name": p.first_name, "last_name": p.last_name,
                "birth_date": p.birth_date.isoformat() if p.birth_date else ""}

    incident = case.incident
    return {
        "incident": {"date": incident.occurred_on.isoformat(), "province_code": incident.province_code,
                     "district": incident.district, "kind": incident.kind,
                     "police_report_no": incident.police_report_no or "", "summary": incident.summary or ""},
        "victim": {**person(case.victim), "employment_type": case.employment_type, "workplace": case.workplace or "",
                   "harm": case.harm, "chpk_member": case.chpk_member, "chps_member": case.chps_member},
        "beneficiaries": [{**person(b.person), "relationship": b.relationship_, "education_level": b.education_level or "",
                           "bank_account": b.bank_account or ""} for b in case.beneficiaries],
        "split_method": case.split_method, "version": case.version,
    }
