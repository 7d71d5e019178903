"""List downloads: small ones in the request, large ones through the job engine (issue 16).

Every list that downloads as CSV or XLSX is declared here once, as an `ExportList`: the permission of its page,
the service function that builds its statement for a user and the list's filters (so permission and scope are
exactly the page's), its headers, and how the rows are made from the objects. A list page turns its request into
filters and calls build(): at most EXPORT_INLINE_ROWS rows are answered in the request (table()); above that,
submit() adds a BackgroundJob of kind "export" holding the list's name, its filters, the format and the requester's
language, and run_export() builds the same table in the worker — for the requester (job.requested_by_id), through
the same build(), in their language (flask_babel.force_locale) — and stores the file under
exports/<job id>-<random>.<fmt>, for the requester alone to download.

How the job keeps memory flat and never leaves half a file:
- it reads the ids of the rows first (the statement's own order, at most MAX_EXPORT_ROWS), then loads and writes the
  rows CHUNK at a time, saving its progress between chunks, when no cursor is open;
- the file fills a temporary file (CSV a piece at a time; XLSX through openpyxl's write-only workbook), which is then
  copied into storage in pieces, in the one transaction that marks the job done: with database storage a failed
  job stores nothing, and the local folder only ever shows a whole file (app/storage.py).
"""
from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from app.domain.money import ratio_percent
from app.domain.thai_id import mask_citizen_id
from app.domain.thai_text import BANGKOK, to_bangkok
from app.exports import FORMATS, MAX_EXPORT_ROWS, citizen_id_for_export, write_table
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.jobs import background, rows as job_rows
from app.jobs.limits import checkpoint
from app.labels import HARM_LABELS, RISK_LABELS, STATUS_LABELS
from app.models import AuditEvent, BackgroundJob, DebtCase, Letter, Person, ReliefCase, User
from app.services import audit, debt_cases, letter_kinds, letters, people, relief
from app.services.errors import Forbidden, NotFound
from app.services.permissions import can
from app.services.province_names import province_names
from app.services.scope import scoped
from app.storage import CHUNK_BYTES, StorageError, storage

KIND = "export"  # the BackgroundJob kind
CHUNK = 1_000  # rows loaded, written and counted as progress at a time
STATUS_LABELS_OF_JOBS = {"queued": _l("Waiting to start"), "running": _l("Preparing the file"), "done": _l("Ready"),
                         "failed": _l("Failed")}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (XLSX)"}


@dataclass(frozen=True)
class ExportList:
    """One downloadable list, declared once for the page's own download and for the job."""

    name: str  # its key here, and its file's name: debt-cases.csv
    title: object  # what "My exports" calls it (a lazy translation)
    permission: str  # the list page's; checked again when the job runs and when its file is fetched
    model: type  # what the statement selects; the job loads the rows by this model's id
    query: Callable  # (user, **filters) -> the list's statement, scoped and ordered, through the list's service
    headers: Callable[[], list[str]]  # in the current language
    rows: Callable[[User, Iterable], Iterator[list]]  # (the user the file is for, the objects) -> one row each
    count: Callable | None = None  # (user, filters, statement) -> the exact count, where one is cheaper than counting


LISTS: dict[str, ExportList] = {}


def register(entry: ExportList) -> ExportList:
    LISTS[entry.name] = entry
    return entry


def entry_of(name: str) -> ExportList:
    if name not in LISTS:
        raise NotFound()
    return LISTS[name]


@dataclass
class Export:
    """One list for one user and filters, its statement built once through the list's service."""

    entry: ExportList
    user: User
    filters: dict
    stmt: object


def build(name: str, user: User, filters: dict) -> Export:
    entry = entry_of(name)
    if not can(user, entry.permission):
        raise Forbidden(_("You may not see this list."))
    return Export(entry, user, dict(filters), entry.query(user, **filters))


def row_count(export: Export, at_most: int) -> int:
    """How many rows the download holds, counting no further than `at_most`."""
    if export.entry.count is not None:
        return min(export.entry.count(export.user, export.filters, export.stmt), at_most)
    bounded = export.stmt.with_only_columns(export.entry.model.id).order_by(None).limit(at_most).subquery()
    return db.session.scalar(select(func.count()).select_from(bounded))


def is_large(export: Export) -> bool:
    """More rows than EXPORT_INLINE_ROWS: the download goes through the job engine."""
    limit = current_app.config["EXPORT_INLINE_ROWS"]
    return row_count(export, limit + 1) > limit


def table(export: Export) -> tuple[list[str], Iterator[list]]:
    """(headers, rows) of the download, read straight from the statement (the request's own download)."""
    objects = db.session.scalars(export.stmt.limit(MAX_EXPORT_ROWS)).unique()
    return export.entry.headers(), export.entry.rows(export.user, objects)


