"""Spreadsheet import of teachers, deductions and debts for one cooperative (issue 7).

One row per debt (a teacher without debts: one row with the creditor left empty); the teacher's columns repeat
on each of their rows. Upload → dry run: every row is checked with the same parser as the web form and the API
(services/debt_input.py), and the report lists row numbers and messages → commit: all or nothing, in one
transaction, checked again. A re-import updates instead of duplicating: teachers are keyed by citizen ID (their
draft or returned case in this cooperative is updated) and debts by creditor name within the case.

New teachers (the bulk of a first import) are written with bulk inserts; teachers already on file go through
the normal case services, so the rules on shared person records and on plans apply unchanged.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, insert, or_, select, update

from app.domain import clock
from app.domain.affordability import assess, risk_group
from app.domain.clock import utcnow
from app.domain.repayment import remaining_interest
from app.domain.thai_id import normalise_citizen_id
from app.domain.thai_text import be_year
from app.extensions import db
from app.models import AuditEvent, CaseDeduction, Debt, DebtCase, ImportJob, OrgUnit, Person, User
from app.models.debt import CREDITOR_TYPES, DEDUCTION_KINDS, EDITABLE_STATUSES, LEGAL_STATUSES
from app.services import audit, background, spreadsheet_reader
from app.services.debt_input import CaseInput, DebtInput, parse_case
from app.services.errors import ServiceError, ValidationFailed
from app.services.permissions import require
from app.services.plan_settings import plan_settings
from app.services.scope import get_scoped_or_404, scoped

MAX_ROWS = 200_000
MAX_FILE_MB = 40
MAX_REPORTED_ERRORS = 1000
INLINE_ROWS = 2000  # larger files are checked and imported in the background, with progress
CHUNK = 500         # IN-list size for lookups (SQLite allows 999 parameters)

TEACHER_COLUMNS = (
    ("citizen_id", "เลขประจำตัวประชาชน", "Citizen ID"),
    ("title", "คำนำหน้า", "Title"),
    ("first_name", "ชื่อ", "First name"),
    ("last_name", "นามสกุล", "Last name"),
    ("birth_date", "วันเกิด (ค.ศ. ปปปป-ดด-วว)", "Birth date (YYYY-MM-DD)"),
    ("position", "ตำแหน่ง", "Position"),
    ("workplace", "สถานศึกษา/หน่วยงาน", "Workplace"),
    ("monthly_salary", "เงินเดือน", "Monthly salary"),
    ("monthly_allowances", "เงินเพิ่มและค่าตอบแทน", "Monthly allowances"),
)
DEDUCTION_COLUMNS = tuple((f"deduction_{kind}", label, f"Deduction: {kind}") for kind, label in (
    ("tax", "หักภาษี"), ("gpf", "หัก กบข."), ("social_security", "หักประกันสังคม"),
    ("funeral_welfare", "หัก ช.พ.ค./ช.พ.ส."), ("cooperative_shares", "หักค่าหุ้นสหกรณ์"),
    ("insurance", "หักเบี้ยประกัน"), ("other", "หักอื่น ๆ")))
DEBT_COLUMNS = (
    ("creditor_name", "เจ้าหนี้", "Creditor"),
    ("creditor_type", "ประเภทเจ้าหนี้", "Creditor type"),
    ("outstanding", "ยอดหนี้คงเหลือ", "Outstanding"),
    ("annual_rate", "ดอกเบี้ยต่อปี (ร้อยละ)", "Annual rate (percent)"),
    ("monthly_payment", "ผ่อนต่อเดือน", "Monthly payment"),
    ("remaining_months", "งวดที่เหลือ", "Remaining months"),
    ("legal_status", "สถานะทางกฎหมาย", "Legal status"),
)
COLUMNS = TEACHER_COLUMNS + DEDUCTION_COLUMNS + DEBT_COLUMNS
HEADER_KEYS = {name.strip().lower(): key for key, thai, english in COLUMNS for name in (key, thai, english)}
TEACHER_FIELDS = ("title", "first_name", "last_name", "birth_date", "position", "workplace")
CASE_FIELDS = ("monthly_salary", "monthly_allowances") + tuple(key for key, _t, _e in DEDUCTION_COLUMNS)


# ---- the template ------------------------------------------------------------------------------------

EXAMPLE = ["1101700230708", "นาง", "สมศรี", "ใจดี", "1975-04-01", "ครู ชำนาญการพิเศษ", "โรงเรียนบ้านหนองผึ้ง",
           "45000.00", "3500.00", "1200.00", "1350.00", "", "", "", "800.00", "",
           "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "1850000.00", "5.75", "21500.00", "132", "normal"]


def template() -> tuple[list[str], list[list[str]]]:
    """Thai headers and one example row. The codes a column takes are listed in the XLSX's second sheet."""
    return [thai for _k, thai, _e in COLUMNS], [EXAMPLE]


