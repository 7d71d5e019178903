"""Long jobs that are not a batch or an import (issue 16): e-mail rounds, large exports, backups, scheduled runs.

One table (BackgroundJob) and one stage: a service registers a handler for its kind, `submit()` adds the row and
enqueues it after the commit, and the engine runs the handler under the claim, heartbeat and sweep of
app/jobs/rows.py. A handler ends with `finish()` (fenced) and commits. A scheduled run carries a slot (its day or
month): the row is unique per (kind, slot), so however many schedulers fire, a period's run is started once.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from app.domain.clock import utcnow
from app.extensions import db
from app.jobs import engine, rows
from app.models import BackgroundJob, User

JOB = rows.stage(BackgroundJob, "queued", "running", "job.run")
_handlers: dict = {}


def handler(kind: str):
    """Register `function(job, token)` as what runs jobs of `kind`."""
    def decorator(function):
        _handlers[kind] = function
        return function
    return decorator


def submit(kind: str, params: dict | None = None, *, actor: User | None = None, slot: str | None = None,
           org_path: str = "", total: int = 0) -> BackgroundJob:
    """Add the job in the caller's transaction; the engine runs it once that commits."""
    if kind not in _handlers:
        raise ValueError(f"no handler for background job {kind!r}")
    job = BackgroundJob(kind=kind, slot=slot, params=params or {}, total=total, claimed_at=utcnow(),
                        requested_by_id=actor.id if actor else None, org_path=org_path or (
                            actor.org_unit.path if actor else ""))
    db.session.add(job)
    db.session.flush()
    engine.after_commit(JOB.task, job.id)
    return job


def submit_once(kind: str, slot: str, params: dict | None = None) -> BackgroundJob | None:
    """A scheduled run for `slot`, unless one was already started for it (by this scheduler or another). Commits."""
    try:
        with db.session.begin_nested():
            job = submit(kind, params, slot=slot)
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.commit()
    return job


def finish(job_id: int, token: str, **values) -> bool:
    """The job's fenced last write: done, with what it made (`result`, `file_key`…). Part of the caller's commit."""
    return rows.fenced(BackgroundJob, job_id, token, status="done", claim_token=None, finished_at=utcnow(), **values)


def progress(job_id: int, token: str, done: int) -> None:
    rows.fenced(BackgroundJob, job_id, token, progress=done)
    db.session.commit()


def _failed(job_id: int, token: str, message: str) -> None:
    rows.fenced(BackgroundJob, job_id, token, status="failed", claim_token=None, error=message,
                finished_at=utcnow())


def run(job_id: int) -> None:
    job = db.session.get(BackgroundJob, job_id)
    if job is None:
        return
    function = _handlers[job.kind]
    rows.run(JOB, job_id, lambda token: function(db.session.get(BackgroundJob, job_id), token),
             lambda token, message: _failed(job_id, token, message))