# ---- the job ------------------------------------------------------------------------------------------------

def submit(export: Export, fmt: str, lang: str) -> BackgroundJob:
    """The download as a job for its user, audited; commits (the job runs once this commits). The same download
    asked for again while it is still being made is that job, not a second one."""
    if fmt not in FORMATS:
        raise ValueError(f"not an export format: {fmt!r}")
    params = {"list": export.entry.name, "filters": export.filters, "format": fmt, "lang": lang}
    for job in db.session.scalars(select(BackgroundJob).where(
            BackgroundJob.kind == KIND, BackgroundJob.requested_by_id == export.user.id,
            BackgroundJob.status.in_(("queued", "running")))):
        if job.params == params:
            return job
    job = background.submit(KIND, params, actor=export.user)
    audit.record("export.request", actor=export.user, object_type="background_job", object_id=job.id,
                 org_path=job.org_path, after={"list": export.entry.name, "format": fmt, "filters": export.filters})
    db.session.commit()
    return job


def file_name(job: BackgroundJob) -> str:
    """The name the request's own download would have had: debt-cases.csv."""
    return f"{job.params['list']}.{job.params['format']}"


@background.handler(KIND)
def run_export(job: BackgroundJob, token: str) -> None:
    job_id, params = job.id, dict(job.params)
    name, fmt = params["list"], params["format"]
    user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    if user is None or not user.active:
        raise Forbidden(_("The user who asked for this export can no longer sign in."))
    with force_locale(params.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        export = build(name, user, params["filters"])
        ids = list(dict.fromkeys(db.session.scalars(
            export.stmt.with_only_columns(export.entry.model.id).limit(MAX_EXPORT_ROWS))))
        job_rows.fenced(BackgroundJob, job_id, token, total=len(ids), progress=0)
        db.session.commit()
        written = [0]
        with tempfile.TemporaryFile() as spool:
            write_table(spool, name, export.entry.headers(),
                        export.entry.rows(user, _objects(export.entry.model, ids, job_id, token, written)), fmt)
            spool.seek(0)
            key = f"exports/{job_id}-{secrets.token_hex(8)}.{fmt}"
            try:
                storage().write(key, iter(lambda: spool.read(CHUNK_BYTES), b""))
            except BaseException:
                _drop(key)
                raise
    if not background.finish(job_id, token, file_key=key, progress=len(ids), result={"rows": written[0]}):
        _drop(key)  # another worker holds the job now: it makes its own file
        return
    db.session.commit()


def _objects(model, ids: list[int], job_id: int, token: str, written: list[int]) -> Iterator:
    """The rows by id, CHUNK at a time in the statement's order; progress saved after each chunk (the rows of the
    chunk are written by then). A row deleted since its id was read is left out."""
    for start in range(0, len(ids), CHUNK):
        checkpoint()
        chunk = ids[start:start + CHUNK]
        found = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(chunk))).unique()}
        for key in chunk:
            if key in found:
                written[0] += 1
                yield found[key]
        background.progress(job_id, token, start + len(chunk))


def _drop(key: str) -> None:
    db.session.rollback()
    try:
        storage().delete(key)
        db.session.commit()
    except StorageError:
        db.session.rollback()


# ---- the requester's exports --------------------------------------------------------------------------------

def jobs_of(user: User):
    """A user's exports, newest first (a query for the pager)."""
    return (select(BackgroundJob).where(BackgroundJob.kind == KIND, BackgroundJob.requested_by_id == user.id)
            .order_by(BackgroundJob.id.desc()))


def get_job(user: User, job_id: int) -> BackgroundJob:
    """One of the user's own exports; anyone else's is missing (NotFound), never forbidden."""
    job = db.session.scalar(jobs_of(user).where(BackgroundJob.id == job_id))
    if job is None:
        raise NotFound()
    return job


def ready_file(user: User, job_id: int) -> tuple[str, str]:
    """(storage key, download name) of a finished export of the user's, while they may still see the list."""
    job = get_job(user, job_id)
    if job.status != "done" or not job.file_key or not can(user, entry_of(job.params.get("list", "")).permission):
        raise NotFound()
    return job.file_key, file_name(job)


def waiting_for_a_worker(job: BackgroundJob) -> bool:
    return job_rows.unclaimed_for(job, job.status == "queued")


# ---- the lists ----------------------------------------------------------------------------------------------