def codes_help() -> list[list[str]]:
    return ([["ประเภทเจ้าหนี้", code] for code in CREDITOR_TYPES] + [["สถานะทางกฎหมาย", code] for code in LEGAL_STATUSES]
            + [["หมายเหตุ", "หนึ่งแถวต่อหนี้หนึ่งรายการ ข้อมูลครูซ้ำได้ในทุกแถวของครูคนเดียวกัน"]])


# ---- reading files -------------------------------------------------------------------------------

@dataclass
class Sheet:
    rows: list[tuple[int, dict]]       # (spreadsheet row number, {column key: text})
    errors: list[dict] = field(default_factory=list)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split())


def read_table(filename: str, content: bytes) -> Sheet:
    """The rows of an XLSX (first sheet) or CSV (UTF-8, with or without BOM), keyed by the template's columns.
    Rows are read one at a time and the row cap applies while reading (issue 14): memory follows the rows kept."""
    with spreadsheet_reader.open_table(filename, content) as table:
        if table.header is None:
            raise ValidationFailed(_("Please correct the marked fields."), {"file": _("The file is empty.")})
        keys = [HEADER_KEYS.get(_cell_text(h).lower()) for h in table.header]
        missing = [thai for key, thai, _e in COLUMNS
                   if key in ("citizen_id", "first_name", "last_name", "monthly_salary") and key not in keys]
        if missing:
            raise ValidationFailed(_("Please correct the marked fields."), {"file": _(
                "The first row must hold the template's headers; missing: %(names)s.", names=", ".join(missing))})
        width = max(i + 1 for i, key in enumerate(keys) if key)  # columns right of the last header go unread
        rows = []
        for number, values in table.rows(width):
            cells = {key: _cell_text(v) for key, v in zip(keys, values) if key}
            if not any(cells.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise spreadsheet_reader.Unreadable(_("Row %(row)d is past the limit: a file holds at most %(n)d rows.",
                                                      row=number, n=MAX_ROWS), row=number)
            rows.append((number, cells))
    return Sheet(rows=rows)


# ---- checking ------------------------------------------------------------------------------------

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


@dataclass
class Checked:
    teachers: list[Teacher]
    errors: list[dict]
    rows: int

    @property
    def summary(self) -> dict:
        updates = sum(1 for t in self.teachers if t.existing_case_id)
        return {"rows": self.rows, "teachers": len(self.teachers), "new_cases": len(self.teachers) - updates,
                "updated_cases": updates, "debts": sum(len(t.debt_rows) for t in self.teachers)}


def _error(errors: list, row: int, column: str, message: str) -> None:
    errors.append({"row": row, "column": _column_label(column), "message": message})


def _column_label(key: str) -> str:
    return next((thai for k, thai, _e in COLUMNS if k == key), key)


def _group(sheet: Sheet, errors: list) -> list[Teacher]:
    teachers: dict[str, Teacher] = {}
    for number, cells in sheet.rows:
        citizen_id = normalise_citizen_id(cells.get("citizen_id", ""))
        if not citizen_id:
            _error(errors, number, "citizen_id", _("This field is required."))
            continue
        teacher = teachers.get(citizen_id)
        if teacher is None:
            body = {"teacher": {"citizen_id": citizen_id, **{k: cells.get(k) or None for k in TEACHER_FIELDS}},
                    "monthly_salary": cells.get("monthly_salary", ""),
                    "monthly_allowances": cells.get("monthly_allowances") or "0",
                    "deductions": [], "debts": []}
            kinds = []
            for kind in DEDUCTION_KINDS:
                amount = cells.get(f"deduction_{kind}", "")
                if amount:
                    body["deductions"].append({"kind": kind, "monthly_amount": amount,
                                               **({"label": "อื่น ๆ"} if kind == "other" else {})})
                    kinds.append(kind)
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
            teacher.debt_rows.append(number)
    return list(teachers.values())


def _whole(text: str):
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 7 else text


def _map_error(teacher: Teacher, path: str) -> tuple[int, str]:
    """A parser error path ("debts[2].annual_rate") to the spreadsheet row and column it came from."""
    if path.startswith("debts[") and "]" in path:
        index = int(path[6:path.index("]")])
        column = path.split(".", 1)[1] if "." in path else "creditor_name"
        return (teacher.debt_rows[index] if index < len(teacher.debt_rows) else teacher.first_row), column
    if path.startswith("deductions[") and "]" in path:
        index = int(path[11:path.index("]")])
        kind = teacher.deduction_kinds[index] if index < len(teacher.deduction_kinds) else "other"
        return teacher.first_row, f"deduction_{kind}"
    return teacher.first_row, path.split(".")[-1] or "citizen_id"


def check(actor: User, cooperative: OrgUnit, sheet: Sheet, progress=None) -> Checked:
    """The dry run: every row parsed and checked, and every teacher matched with what is on file."""
    errors = list(sheet.errors)
    teachers = _group(sheet, errors)
    for i, teacher in enumerate(teachers):
        background.checkpoint()
        try:
            teacher.parsed = parse_case(teacher.body)
        except ValidationFailed as error:
            for path, message in error.fields.items():
                row, column = _map_error(teacher, path)
                _error(errors, row, column, message)
        if progress and i % 500 == 0:
            progress(sum(len(t.debt_rows) or 1 for t in teachers[:i]))
    _match_on_file(actor, cooperative, teachers, errors)
    errors.sort(key=lambda e: e["row"])
    return Checked(teachers=teachers, errors=errors, rows=len(sheet.rows))


def _match_on_file(actor: User, cooperative: OrgUnit, teachers: list[Teacher], errors: list) -> None:
    from app.services.debt_cases import PERSON_FIELDS, _may_edit_person

    by_id = {t.citizen_id: t for t in teachers}
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        background.checkpoint()
        chunk = ids[start:start + CHUNK]
        people = {p.citizen_id: p for p in db.session.scalars(select(Person).where(Person.citizen_id.in_(chunk)))}
        if not people:
            continue
        cases = db.session.execute(select(DebtCase.person_id, DebtCase.id, DebtCase.status).where(
            DebtCase.person_id.in_([p.id for p in people.values()]),
            DebtCase.cooperative_id == cooperative.id)).all()
        for citizen_id, person in people.items():
            teacher = by_id[citizen_id]
            teacher.person_id = person.id
            mine = [(case_id, status) for pid, case_id, status in cases if pid == person.id]
            editable = [case_id for case_id, status in mine if status in EDITABLE_STATUSES]
            if editable:
                teacher.existing_case_id = max(editable)
            elif mine:
                _error(errors, teacher.first_row, "citizen_id", _(
                    "This teacher's case is under review or decided; it cannot be changed by an import."))
            elif teacher.parsed and any(getattr(teacher.parsed.teacher, f) != getattr(person, f) for f in PERSON_FIELDS) \
                    and not _may_edit_person(actor, person):
                _error(errors, teacher.first_row, "first_name", _(
                    "This citizen ID is registered with other details by another office; type them as registered."))


# ---- committing ----------------------------------------------------------------------------------

def commit(actor: User, cooperative: OrgUnit, checked: Checked) -> dict:
    """Write everything, in the caller's transaction; the caller commits (or rolls back on any error)."""
    if checked.errors:
        raise ValidationFailed(_("The file has errors; nothing was imported."))
    new = [t for t in checked.teachers if not t.existing_case_id]
    _insert_new(actor, cooperative, new)
    for teacher in checked.teachers:
        background.checkpoint()
        if teacher.existing_case_id:
            _update_existing(actor, teacher)
    summary = checked.summary
    audit.record("debt_import.commit", actor=actor, object_type="org_unit", object_id=cooperative.id,
                 org_path=cooperative.path, after=summary)
    return summary


def _update_existing(actor: User, teacher: Teacher) -> None:
    """Through the normal service: same rules on persons and plans; debts matched by creditor name."""
    from app.services.debt_cases import update_case

    case = db.session.get(DebtCase, teacher.existing_case_id)
    parsed = teacher.parsed
    by_creditor = {d.creditor_name: d for d in case.debts}
    incoming = {d.creditor_name for d in parsed.debts}
    debts = [DebtInput(id=d.id, creditor_name=d.creditor_name, creditor_type=d.creditor_type, outstanding=d.outstanding,
                       annual_rate=d.annual_rate, monthly_payment=d.monthly_payment,
                       remaining_months=d.remaining_months, salary_deducted=d.salary_deducted,
                       legal_status=d.legal_status, guarantors=d.guarantors)
             for d in case.debts if d.creditor_name not in incoming]
    for item in parsed.debts:
        existing = by_creditor.get(item.creditor_name)
        item.id = existing.id if existing else None
        debts.append(item)
    data = CaseInput(present={"teacher", "monthly_salary", "monthly_allowances", "deductions", "debts"},
                     teacher=parsed.teacher, monthly_salary=parsed.monthly_salary,
                     monthly_allowances=parsed.monthly_allowances, deductions=parsed.deductions, debts=debts,
                     version=case.version)
    update_case(actor, case.id, data, commit=False)


def _insert_new(actor: User, cooperative: OrgUnit, teachers: list[Teacher]) -> None:
    """Bulk inserts for teachers with no editable case here: people (unless on file), cases, rows, audit."""
    if not teachers:
        return
    now, year = utcnow(), be_year(clock.today())
    settings = plan_settings().affordability
    fresh = [t for t in teachers if t.person_id is None]
    if fresh:
        ids = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
            {"citizen_id": t.citizen_id, **{f: getattr(t.parsed.teacher, f) for f in TEACHER_FIELDS},
             "created_at": now, "updated_at": now} for t in fresh]).scalars().all()
        for teacher, person_id in zip(fresh, ids):
            teacher.person_id = person_id
    cases = []
    for t in teachers:
        p = t.parsed
        non_debt = sum((d.monthly_amount for d in p.deductions), Decimal("0"))
        service = sum((d.monthly_payment for d in p.debts), Decimal("0"))
        result = assess(p.monthly_salary, p.monthly_allowances or Decimal("0"), non_debt, service, settings)
        cases.append({
            "status": "draft", "version": 1, "person_id": t.person_id, "cooperative_id": cooperative.id,
            "org_path": cooperative.path, "province_code": cooperative.province_code,
            "monthly_salary": p.monthly_salary, "monthly_allowances": p.monthly_allowances or Decimal("0"),
            "non_debt_deductions": result.non_debt_deductions, "debt_service": result.debt_service,
            "total_outstanding": sum((d.outstanding for d in p.debts), Decimal("0")), "net_income": result.net,
            "ratio": result.ratio, "meets_floor": result.meets_floor,
            "risk_group": risk_group([d.legal_status for d in p.debts], bool(p.debts), result.meets_floor),
            "interest_remaining": sum((remaining_interest(d.outstanding, d.annual_rate, d.monthly_payment,
                                                          d.remaining_months) for d in p.debts), Decimal("0")),
            "created_by_id": actor.id, "status_since": now, "created_at": now, "updated_at": now})
    case_ids = db.session.execute(insert(DebtCase).returning(DebtCase.id, sort_by_parameter_order=True),
                                  cases).scalars().all()
    db.session.execute(update(DebtCase), [{"id": i, "reference": f"DC{year}-{i:06d}"} for i in case_ids])
    deductions, debts, events = [], [], []
    for t, case_id, row in zip(teachers, case_ids, cases):
        deductions += [{"case_id": case_id, "position": i, "kind": d.kind, "label": d.label,
                        "monthly_amount": d.monthly_amount} for i, d in enumerate(t.parsed.deductions)]
        debts += [{"case_id": case_id, "position": i, "creditor_name": d.creditor_name,
                   "creditor_type": d.creditor_type, "outstanding": d.outstanding, "annual_rate": d.annual_rate,
                   "monthly_payment": d.monthly_payment, "remaining_months": d.remaining_months,
                   "salary_deducted": d.salary_deducted, "legal_status": d.legal_status,
                   "guarantors": d.guarantors} for i, d in enumerate(t.parsed.debts)]
        events.append({"occurred_at": now, "actor_id": actor.id, "actor_username": actor.username,
                       "action": "debt_case.create", "object_type": "debt_case", "object_id": str(case_id),
                       "org_path": cooperative.path, "before": None, "address": audit.request_address(),
                       "after": {"citizen_id": t.citizen_id, "source": "import", "debts": len(t.parsed.debts),
                                 "total_outstanding": str(row["total_outstanding"])}})
    if deductions:
        db.session.execute(insert(CaseDeduction), deductions)
    if debts:
        db.session.execute(insert(Debt), debts)
    db.session.execute(insert(AuditEvent), events)


