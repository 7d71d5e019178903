"""The backup job (issue 16: "every long job goes through it: … backups"): run daily by app/jobs/schedule.py, or at
once from /admin/jobs and `flask backup --queue`.

It makes a backup with `backup.backup()` in a temporary folder, then writes it into the file storage (app/storage.py)
as backups/krudesk-<UTC stamp>-<job id>.db|.dump|.tar — with FILE_STORAGE=database every server, and every worker,
reads it there — a megabyte at a time: neither the database storage (1 MB chunks) nor this job ever holds the whole
file. The job's row records the key and size; the newest BACKUP_KEEP backups are kept and older ones deleted.
`flask backup` without --queue still writes straight to a file (app/cli.py).
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.jobs import background
from app.models import BackgroundJob
from app.services import backup
from app.storage import CHUNK_BYTES, storage

KIND = "backup"
FOLDER = "backups/"  # backup.STORED_BACKUPS keeps these keys out of the backups themselves


def _pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while piece := handle.read(CHUNK_BYTES):
            yield piece


@background.handler(KIND)
def run_backup(job: BackgroundJob, token: str) -> None:
    job_id = job.id
    # The instance folder, not /tmp (often a small RAM disk): the dump is as large as the database.
    with tempfile.TemporaryDirectory(prefix="backup-", dir=current_app.instance_path) as folder:
        made = backup.backup(backup.default_target(Path(folder)))  # (it ends the session: `job` is not read again)
        key = f"{FOLDER}{made.stem}-{job_id}{made.suffix}"
        store = storage()
        size = store.write(key, _pieces(made))
    result = {"key": key, "size": size, "database": db.engine.dialect.name}
    if not background.finish(job_id, token, file_key=key, result=result):
        db.session.rollback()  # another worker has the job now and writes its own file
        store.delete(key)
        db.session.commit()
        return
    db.session.commit()
    prune(current_app.config["BACKUP_KEEP"])


def prune(keep: int) -> list[str]:
    """Delete every stored backup but the newest `keep` (never the one just made); their job rows stay, without a
    file. Commits."""
    old = db.session.execute(
        select(BackgroundJob.id, BackgroundJob.file_key)
        .where(BackgroundJob.kind == KIND, BackgroundJob.status == "done", BackgroundJob.file_key.is_not(None))
        .order_by(BackgroundJob.finished_at.desc(), BackgroundJob.id.desc()).offset(max(keep, 1))).all()
    store = storage()
    for job_id, key in old:
        db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(file_key=None))
        store.delete(key)
    db.session.commit()
    return [key for _job_id, key in old]
