"""What /admin/jobs shows and does (issue 16): every background job, scheduled or not, newest first; the backups kept
in the file storage; "back up now"; a backup's file.

Only administrators whose unit is the top of the tree: a backup is every record of every province, and the jobs'
results (the national retention report) are not scoped either. Requesting and downloading a backup are audited,
like the export of one person's data (services/person_export.py)."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import BackgroundJob, User
from app.services import audit, stored_backups
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.permissions import require
from app.storage import storage

WAITING = ("queued", "running")


def require_operator(actor: User) -> None:
    require(actor, "manage_jobs")
    if actor.org_unit.parent_id is not None:
        raise Forbidden()


def jobs_query(actor: User):
    """Every background job, newest first (a query for the pager)."""
    require_operator(actor)
    return select(BackgroundJob).order_by(BackgroundJob.id.desc())


def kept_backups(actor: User) -> list[BackgroundJob]:
    """The backups still kept (stored_backups.prune deletes the older ones), newest first."""
    require_operator(actor)
    return list(db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.kind == stored_backups.KIND, BackgroundJob.status == "done",
                                    BackgroundJob.file_key.is_not(None))
        .order_by(BackgroundJob.finished_at.desc(), BackgroundJob.id.desc())))


def request_backup(actor: User) -> BackgroundJob:
    """A backup now, unless one is already waiting or running. Commits; the engine runs it after the commit."""
    require_operator(actor)
    if db.session.scalar(select(BackgroundJob.id).where(BackgroundJob.kind == stored_backups.KIND,
                                                        BackgroundJob.status.in_(WAITING)).limit(1)):
        raise Conflict(_("A backup is already waiting or running: it appears here once it is done."))
    job = background.submit(stored_backups.KIND, actor=actor)
    audit.record("backup.request", actor=actor, object_type="background_job", object_id=job.id,
                 org_path=actor.org_unit.path)
    db.session.commit()
    return job


def backup_file(actor: User, job_id: int) -> tuple[str, Iterator[bytes]]:
    """(file name, content a piece at a time) of a kept backup; NotFound for any other job. The download is
    audited (committed before the file is sent)."""
    require_operator(actor)
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.kind != stored_backups.KIND or not job.file_key or not storage().exists(job.file_key):
        raise NotFound()
    key = job.file_key
    audit.record("backup.download", actor=actor, object_type="background_job", object_id=job.id,
                 org_path=actor.org_unit.path, after={"key": key})
    db.session.commit()
    return key.rsplit("/", 1)[-1], storage().chunks(key)
