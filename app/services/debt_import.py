"""Spreadsheet import jobs for one cooperative (issue 7): upload → dry run → import, each in the background with
its progress on the job's page.

- upload stores the file (app/storage.py) and queues its check with the job engine (issue 16; debt_import_sheet.py
  reads it, debt_import_rows.py checks it);
- the check reports every bad row by number and column and changes nothing: the job becomes valid or invalid;
- the import checks the rows again inside the one transaction that writes them (debt_import_write.py): all or
  nothing, fenced on its claim (app/jobs/rows.py). A double click imports once; an import whose worker died is
  taken up again by another worker, and since its transaction died with it, no row is ever imported twice;
- any failure ends the job with a message for its page (issue 14): a job never stays "checking" or "importing".
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.models import ImportJob, OrgUnit, User
from app.jobs import engine, rows
from app.jobs.limits import TimeLimitExceeded, deadline
from app.services import audit
from app.services.debt_cases import cooperative_for
from app.services.debt_import_rows import check
from app.services.debt_import_sheet import Sheet, read_table
from app.services.debt_import_write import commit
from app.services.errors import ServiceError, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.storage import storage

MAX_FILE_MB = 40
MAX_REPORTED_ERRORS = 1000


# ---- jobs ----------------------------------------------------------------------------------------

CHECK = rows.stage(ImportJob, "checking", "checking", "import.check")
IMPORT = rows.stage(ImportJob, "importing", "importing", "import.run")


def upload_key(job: ImportJob) -> str:
    return f"imports/{job.file_key}"


def upload(actor: User, cooperative_code: str | None, filename: str, content: bytes) -> ImportJob:
    """Store the file and queue its dry run."""
    require(actor, "edit_debt_cases")
    cooperative = cooperative_for(actor, cooperative_code)
    if not content:
        raise ValidationFailed(_("Please correct the marked fields."), {"file": _("Choose a file.")})
    if len(content) > MAX_FILE_MB * 1024 * 1024:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"file": _("The file is larger than %(mb)s MB.", mb=MAX_FILE_MB)})
    name = Path(filename or "import").name[:200]
    if not name.lower().endswith((".xlsx", ".csv")):
        raise ValidationFailed(_("Please correct the marked fields."), {"file": _("Upload an XLSX or CSV file.")})
    key = secrets.token_hex(16) + (".xlsx" if name.lower().endswith(".xlsx") else ".csv")
    job = ImportJob(status="checking", filename=name, file_key=key, cooperative_id=cooperative.id,
                    org_path=cooperative.path, created_by_id=actor.id, errors=[], summary={}, claimed_at=utcnow())
    db.session.add(job)
    db.session.flush()
    storage().write(upload_key(job), content)
    audit.record("debt_import.upload", actor=actor, object_type="import_job", object_id=job.id,
                 org_path=job.org_path, after={"filename": name, "bytes": len(content)})
    engine.after_commit(CHECK.task, job.id)
    db.session.commit()
    return job


def get(actor: User, job_id: int) -> ImportJob:
    require(actor, "edit_debt_cases")
    return get_scoped_or_404(ImportJob, job_id, actor, ImportJob.org_path)


def jobs_query(actor: User):
    require(actor, "edit_debt_cases")
    return scoped(select(ImportJob), ImportJob.org_path, actor).order_by(ImportJob.id.desc())


def waiting_for_a_worker(job: ImportJob) -> bool:
    return rows.unclaimed_for(job, job.status in ("checking", "importing"))


def _progress(job_id: int, token: str, **values) -> None:
    rows.fenced(ImportJob, job_id, token, **values)
    db.session.commit()


def _load(job: ImportJob) -> tuple[User, OrgUnit, Sheet]:
    """The job's rows. The first read keeps them as JSON beside the upload, so the import (which checks the rows
    again) does not parse the workbook a second time; the JSON is derived from the file and nothing else, and is
    stored whole or not at all."""
    actor = db.session.get(User, job.created_by_id)
    cooperative = db.session.get(OrgUnit, job.cooperative_id)
    files, cache = storage(), f"{upload_key(job)}.rows.json"
    if files.exists(cache):
        return actor, cooperative, Sheet(rows=[(n, cells) for n, cells in json.loads(files.read(cache))])
    sheet = read_table(job.filename, files.read(upload_key(job)))
    files.write(cache, json.dumps(sheet.rows, ensure_ascii=False).encode("utf-8"))
    return actor, cooperative, sheet


def run_check(job_id: int) -> None:
    def work(token: str) -> None:
        job = db.session.get(ImportJob, job_id)
        with deadline(current_app.config["IMPORT_JOB_TIME_LIMIT"]):
            try:
                actor, cooperative, sheet = _load(job)
            except ServiceError as error:  # the file itself: unreadable, too large, past a limit (at a row)
                db.session.rollback()
                message = "; ".join(error.fields.values()) or error.message
                _progress(job_id, token, status="invalid", claim_token=None, error_count=1, finished_at=utcnow(),
                          errors=[{"row": getattr(error, "row", 1), "column": "", "message": message}])
                return
            db.session.commit()  # the rows' cache, kept even if the check stops
            _progress(job_id, token, total_rows=len(sheet.rows))
            checked = check(actor, cooperative, sheet, lambda n: _progress(job_id, token, processed_rows=n))
        db.session.rollback()  # the dry run changed nothing; end its read transaction
        _progress(job_id, token, status="invalid" if checked.errors else "valid", claim_token=None,
                  processed_rows=len(sheet.rows), error_count=len(checked.errors),
                  errors=checked.errors[:MAX_REPORTED_ERRORS], summary=checked.summary, finished_at=utcnow())

    rows.run(CHECK, job_id, work, lambda token, message: _failed(job_id, token, message),
             lambda error: _failure_message(job_id, error))


def _failed(job_id: int, token: str, message: str) -> None:
    """The job ends failed with a message for its page (issue 14: a job never stays "checking" or "importing")."""
    rows.fenced(ImportJob, job_id, token, status="failed", claim_token=None, failure=message, finished_at=utcnow())


def _failure_message(job_id: int, error: Exception) -> str:
    if isinstance(error, TimeLimitExceeded):
        return _("The job ran for more than %(seconds)d seconds and was stopped. Split the file and upload the "
                 "parts one at a time.", seconds=error.seconds)
    if isinstance(error, ServiceError):
        return error.message
    return _("An unexpected error stopped the job. It has been logged for the administrator (import %(id)d).",
             id=job_id)


def start_import(actor: User, job_id: int) -> ImportJob:
    """Queue the import of a checked file. A second click finds it queued or running and changes nothing."""
    job = get(actor, job_id)
    if job.status == "importing":
        return job
    queued = db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.status == "valid")
                                .values(status="importing", claim_token=None, claimed_at=utcnow())).rowcount
    if not queued:
        db.session.rollback()
        raise ValidationFailed(_("Only a checked file without errors can be imported."))
    audit.record("debt_import.start", actor=actor, object_type="import_job", object_id=job.id,
                 org_path=job.org_path, after={"filename": job.filename})
    engine.after_commit(IMPORT.task, job.id)
    db.session.commit()
    return job


def run_import(job_id: int) -> None:
    """All or nothing: checked again inside the transaction that writes, which ends with the fenced "done"."""
    def work(token: str) -> None:
        job = db.session.get(ImportJob, job_id)
        with deadline(current_app.config["IMPORT_JOB_TIME_LIMIT"]):
            actor, cooperative, sheet = _load(job)
            checked = check(actor, cooperative, sheet)
            if checked.errors:  # something changed since the dry run
                db.session.rollback()
                _progress(job_id, token, status="invalid", claim_token=None, error_count=len(checked.errors),
                          errors=checked.errors[:MAX_REPORTED_ERRORS], finished_at=utcnow())
                return
            summary = commit(actor, cooperative, checked)
        # Another worker has it now? Then this one's rows go with the rollback.
        rows.commit_fenced(ImportJob, job_id, token, status="done", claim_token=None, summary=summary,
                           processed_rows=len(sheet.rows), finished_at=utcnow())

    rows.run(IMPORT, job_id, work, lambda token, message: _failed(job_id, token, message),
             lambda error: _failure_message(job_id, error))
