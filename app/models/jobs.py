"""Job rows (issue 16): the state of every long job lives in our database, where any page on any server reads it;
the engine (app/jobs) only carries the messages that wake a worker.

`Claimable` is what app/jobs/rows.py needs to hand a job to exactly one worker at a time and to take it back from a
worker that died: a claim token (set by one conditional UPDATE, checked by every final write), the time of the
claim (also when a waiting row was last put on the queue) and how many times it has been claimed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.domain.clock import utcnow
from app.extensions import db


class Claimable:
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


class LetterBatchChunk(Claimable, db.Model):
    """A slice of a batch, prepared and then rendered by one job, so several workers print one batch together.
    prepare → preparing → prepared (drafts kept here until the batch numbers them all) → render → rendering → done."""

    __tablename__ = "letter_batch_chunks"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("letter_batches.id", ondelete="CASCADE"))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="prepare")
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    drafts: Mapped[list | None] = mapped_column(JSON)     # prepared letters, until they are numbered
    skipped: Mapped[list] = mapped_column(JSON, default=list)
    first: Mapped[int] = mapped_column(default=0)          # its letters: the batch's, by id, from `first` …
    count: Mapped[int] = mapped_column(default=0)          # … `count` of them
    rendered: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("batch_id", "position"),)


class BackgroundJob(Claimable, db.Model):
    """Any other long job: a large export, a backup, a round of e-mail, a scheduled run. `kind` names its task
    (app/jobs/tasks.py); a scheduled run has a `slot` (its day or month), unique with its kind, so two schedulers
    never start one period's run twice. queued → running → done | failed."""

    __tablename__ = "background_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    file_key: Mapped[str | None] = mapped_column(String(255))  # what it made, in app/storage.py
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    org_path: Mapped[str] = mapped_column(String(255), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("kind", "slot"), Index("ix_background_jobs_requested_by", "requested_by_id"))