def _debt_rows(user: User, cases: Iterable[DebtCase]) -> Iterator[list]:
    full = can(user, "see_full_citizen_ids")
    provinces = province_names()  # issue 21, point 10: the name beside the code, read once for the whole file
    for case in cases:
        person = case.person
        yield [case.reference, person.full_name,
               person.citizen_id if full else mask_citizen_id(person.citizen_id), case.cooperative.name,
               case.province_code, provinces.get(case.province_code, ""), case.monthly_salary,
               case.total_outstanding, case.debt_service, ratio_percent(case.ratio),
               _("yes") if case.meets_floor else _("no"), str(RISK_LABELS.get(case.risk_group, case.risk_group)),
               str(STATUS_LABELS.get(case.status, case.status)), _bangkok_day(case.created_at)]


def _bangkok_day(moment: datetime | None) -> date | None:
    """The day a timestamp fell on in Bangkok: a real date in the XLSX (app/xlsx_layout.py), ISO in the CSV."""
    return to_bangkok(moment).date() if moment else None


def _debt_count(user: User, filters: dict, stmt) -> int:
    """From the rollup the database keeps (services/debt_cases.count_cases), not by counting the cases."""
    return debt_cases.count_cases(user, listed=stmt, **{k: v for k, v in filters.items() if k != "sort"})


register(ExportList(
    "debt-cases", _l("Debt cases"), "view_debt_cases", DebtCase, debt_cases.search_cases,
    lambda: [_("Reference"), _("Teacher"), _("Citizen ID"), _("Cooperative"), _("Province code"), _("Province"),
             _("Monthly salary"), _("Debt"), _("Monthly debt service"), _("Kept of salary (percent)"),
             _("Meets the floor"), _("Risk group"), _("Status"), _("Registered")],
    _debt_rows, _debt_count))

register(ExportList(
    "relief-cases", _l("Relief cases"), "view_relief_cases", ReliefCase, relief.search_cases,
    lambda: [_("Reference"), _("Victim"), _("Citizen ID"), _("Incident"), _("district"), _("Harm"), _("Status")],
    lambda user, cases: ([c.reference, c.victim.full_name, citizen_id_for_export(c.victim.citizen_id, user),
                          c.incident.occurred_on, c.incident.district, str(HARM_LABELS.get(c.harm, c.harm)),
                          str(STATUS_LABELS.get(c.status, c.status))] for c in cases)))

register(ExportList(
    "people", _l("People"), "view_people", Person, people.search,
    lambda: [_("Name"), _("Citizen ID"), _("Position"), _("School or office")],
    lambda user, persons: ([p.full_name, citizen_id_for_export(p.citizen_id, user), p.position, p.workplace]
                           for p in persons)))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _letters_register(user: User, *, office_id: int | None = None, kind: str = "", year: int | None = None,
                      text: str = "", date_from: str = "", date_to: str = ""):
    """The register's statement with its dates as ISO text (as a job's parameters keep them)."""
    return letters.register_query(user, office_id=office_id, kind=kind, year=year, text=text,
                                  date_from=_day(date_from), date_to=_day(date_to))


register(ExportList(
    "letters-register", _l("Register of letters sent"), "view_org_units", Letter, _letters_register,
    lambda: [_("No."), _("Date"), _("Kind"), _("Subject"), _("To"), _("Case")],
    lambda user, rows: ([x.number_text, x.issued_on, str(letter_kinds.get(x.kind).title), x.subject, x.addressee,
                         x.case_reference] for x in rows)))


def _bangkok_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), BANGKOK).astimezone(timezone.utc).replace(tzinfo=None)


def audit_trail(user: User, *, username: str = "", action: str = "", object_type: str = "", object_id: str = "",
                date_from: str = "", date_to: str = ""):
    """The audit page's events in the user's scope, newest first. `date_from` and `date_to` are ISO days in
    Bangkok time (the page has checked them)."""
    if not can(user, "view_audit"):
        raise Forbidden()
    stmt = scoped(select(AuditEvent), AuditEvent.org_path, user)
    if username:
        stmt = stmt.where(AuditEvent.actor_username.ilike(f"%{username}%"))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if date_from:
        stmt = stmt.where(AuditEvent.occurred_at >= _bangkok_midnight_utc(_day(date_from)))
    if date_to:
        stmt = stmt.where(AuditEvent.occurred_at < _bangkok_midnight_utc(_day(date_to) + timedelta(days=1)))
    return stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


register(ExportList(
    "audit-trail", _l("Audit trail"), "view_audit", AuditEvent, audit_trail,
    lambda: [_("When"), _("User"), _("Action"), _("Record"), _("Before"), _("After"), _("Address")],
    lambda user, events: ([e.occurred_at, e.actor_username, e.action, f"{e.object_type} {e.object_id or ''}",
                           _json_text(e.before), _json_text(e.after), e.address] for e in events)))
