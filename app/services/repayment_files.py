"""The monthly repayment file (domain.md, "After approval" 4): what payroll offices and cooperatives send back, as CSV
or XLSX in the published layout (template()), one row per repayment. Columns are found by their header, in Thai or
English or by the field name, so a file made from the template or from the deduction list both read.

Rows are matched and recorded by services/repayments.record, with each problem reported by row number (the file's,
from the header's 1) and column. A file of more than JOB_ROWS rows is recorded in the background by the job engine
(its page shows the report when it is done).

Issue 21: a date is read in either era (app/domain/sheet_dates.py) and handed on as ISO Common Era, the API's form
(services/repayments.py keeps that contract); the report shows the first rows as read, with the era of each date
(import_preview.py).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, fields as dataclass_fields
from datetime import date
from decimal import Decimal

from app.domain.sheet_dates import read_day
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import BackgroundJob, User
from app.services import import_preview, repayments, spreadsheet_reader
from app.services.errors import ValidationFailed
from app.services.permissions import require
from app.storage import storage

MAX_FILE_MB = 80
JOB_ROWS = 2000
MAX_REPORTED = 1000
IMPORT_KIND = "repayment_import"

# (field, Thai header, English header)
COLUMNS = (
    ("citizen_id", "เลขประจำตัวประชาชน", "Citizen ID"),
    ("case_id", "เลขที่กรณี", "Case"),
    ("part", "รายการ (new_loan = เงินกู้ใหม่ หรือเลขหนี้เดิมที่ปรับโครงสร้าง)", "Part"),
    ("amount", "จำนวนเงินที่หักได้", "Amount"),
    ("paid_on", "วันที่หัก/ชำระ", "Paid on"),
    ("reference", "เลขอ้างอิงรายการ", "Reference"),
)
HEADER_KEYS = {name.strip().lower(): key for key, thai, english in COLUMNS for name in (key, thai, english)}
REQUIRED = ("citizen_id", "case_id", "amount", "paid_on", "reference")


def column_label(field: str | None) -> str:
    """The Thai header of a field, for the report (the file's own words)."""
    return next((thai for key, thai, _e in COLUMNS if key == field), field or "")


def template() -> tuple[list[str], list[list]]:
    """The layout with one example row (a payroll office's deduction for a case's new loan): the amount a number
    (the XLSX shows it 12,345.67, the CSV 12345.67: issue 21, point 10), the date as a Thai office types it."""
    headers = [thai for _k, thai, _e in COLUMNS]
    example = ["1101700230708", "DC2569-000005", "new_loan", Decimal("12345.67"), "28/02/2570",
               "AREA-CMI-01-202702-0001"]
    return headers, [example]


def _day(text: str) -> str:
    """paid_on as ISO Common Era, from dd/mm/yyyy or YYYY-MM-DD in either era or a date cell; as written when it is
    no date (the line is then refused on its column)."""
    read = read_day(text)
    return read.iso if read else text


def read_lines(filename: str, content: bytes, preview: list | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, fields) for each filled row; 422 for a file without the required columns. The first
    PREVIEW_ROWS rows as read are added to `preview` (when given)."""
    table = spreadsheet_reader.open_table(filename, content)
    header = [HEADER_KEYS.get(str(h or "").strip().lower()) for h in (table.header or [])]
    missing = [column_label(key) for key in REQUIRED if key not in header]
    if missing:
        table.close()
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"file": _("The file lacks the columns: %(columns)s. Use the template.",
                                          columns=", ".join(missing))})
    positions = [(index, key) for index, key in enumerate(header) if key]
    with table:
        for number, values in table.rows(len(header)):
            fields = {key: spreadsheet_reader.cell_text(values[index]) if index < len(values) else "" for index, key in positions}
            written = fields.get("paid_on", "")
            fields["paid_on"] = _day(written)
            if preview is not None and len(preview) < import_preview.PREVIEW_ROWS:
                preview.append(import_preview.repayment_row(number, fields, written))
            yield number, fields


@dataclass
class FileOutcome(repayments.Outcome):
    """What recording a file came to (repayments.Outcome), with its first rows as read (issue 21, point 2)."""

    preview: list[dict] = field(default_factory=list)


def import_content(actor: User, filename: str, content: bytes, month: date, *, dry_run: bool = False,
                   accept_partial: bool = False) -> FileOutcome:
    """Record a file now (in this request or job)."""
    preview: list[dict] = []
    outcome = repayments.record(actor, month, read_lines(filename, content, preview), dry_run=dry_run,
                                accept_partial=accept_partial, source="file", numbered=True)
    recorded = {f.name: getattr(outcome, f.name) for f in dataclass_fields(repayments.Outcome)}
    return FileOutcome(**recorded, preview=preview)


def import_file(actor: User, path, month: date, *, dry_run: bool = False,
                accept_partial: bool = False) -> repayments.Outcome:
    """A file on disk (the benchmark, the command line)."""
    with open(path, "rb") as handle:
        content = handle.read()
    return import_content(actor, str(path), content, month, dry_run=dry_run, accept_partial=accept_partial)


def rows_in(content: bytes) -> int:
    """A cheap bound on the rows of a file: its lines (CSV) or, for XLSX, as many as JOB_ROWS + 1 (always a job)."""
    if content[:2] == b"PK":
        return JOB_ROWS + 1
    return content.count(b"\n")


def submit(actor: User, filename: str, content: bytes, month: date, *, dry_run: bool,
           accept_partial: bool) -> BackgroundJob:
    """A large file: stored, then recorded by a worker (the job's result holds the report)."""
    require(actor, "record_repayments")
    if len(content) > MAX_FILE_MB * 1024 * 1024:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"file": _("The file is larger than %(mb)d MB.", mb=MAX_FILE_MB)})
    suffix = ".xlsx" if content[:2] == b"PK" else ".csv"
    key = f"repayment-files/{uuid.uuid4().hex}{suffix}"
    storage().write(key, content)
    job = background.submit(IMPORT_KIND, {"key": key, "filename": filename[:200], "month": month.isoformat(),
                                          "dry_run": dry_run, "accept_partial": accept_partial}, actor=actor)
    db.session.commit()
    return job


def report_of(outcome: repayments.Outcome) -> dict:
    """What a page shows: the outcome with at most MAX_REPORTED problems, each with its column's header, and a
    file's first rows as read."""
    data = outcome.as_dict()
    data["unmatched_total"] = len(data["unmatched"])
    data["unmatched"] = [{**u, "column": column_label(u["field"]), "reason": _file_reason(u)}
                         for u in data["unmatched"][:MAX_REPORTED]]
    data["preview"] = outcome.preview if isinstance(outcome, FileOutcome) else []
    return data


def _file_reason(unmatched: dict) -> str:
    """The reason in a file's terms: its dates are read in either era (the API's message names ISO alone)."""
    if unmatched["field"] == "paid_on" and unmatched["reason"] == _("Enter a date as YYYY-MM-DD (Common Era)."):
        return _("Enter the date as dd/mm/yyyy, with a Buddhist-Era year (01/04/2518) or a Common-Era one "
                 "(01/04/1975).")
    return unmatched["reason"]


@background.handler(IMPORT_KIND)
def run_import(job: BackgroundJob, token: str) -> None:
    params = job.params
    actor = db.session.get(User, job.requested_by_id)
    content = storage().read(params["key"])
    outcome = import_content(actor, params["filename"], content, date.fromisoformat(params["month"]),
                             dry_run=params["dry_run"], accept_partial=params["accept_partial"])
    if background.finish(job.id, token, result=report_of(outcome)):
        db.session.commit()
    else:
        db.session.rollback()
