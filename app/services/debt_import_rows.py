"""Checking an import's rows (the dry run, issue 7): rows grouped by teacher, each teacher checked with the same
parser as the web form and the API (services/debt_input.py), and matched with what is on file. Errors are reported
by spreadsheet row and column. Teachers are keyed by citizen ID: one with a draft or returned case in this
cooperative updates it; the person registry's rules (services/people.py) say whose details may change.

Issue 21: a birth date is read in either era (app/domain/sheet_dates.py) and handed to the parser as ISO Common
Era, the API's own form; the summary counts the eras read and keeps the first rows as read (import_preview.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.sheet_dates import BE, CE, read_day
from app.domain.thai_id import normalise_citizen_id
from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtCase, OrgUnit, User
from app.models.debt import DEDUCTION_KINDS, EDITABLE_STATUSES
from app.jobs.limits import checkpoint
from app.services import creditors, import_preview, people
from app.services.debt_import_sheet import (
    CASE_FIELDS, DEBT_COLUMNS, RETIRED_NO, RETIRED_YES, TEACHER_FIELDS, Sheet, column_label,
)
from app.services.debt_cases import PAYING_UNIT_KINDS, paying_unit_error
from app.services.debt_input import CaseInput, parse_case
from app.services.errors import ValidationFailed

CHUNK = 500  # IN-list size for lookups (SQLite allows 999 parameters)
MAX_NEW_CREDITORS_LISTED = 200  # in the job's stored summary; the count is always whole


@dataclass
class Teacher:
    citizen_id: str
    first_row: int
    body: dict
    debt_rows: list[int]
    deduction_kinds: list[str]
    first_cells: dict = field(default_factory=dict)  # the teacher's first row, which later rows must repeat
    parsed: CaseInput | None = None
    existing_case_id: int | None = None
    person_id: int | None = None
    paying_unit_id: int | None = None


@dataclass
class Checked:
    teachers: list[Teacher]
    errors: list[dict]
    rows: int
    # Issue 18: creditor names matching no creditor on file, which the import will add as new creditors on file
    # ({"name", "creditor_type", "rows"}); the dry run lists them so that a misspelling is caught before it is one.
    new_creditors: list[dict] = field(default_factory=list)
    # Issue 21: the teachers' birth dates by the era they were written in, and the first rows as read
    birth_date_eras: dict = field(default_factory=lambda: {BE: 0, CE: 0})
    preview: list[dict] = field(default_factory=list)

    @property
    def summary(self) -> dict:
        updates = sum(1 for t in self.teachers if t.existing_case_id)
        return {"rows": self.rows, "teachers": len(self.teachers), "new_cases": len(self.teachers) - updates,
                "updated_cases": updates, "debts": sum(len(t.debt_rows) for t in self.teachers),
                "new_creditor_count": len(self.new_creditors),
                "new_creditors": [{**c, "rows": c["rows"][:10]} for c in self.new_creditors[:MAX_NEW_CREDITORS_LISTED]],
                "birth_date_eras": self.birth_date_eras, "preview": self.preview}


def _error(errors: list, row: int, column: str, message: str) -> None:
    errors.append({"row": row, "column": column_label(column), "message": message})


def _group(sheet: Sheet, errors: list, eras: dict) -> list[Teacher]:
    teachers: dict[str, Teacher] = {}
    for number, cells in sheet.rows:
        citizen_id = normalise_citizen_id(cells.get("citizen_id", ""))
        if not citizen_id:
            _error(errors, number, "citizen_id", _("This field is required."))
            continue
        birth = read_day(cells.get("birth_date"))
        if birth is not None:  # ISO Common Era from here on: rows of one teacher in two eras agree
            cells = {**cells, "birth_date": birth.iso}
        teacher = teachers.get(citizen_id)
        if teacher is None:
            body = {"teacher": {"citizen_id": citizen_id, **{k: cells.get(k) or None for k in TEACHER_FIELDS}},
                    "monthly_salary": cells.get("monthly_salary", ""),
                    "monthly_allowances": cells.get("monthly_allowances") or "0",
                    "deductions": [], "debts": []}
            retired = (cells.get("retired") or "").strip().lower()
            if retired in RETIRED_YES or retired in RETIRED_NO:
                body["retired"] = retired in RETIRED_YES
            else:  # refused; read as the pension cell suggests, so that no second error follows from a guess
                _error(errors, number, "retired", _("Write ใช่ (retired) or ไม่ใช่ (serving), or leave it empty."))
                body["retired"] = bool(cells.get("monthly_pension"))
            if cells.get("monthly_pension"):
                body["monthly_pension"] = cells["monthly_pension"]
            if cells.get("paying_unit_code"):
                body["paying_unit_code"] = cells["paying_unit_code"]
            kinds = []
            for kind in DEDUCTION_KINDS:
                amount = cells.get(f"deduction_{kind}", "")
                if amount:
                    body["deductions"].append({"kind": kind, "monthly_amount": amount,
                                               **({"label": "อื่น ๆ"} if kind == "other" else {})})
                    kinds.append(kind)
            if birth is not None:
                eras[birth.era] += 1
            elif cells.get("birth_date"):  # refused here, in the sheet's words; the parser is told no date
                body["teacher"]["birth_date"] = None
                _error(errors, number, "birth_date", _(
                    "Enter the date as dd/mm/yyyy, with a Buddhist-Era year (01/04/2518) or a Common-Era one "
                    "(01/04/1975)."))
            teacher = teachers[citizen_id] = Teacher(citizen_id, number, body, [], kinds, first_cells=cells)
        else:  # the teacher's columns repeat on each debt row: a filled cell must agree with the first row
            for key in TEACHER_FIELDS + CASE_FIELDS:
                mine = cells.get(key)
                if mine and mine != teacher.first_cells.get(key):
                    _error(errors, number, key, _("Differs from row %(row)d for the same teacher.", row=teacher.first_row))
        if cells.get("creditor_name"):
            teacher.body["debts"].append({key: cells.get(key, "") for key, _t, _e in DEBT_COLUMNS})
            teacher.body["debts"][-1]["remaining_months"] = _whole(cells.get("remaining_months", ""))
            teacher.body["debts"][-1]["legal_status"] = cells.get("legal_status") or "normal"
            # Issue 20: the debt's guarantors, ";" between them, read strictly by the parser (an empty cell: none).
            # A file without the column says nothing of them, so a debt on file keeps its own.
            if "guarantors" in cells:
                teacher.body["debts"][-1]["guarantor_entries"] = cells["guarantors"]
            teacher.debt_rows.append(number)
    return list(teachers.values())


def _whole(text: str):
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 7 else text


def _map_error(teacher: Teacher, path: str) -> tuple[int, str]:
    """A parser error path ("debts[2].annual_rate") to the spreadsheet row and column it came from."""
    if path.startswith("debts[") and "]" in path:
        index = int(path[6:path.index("]")])
        column = path.split(".", 1)[1] if "." in path else "creditor_name"
        if column.startswith(("guarantor_entries", "guarantors")):  # issue 20: the one guarantors cell
            column = "guarantors"
        return (teacher.debt_rows[index] if index < len(teacher.debt_rows) else teacher.first_row), column
    if path.startswith("deductions[") and "]" in path:
        index = int(path[11:path.index("]")])
        kind = teacher.deduction_kinds[index] if index < len(teacher.deduction_kinds) else "other"
        return teacher.first_row, f"deduction_{kind}"
    return teacher.first_row, path.split(".")[-1] or "citizen_id"


def check(actor: User, cooperative: OrgUnit, sheet: Sheet, progress=None) -> Checked:
    """The dry run: every row parsed and checked, and every teacher matched with what is on file."""
    errors = list(sheet.errors)
    eras = {BE: 0, CE: 0}
    teachers = _group(sheet, errors, eras)
    for i, teacher in enumerate(teachers):
        checkpoint()
        try:
            teacher.parsed = parse_case(teacher.body)
        except ValidationFailed as error:
            for path, message in error.fields.items():
                row, column = _map_error(teacher, path)
                _error(errors, row, column, message)
        if progress and i % 500 == 0:
            progress(sum(len(t.debt_rows) or 1 for t in teachers[:i]))
    _match_on_file(actor, cooperative, teachers, errors)
    _match_paying_units(teachers, errors)
    new_creditors = _match_creditors(teachers, errors)
    errors.sort(key=lambda e: e["row"])
    return Checked(teachers=teachers, errors=errors, rows=len(sheet.rows), new_creditors=new_creditors,
                   birth_date_eras=eras, preview=[import_preview.debt_row(number, cells) for number, cells
                                                  in sheet.rows[:import_preview.PREVIEW_ROWS]])


def _match_creditors(teachers: list[Teacher], errors: list) -> list[dict]:
    """Issue 18: each debt's creditor name matched to the creditors on file by the rules of services/creditors.py
    (one lookup for the whole file). A name on file under another type is an error on its row; a name matching none
    is reported as a new creditor the import will add — once, however many rows name it."""
    debts = [(t, i, d) for t in teachers if t.parsed and t.parsed.debts for i, d in enumerate(t.parsed.debts)]
    checkpoint()
    on_file = creditors.on_file_by_keys({d.creditor_name for _t, _i, d in debts if d.creditor_name})
    new: dict[str, dict] = {}
    for teacher, i, debt in debts:
        if not debt.creditor_name or not debt.creditor_type:
            continue
        row = teacher.debt_rows[i] if i < len(teacher.debt_rows) else teacher.first_row
        found = creditors.match_name(debt.creditor_name, debt.creditor_type, on_file)
        if found.conflict is not None:
            _error(errors, row, "creditor_type", creditors.type_conflict_message(found.conflict))
        elif found.creditor is None:
            key = creditors.match_key(debt.creditor_name)
            entry = new.setdefault(key, {"name": creditors.clean(debt.creditor_name),
                                         "creditor_type": debt.creditor_type, "rows": []})
            if entry["creditor_type"] != debt.creditor_type:
                _error(errors, row, "creditor_type", _(
                    "Row %(row)d names the same creditor with another type.", row=entry["rows"][0]))
            else:
                entry["rows"].append(row)
    return sorted(new.values(), key=lambda c: c["rows"][0])


def _match_paying_units(teachers: list[Teacher], errors: list) -> None:
    """Each paying unit code names an active area office or pension payer, of a kind that fits the teacher
    (debt_cases.paying_unit_for and paying_unit_error, checked for all rows at once); the ids found are kept for the
    bulk insert."""
    codes = sorted({t.parsed.paying_unit_code for t in teachers if t.parsed and t.parsed.paying_unit_code})
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(codes), CHUNK):
        checkpoint()
        found.update((code, (unit_id, kind)) for code, unit_id, kind in db.session.execute(
            select(OrgUnit.code, OrgUnit.id, OrgUnit.kind).where(
                OrgUnit.code.in_(codes[start:start + CHUNK]), OrgUnit.kind.in_(PAYING_UNIT_KINDS),
                OrgUnit.active.is_(True))).all())
    for teacher in teachers:
        code = teacher.parsed.paying_unit_code if teacher.parsed else None
        if code and code not in found:
            _error(errors, teacher.first_row, "paying_unit_code", _(
                "No area office or pension payer with this code (the paying unit is the area office that pays the "
                "salary, or for a retired teacher the area office or pension payer that pays the pension)."))
        elif code:
            message = paying_unit_error(bool(teacher.parsed.retired), found[code][1])
            if message:
                _error(errors, teacher.first_row, "paying_unit_code", message)
        teacher.paying_unit_id = found[code][0] if code in found else None


def _match_on_file(actor: User, cooperative: OrgUnit, teachers: list[Teacher], errors: list) -> None:
    by_id = {t.citizen_id: t for t in teachers}
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        checkpoint()
        on_file = people.known(ids[start:start + CHUNK])
        if not on_file:
            continue
        cases = db.session.execute(select(DebtCase.person_id, DebtCase.id, DebtCase.status).where(
            DebtCase.person_id.in_([p.id for p in on_file.values()]),
            DebtCase.cooperative_id == cooperative.id)).all()
        for citizen_id, person in on_file.items():
            teacher = by_id[citizen_id]
            teacher.person_id = person.id
            mine = [(case_id, status) for pid, case_id, status in cases if pid == person.id]
            editable = [case_id for case_id, status in mine if status in EDITABLE_STATUSES]
            if editable:
                teacher.existing_case_id = max(editable)
            elif mine:
                _error(errors, teacher.first_row, "citizen_id", _(
                    "This teacher's case is under review or decided; it cannot be changed by an import."))
                continue
            if teacher.parsed and people.changes(person, teacher.parsed.teacher) \
                    and not people.may_change(actor, person):
                _error(errors, teacher.first_row, "first_name", _(
                    "This citizen ID is registered with other details by another office; type them as registered."))
