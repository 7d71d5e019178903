"""Spreadsheet import jobs for one cooperative (issue 7): upload → dry run → import, each in the background with
its progress on the job's page.

- upload stores the file and queues its check (debt_import_sheet.py reads it, debt_import_rows.py checks it);
- the check reports every bad row by number and column and changes nothing: the job becomes valid or invalid;
- the import checks the rows again inside the one transaction that writes them (debt_import_write.py): all or
  nothing. A double click imports once; an import whose worker died may be claimed again once it has stalled;
- any failure ends the job with a message for its page (issue 14): a job never stays "checking" or "importing".
"""
from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import ImportJob, OrgUnit, User
from app.services import audit, background
from app.services.debt_cases import cooperative_for
from app.services.debt_import_rows import check
from app.services.debt_import_sheet import Sheet, read_table
from app.services.debt_import_write import commit
from app.services.errors import ServiceError, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped

MAX_FILE_MB = 40
MAX_REPORTED_ERRORS = 1000


# ---- jobs ----------------------------------------------------------------------------------------

def folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