# ---- jobs ----------------------------------------------------------------------------------------

def folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload(actor: User, cooperative_code: str | None, filename: str, content: bytes) -> ImportJob:
    """Store the file and queue its dry run."""
    require(actor, "edit_debt_cases")
    from app.services.debt_cases import _cooperative_for

    cooperative = _cooperative_for(actor, cooperative_code)
    if not content:
        raise ValidationFailed(_("Please correct the marked fields."), {"file": _("Choose a file.")})
    if len(content) > MAX_FILE_MB * 1024 * 1024:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"file": _("The file is larger than %(mb)s MB.", mb=MAX_FILE_MB)})
    name = Path(filename or "import").name[:200]
    if not name.lower().endswith((".xlsx", ".csv")):
        raise ValidationFailed(_("Please correct the marked fields."), {"file": _("Upload an XLSX or CSV file.")})
    key = secrets.token_hex(16) + (".xlsx" if name.lower().endswith(".xlsx") else ".csv")
    (folder() / key).write_bytes(content)
    job = ImportJob(status="checking", filename=name, file_key=key, cooperative_id=cooperative.id,
                    org_path=cooperative.path, created_by_id=actor.id, errors=[], summary={})
    db.session.add(job)
    db.session.flush()
    audit.record("debt_import.upload", actor=actor, object_type="import_job", object_id=job.id,
                 org_path=job.org_path, after={"filename": name, "bytes": len(content)})
    db.session.commit()
    background.start(run_check, job.id, name=f"import-check-{job.id}")
    return job


