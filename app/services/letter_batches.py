"""Batch printing: many cases' letters issued together and merged into one PDF, built in the background with
its progress on the batch page, so 1,000 letters never hold a request open.

Faults: the letters of a batch are issued in one transaction (all numbered or none); the PDF is rendered after,
into a temporary file renamed into place, so a batch stopped half-way leaves no partial file, and rendering
can simply run again (the letters keep their payloads, and printing is deterministic).
"""
from __future__ import annotations

import logging
import os
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update

from app import programmes
from app.domain import clock
from app.domain.clock import utcnow
from app.extensions import db
from app.models import CaseSnapshot, Letter, LetterBatch, User
from app.services import audit, background, letter_kinds, letters
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.urls import public_base_url

log = logging.getLogger(__name__)
MAX_BATCH = 5000
PROGRESS_EVERY = 20
STALLED_AFTER = timedelta(minutes=10)  # no progress for this long: the worker died; the batch may be run again
RUNNING = ("issuing", "rendering")


def folder() -> Path:
    path = Path(current_app.instance_path) / "letters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pdf_path(batch: LetterBatch) -> Path:
    """Named with a random part fixed at creation, so a file can never be taken for another batch's."""
    return folder() / f"batch-{batch.id}-{batch.criteria['file_key']}.pdf"


def approved_in_month(actor: User, kind_name: str, year: int, month: int) -> list:
    """Cases in the caller's scope whose approval snapshot falls in the month (Bangkok time ≈ UTC+7; the
    month boundary is taken in UTC+7 by shifting the stored UTC times)."""
    kind = letter_kinds.get(kind_name)
    programme = programmes.programme(kind.programme)
    model = programme.model
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    low, high = (datetime.combine(d, datetime.min.time()) - timedelta(hours=7) for d in (start, end))
    approved = (select(CaseSnapshot.case_id).where(CaseSnapshot.case_type == kind.programme,
                                                   CaseSnapshot.created_at >= low, CaseSnapshot.created_at < high))
    query = programme.in_scope(select(model), actor).where(
        model.id.in_(approved), model.status.in_(programme.decided)).order_by(model.id)
    return list(db.session.scalars(query.limit(MAX_BATCH)))


def create(actor: User, kind_name, case_ids: list[int], label: str = "") -> LetterBatch:
    """Queue a batch for these cases (checked now: role, kind; each case again when issued)."""
    require(actor, "issue_letters")
    kind = letter_kinds.get(kind_name)
    if kind is None:
        raise ValidationFailed(_("Please correct the marked fields."), {"kind": _("Choose the kind of letter.")})
    if not letters.may_issue(actor, kind):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"kind": _("Your role cannot issue this letter.")})
    ids = sorted({i for i in case_ids if isinstance(i, int)})
    if not ids:
        raise ValidationFailed(_("Please correct the marked fields."), {"case_ids": _("Choose at least one case.")})
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"case_ids": _("A batch holds at most %(n)d cases.", n=MAX_BATCH)})
    batch = LetterBatch(kind=kind.name, status="queued", total=len(ids), org_path=actor.org_unit.path,
                        criteria={"case_ids": ids, "label": label[:100], "base_url": public_base_url(),
                                  "file_key": secrets.token_hex(8)},
                        requested_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    audit.record("letter_batch.create", actor=actor, object_type="letter_batch", object_id=batch.id,
                 org_path=batch.org_path, after={"kind": kind.name, "cases": len(ids)})
    db.session.commit()
    return batch


def get(actor: User, batch_id: int) -> LetterBatch:
    require(actor, "issue_letters")
    return get_scoped_or_404(LetterBatch, batch_id, actor, LetterBatch.org_path)


def batches_query(actor: User):
    require(actor, "issue_letters")
    return scoped(select(LetterBatch), LetterBatch.org_path, actor).order_by(LetterBatch.id.desc())


def start(batch_id: int) -> None:
    """Run the batch in a background thread (services/background.py)."""
    background.start(run, batch_id, name=f"letter-batch-{batch_id}")


def _set(batch_id: int, **values) -> None:
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch_id).values(**values))
    db.session.commit()


