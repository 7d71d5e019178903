"""The debt-case form: repeatable rows of deductions and debts.

The form posts flat names ("debts-2-annual_rate"); `form_to_payload` turns them into the API's JSON shape
so that the web and the API go through the same parser (services/debt_input.py) and the same messages.
Adding or removing a row re-renders the form from what was posted: nothing typed is lost.

A debt's guarantors are typed one per line, "เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล" (issue 20;
app/domain/guarantors.py), and go to the parser as typed ("guarantor_lines"), which reads them strictly and names
each refused line. A free-text note left by migration 0022 is shown beside them and kept unless the officer ticks
"clear_guarantors_note".
"""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from app.domain.guarantors import format_line
from app.domain.money import rate_str

TEACHER_FIELDS = ("citizen_id", "title", "first_name", "last_name", "birth_date", "position", "workplace")
DEDUCTION_FIELDS = ("kind", "label", "monthly_amount")
DEBT_FIELDS = ("id", "creditor_name", "creditor_type", "outstanding", "annual_rate", "monthly_payment",
               "remaining_months", "salary_deducted", "legal_status", "guarantor_lines", "guarantors_note",
               "clear_guarantors_note")
TITLES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ดร.")

_ROW = re.compile(r"^(deductions|debts)-(\d{1,3})-(\w+)$")


def _rows(form: MultiDict, group: str, fields: tuple[str, ...], keep_blank: bool = False) -> list[dict]:
    found: dict[int, dict] = {}
    for name in form:
        match = _ROW.match(name)
        if match and match.group(1) == group and match.group(3) in fields:
            found.setdefault(int(match.group(2)), {})[match.group(3)] = form.get(name, "")
    rows = []
    for index in sorted(found):
        row = found[index]
        typed = {k: v for k, v in row.items()
                 if k not in ("kind", "creditor_type", "legal_status", "salary_deducted", "guarantors_note",
                              "clear_guarantors_note")}
        # A row left blank is not a row when the case is saved; while rows are being added or removed it stays, so
        # that a row the officer has just added is still there after the next "add" (issue 21 point 8).
        if keep_blank or any(str(v).strip() for v in typed.values()):
            rows.append(row)
    return rows


def form_to_payload(form: MultiDict, keep_blank: bool = False) -> dict:
    debts = _rows(form, "debts", DEBT_FIELDS, keep_blank)
    for debt in debts:
        debt["salary_deducted"] = debt.get("salary_deducted") == "y"
        if not debt.get("id"):
            debt.pop("id", None)
        debt.setdefault("guarantor_lines", "")  # the textarea always posts: what it holds replaces the guarantors
        # The note left by migration 0022 travels with the row only to be shown again; ticking the box clears it.
        debt["note_shown"] = debt.pop("guarantors_note", "")
        debt["clear_note"] = debt.pop("clear_guarantors_note", "") == "y"
        if debt["clear_note"]:
            debt["guarantors_note"] = None
    payload = {
        "teacher": {name: form.get(f"teacher-{name}", "").strip() or None for name in TEACHER_FIELDS},
        "monthly_salary": form.get("monthly_salary", "").strip(),
        "monthly_allowances": form.get("monthly_allowances", "").strip() or "0",
        # v1.1: the form always says whether the teacher is retired, and which unit pays (empty: none).
        "retired": form.get("retired") == "y",
        "monthly_pension": form.get("monthly_pension", "").strip(),
        "paying_unit_code": form.get("paying_unit_code", "").strip() or None,
        "deductions": _rows(form, "deductions", DEDUCTION_FIELDS, keep_blank),
        "debts": debts,
    }
    if form.get("cooperative_code"):
        payload["cooperative_code"] = form["cooperative_code"]
    if form.get("version", "").isdecimal():
        payload["version"] = int(form["version"])
    return payload


def case_to_payload(case) -> dict:
    """A stored case in the form's shape, for the edit page."""
    person = case.person
    return {
        "teacher": {"citizen_id": person.citizen_id, "title": person.title, "first_name": person.first_name,
                    "last_name": person.last_name,
                    "birth_date": person.birth_date.isoformat() if person.birth_date else "",
                    "position": person.position or "", "workplace": person.workplace or ""},
        "cooperative_code": case.cooperative.code,
        "monthly_salary": str(case.monthly_salary), "monthly_allowances": str(case.monthly_allowances),
        "retired": bool(case.retired), "monthly_pension": str(case.monthly_pension),
        "paying_unit_code": case.paying_unit.code if case.paying_unit else "",
        "deductions": [{"kind": d.kind, "label": d.label or "", "monthly_amount": str(d.monthly_amount)}
                       for d in case.deductions],
        "debts": [{"id": str(d.id), "creditor_name": d.creditor_name, "creditor_type": d.creditor_type,
                   "outstanding": str(d.outstanding), "annual_rate": rate_str(d.annual_rate),
                   "monthly_payment": str(d.monthly_payment), "remaining_months": str(d.remaining_months),
                   "salary_deducted": d.salary_deducted, "legal_status": d.legal_status,
                   "guarantor_lines": "\n".join(format_line(g) for g in d.guarantors),
                   "note_shown": d.guarantors_note or ""} for d in case.debts],
        "version": case.version,
    }


def blank_payload() -> dict:
    return {"teacher": {}, "monthly_salary": "", "monthly_allowances": "", "retired": False, "monthly_pension": "",
            "paying_unit_code": "",
            "deductions": [{"kind": "tax"}, {"kind": "gpf"}], "debts": [{"salary_deducted": True}]}


ROW_ACTIONS = ("add_debt", "add_deduction", "remove_debt-", "remove_deduction-")


def is_row_action(action: str) -> bool:
    return action.startswith(ROW_ACTIONS)


def apply_row_action(payload: dict, action: str) -> bool:
    """Handle "add_debt", "remove_debt-3", ...; True when the action was a row change (no save)."""
    if action == "add_debt":
        payload["debts"].append({"salary_deducted": True})
    elif action == "add_deduction":
        payload["deductions"].append({"kind": "other"})
    elif action.startswith(("remove_debt-", "remove_deduction-")):
        group = "debts" if action.startswith("remove_debt-") else "deductions"
        index = action.rsplit("-", 1)[1]
        if index.isdecimal() and int(index) < len(payload[group]):
            payload[group].pop(int(index))
    else:
        return False
    return True


def error_name(path: str) -> str:
    """"debts[0].annual_rate" → "debts-0-annual_rate" (the input's name in the form). A guarantor's field
    ("debts[0].guarantors[1].citizen_id", the service's check of the case as saved) belongs to the debt's one
    guarantors textarea."""
    path = re.sub(r"^(debts\[\d+\]\.)guarantors(\[\d+\].*)?$", r"\1guarantor_lines", path)
    return re.sub(r"\[(\d+)\]\.", r"-\1-", path).replace("teacher.", "teacher-")