def get(actor: User, job_id: int) -> ImportJob:
    require(actor, "edit_debt_cases")
    return get_scoped_or_404(ImportJob, job_id, actor, ImportJob.org_path)


def jobs_query(actor: User):
    require(actor, "edit_debt_cases")
    return scoped(select(ImportJob), ImportJob.org_path, actor).order_by(ImportJob.id.desc())


def _set(job_id: int, **values) -> None:
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
    db.session.commit()


# An import is one transaction: longer than this, its worker died (a live one stops at IMPORT_JOB_TIME_LIMIT,
# which must stay below this).
STALLED_AFTER = timedelta(minutes=15)


def stalled(job: ImportJob) -> bool:
    return job.status == "importing" and (job.claimed_at or job.created_at) < utcnow() - STALLED_AFTER


def abandoned(job: ImportJob) -> bool:
    """A check still "checking" this long after its upload lost its worker (a limit or a failure would have ended
    it): its page stops waiting for it (issue 14); the file is uploaded again."""
    return job.status == "checking" and job.created_at < utcnow() - STALLED_AFTER


def _claim(job_id: int, source: tuple[str, ...], target: str) -> bool:
    """One conditional UPDATE: a double click imports once; an import whose worker died (its transaction rolled
    back, so nothing of it was written) may be claimed again once it has stalled."""
    now = utcnow()
    changed = db.session.execute(update(ImportJob).where(ImportJob.id == job_id, or_(
        ImportJob.status.in_(source),
        and_(ImportJob.status == "importing", ImportJob.claimed_at < now - STALLED_AFTER)))
        .values(status=target, claimed_at=now)).rowcount
    db.session.commit()
    return changed == 1