def stalled(batch: LetterBatch) -> bool:
    moment = batch.claimed_at or batch.created_at
    return batch.status in ("queued", *RUNNING) and moment < utcnow() - STALLED_AFTER


def claim(batch_id: int) -> bool:
    """Take the batch for this worker: one conditional UPDATE, so a double-clicked "try again" or two workers
    never run one batch twice (which would issue its letters twice)."""
    now = utcnow()
    changed = db.session.execute(
        update(LetterBatch).where(LetterBatch.id == batch_id, or_(
            LetterBatch.status.in_(("queued", "failed")),
            and_(LetterBatch.status.in_(RUNNING), LetterBatch.claimed_at < now - STALLED_AFTER)))
        .values(status="issuing", claimed_at=now, error=None)).rowcount
    db.session.commit()
    return changed == 1


def run(batch_id: int) -> None:
    """Issue the batch's letters (once), then render the merged PDF. Does nothing if another worker has it."""
    if not claim(batch_id):
        return
    batch = db.session.get(LetterBatch, batch_id)
    actor = db.session.get(User, batch.requested_by_id)
    try:
        if not db.session.scalar(select(func.count(Letter.id)).where(Letter.batch_id == batch.id)):
            _issue_all(actor, batch)
        _render(batch)
    except Exception as error:  # noqa: BLE001 — a batch job reports any failure on its page
        db.session.rollback()
        log.exception("letter batch %s failed", batch_id)
        message = error.message if isinstance(error, ServiceError) else _("Printing failed: %(error)s",
                                                                           error=type(error).__name__)
        _set(batch_id, status="failed", error=message[:1000], finished_at=utcnow())


def _issue_all(actor: User, batch: LetterBatch) -> None:
    on = clock.today()
    drafts, skipped = [], []
    kind = letter_kinds.get(batch.kind)
    for case_id in batch.criteria["case_ids"]:
        try:
            if kind.needs_debt:  # a letter to each creditor
                drafts += letters.pack_drafts(actor, kind.programme, case_id, kind.name, on)
            else:
                drafts.append(letters.prepare(actor, kind.programme, case_id, kind.name, on=on))
        except ServiceError as error:  # out of scope, not approved, nothing to print: listed, not fatal
            skipped.append({"case_id": case_id, "reason": error.fields.get("kind") or error.fields.get(
                "debt_id") or error.message or error.code})
    if not drafts:
        raise ValidationFailed(_("None of the chosen cases can have this letter."))
    letters.issue_drafts(actor, drafts, on, batch_id=batch.id, commit=False, base_url=batch.criteria.get("base_url"))
    batch.total = len(drafts)
    batch.criteria = {**batch.criteria, "skipped": skipped}
    db.session.commit()


def _render(batch: LetterBatch) -> None:
    _set(batch.id, status="rendering", rendered=0)
    rows = list(db.session.scalars(select(Letter).where(Letter.batch_id == batch.id).order_by(Letter.id)))

    def progress(count: int) -> None:
        if count % PROGRESS_EVERY == 0:
            _set(batch.id, rendered=count, claimed_at=utcnow())  # progress is also the worker's heartbeat

    content = letters.render(rows, progress)
    target = pdf_path(batch)
    temporary = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
    temporary.write_bytes(content)
    os.replace(temporary, target)  # atomic: the file is whole or absent
    _set(batch.id, status="done", rendered=len(rows), finished_at=utcnow())


def batch_pdf(actor: User, batch_id: int) -> tuple[LetterBatch, Path]:
    batch = get(actor, batch_id)
    path = pdf_path(batch)
    if batch.status != "done" or not path.is_file():
        raise NotFound()
    return batch, path


def letters_of(batch: LetterBatch) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.batch_id == batch.id).order_by(Letter.id)))