def _load(job: ImportJob) -> tuple[User, OrgUnit, Sheet]:
    """The job's rows. The first read keeps them as JSON beside the upload, so the import (which checks the rows
    again) does not parse the workbook a second time; the JSON is derived from the file and nothing else."""
    actor = db.session.get(User, job.created_by_id)
    cooperative = db.session.get(OrgUnit, job.cooperative_id)
    cache = folder() / f"{job.file_key}.rows.json"
    if cache.is_file():
        return actor, cooperative, Sheet(rows=[(n, cells) for n, cells in json.loads(cache.read_text("utf-8"))])
    sheet = read_table(job.filename, (folder() / job.file_key).read_bytes())
    cache.write_text(json.dumps(sheet.rows, ensure_ascii=False), "utf-8")
    return actor, cooperative, sheet


def run_check(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    try:
        with background.deadline(current_app.config["IMPORT_JOB_TIME_LIMIT"]):
            actor, cooperative, sheet = _load(job)
            _set(job_id, total_rows=len(sheet.rows))
            checked = check(actor, cooperative, sheet, lambda n: _set(job_id, processed_rows=n))
        db.session.rollback()  # the dry run changed nothing; end its read transaction
        _set(job_id, status="invalid" if checked.errors else "valid", processed_rows=len(sheet.rows),
             error_count=len(checked.errors), errors=checked.errors[:MAX_REPORTED_ERRORS], summary=checked.summary,
             finished_at=utcnow())
    except ServiceError as error:  # the file itself: unreadable, too large, past a limit (at a row, if known)
        db.session.rollback()
        message = "; ".join(error.fields.values()) or error.message
        _set(job_id, status="invalid", error_count=1, finished_at=utcnow(),
             errors=[{"row": getattr(error, "row", 1), "column": "", "message": message}])
    except Exception as error:  # noqa: BLE001 — whatever else stops a check ends its job (issue 14)
        _fail(job_id, error)


def _fail(job_id: int, error: Exception) -> None:
    """End a job as failed with a message for its page (issue 14: a job never stays "checking" or "importing");
    the traceback goes to the log only. Nothing of the job was written: its transaction is rolled back."""
    db.session.rollback()
    if isinstance(error, background.TimeLimitExceeded):
        current_app.logger.warning("import job %s stopped: %s", job_id, error)
        message = _("The job ran for more than %(seconds)d seconds and was stopped. Split the file and upload the "
                    "parts one at a time.", seconds=error.seconds)
    elif isinstance(error, ServiceError):
        message = error.message
    else:
        current_app.logger.error("import job %s failed", job_id, exc_info=error)
        message = _("An unexpected error stopped the job. It has been logged for the administrator (import %(id)d).",
                    id=job_id)
    _set(job_id, status="failed", failure=message[:1000], finished_at=utcnow())


def start_import(actor: User, job_id: int) -> ImportJob:
    job = get(actor, job_id)
    if job.status != "valid" and not stalled(job):
        raise ValidationFailed(_("Only a checked file without errors can be imported."))
    background.start(run_import, job.id, name=f"import-{job.id}")
    return job


def run_import(job_id: int) -> None:
    """All or nothing: checked again inside the transaction that writes; any error rolls everything back."""
    if not _claim(job_id, ("valid",), "importing"):
        return  # already running or done: a double click imports once
    job = db.session.get(ImportJob, job_id)
    try:
        with background.deadline(current_app.config["IMPORT_JOB_TIME_LIMIT"]):
            actor, cooperative, sheet = _load(job)
            checked = check(actor, cooperative, sheet)
            if checked.errors:  # something changed since the dry run
                db.session.rollback()
                _set(job_id, status="invalid", error_count=len(checked.errors),
                     errors=checked.errors[:MAX_REPORTED_ERRORS], finished_at=utcnow())
                return
            summary = commit(actor, cooperative, checked)
        db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            status="done", summary=summary, processed_rows=len(sheet.rows), finished_at=utcnow()))
        db.session.commit()
    except Exception as error:  # noqa: BLE001 — the job reports any failure on its page; nothing was written
        _fail(job_id, error)
