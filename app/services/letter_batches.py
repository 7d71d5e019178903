"""Batch printing: many cases' letters issued together and merged into one PDF by the job engine (issue 16), with
progress on the batch page, so 1,000 letters never hold a request open and several workers print one batch.

The stages, each a job of its own (app/jobs/rows.py: claimed by one worker, fenced, taken up again if it dies):
1. plan (the batch): splits the cases into chunks of LETTER_BATCH_CHUNK;
2. prepare (each chunk, in parallel): the letters' drafts, everything but their numbers, kept on the chunk;
3. issue (the batch, once every chunk is prepared): numbers every draft and stores the letters in **one**
   transaction — all numbered or none, numbers contiguous, never used twice, whatever dies when;
4. render (each chunk, in parallel): its letters' pages, into a part file; and each letter's own file, cut from the
   part, signed with its office's key and kept (issue 18: what every reprint of the letter serves);
5. merge (the batch, once every chunk is rendered): the parts into one PDF, signed once by the requester's unit,
   stored whole or not at all.
Rendering is deterministic (a letter prints its stored payload), so a stage run twice writes the same file.
"""
from __future__ import annotations

import io
import logging
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from app import programmes
from app.domain import clock
from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import engine, rows
from app.models import CaseSnapshot, Letter, LetterBatch, LetterBatchChunk, User
from app.services import audit, letter_kinds, letters, signing_keys
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.storage import storage
from app.urls import public_base_url

log = logging.getLogger(__name__)
MAX_BATCH = 5000
PROGRESS_EVERY = 20
ACTIVE = ("queued", "planning", "preparing", "issuing", "rendering", "merging")

PLAN = rows.stage(LetterBatch, "queued", "planning", "batch.plan")
PREPARE = rows.stage(LetterBatchChunk, "prepare", "preparing", "batch.prepare")
ISSUE = rows.stage(LetterBatch, "preparing", "issuing", "batch.issue")
RENDER = rows.stage(LetterBatchChunk, "render", "rendering", "batch.render")
MERGE = rows.stage(LetterBatch, "rendering", "merging", "batch.merge")


def pdf_key(batch: LetterBatch) -> str:
    """Named with a random part fixed at creation, so a file can never be taken for another batch's."""
    return f"letters/batch-{batch.id}-{batch.criteria['file_key']}.pdf"


def part_key(batch: LetterBatch, position: int) -> str:
    return f"letters/batch-{batch.id}-{batch.criteria['file_key']}-part-{position}.pdf"


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
    person = getattr(model, "person", None) or model.victim  # shown by name on the batch page
    query = programme.in_scope(select(model), actor).where(
        model.id.in_(approved), model.status.in_(programme.decided)).options(selectinload(person)).order_by(model.id)
    return list(db.session.scalars(query.limit(MAX_BATCH)))


# ---- requests ------------------------------------------------------------------------------------

def person_name_of(case) -> str:
    """The teacher of a debt case, the victim of a relief case: how officers know a case in a batch."""
    person = getattr(case, "person", None) or getattr(case, "victim", None)
    return f"{person.title or ''}{person.first_name} {person.last_name}".strip() if person else ""


def create(actor: User, kind_name, case_ids: list[int], label: str = "", include_existing: bool = False,
           reissue_reason: str = "") -> LetterBatch:
    """Queue a batch for these cases (checked now: role, kind; each case again when prepared); the engine starts it
    once this commits. A case that already has this letter is skipped unless `include_existing`, which needs the
    reason for issuing it again (issue 18, item 6: a number is never used up by accident)."""
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
    reason = letters.reissue_reason_of(reissue_reason) if include_existing else ""
    if include_existing and not reason:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"reissue_reason": _("Give the reason for issuing this letter again.")})
    batch = LetterBatch(kind=kind.name, status="queued", total=len(ids), org_path=actor.org_unit.path,
                        criteria={"case_ids": ids, "label": label[:100], "base_url": public_base_url(),
                                  "file_key": secrets.token_hex(8), "include_existing": bool(include_existing),
                                  "reissue_reason": reason},
                        requested_by_id=actor.id, claimed_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    audit.record("letter_batch.create", actor=actor, object_type="letter_batch", object_id=batch.id,
                 org_path=batch.org_path, after={"kind": kind.name, "cases": len(ids)})
    engine.after_commit(PLAN.task, batch.id)
    db.session.commit()
    return batch


def get(actor: User, batch_id: int) -> LetterBatch:
    require(actor, "issue_letters")
    return get_scoped_or_404(LetterBatch, batch_id, actor, LetterBatch.org_path)


def batches_query(actor: User):
    require(actor, "issue_letters")
    return scoped(select(LetterBatch), LetterBatch.org_path, actor).order_by(LetterBatch.id.desc())


def retry(actor: User, batch_id: int) -> LetterBatch:
    """"Try again" on a failed batch: printed again if its letters were numbered (never numbered twice), otherwise
    started afresh. Anything but a failed batch is left alone, so a double click does nothing more."""
    batch = get(actor, batch_id)
    if batch.status != "failed":
        return batch
    db.session.execute(delete(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch.id))
    issued = db.session.scalar(select(func.count(Letter.id)).where(Letter.batch_id == batch.id))
    if issued:
        size = current_app.config["LETTER_BATCH_CHUNK"]
        chunks = [LetterBatchChunk(batch_id=batch.id, position=p, status="render", first=first,
                                   count=min(size, issued - first), claimed_at=utcnow())
                  for p, first in enumerate(range(0, issued, size))]
        db.session.add_all(chunks)
        db.session.flush()
        values = {"status": "rendering", "chunks_total": len(chunks)}
        for chunk in chunks:
            engine.after_commit(RENDER.task, chunk.id)
    else:
        values = {"status": "queued", "chunks_total": 0}
        engine.after_commit(PLAN.task, batch.id)
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch.id).values(
        **values, claim_token=None, claimed_at=utcnow(), error=None, finished_at=None))
    audit.record("letter_batch.retry", actor=actor, object_type="letter_batch", object_id=batch.id,
                 org_path=batch.org_path, after={"letters_numbered": issued})
    db.session.commit()
    return batch


def progress(batch: LetterBatch) -> int:
    """Letters rendered so far (the chunks' counts while printing)."""
    if batch.status in ("rendering", "merging"):
        return db.session.scalar(select(func.coalesce(func.sum(LetterBatchChunk.rendered), 0))
                                 .where(LetterBatchChunk.batch_id == batch.id))
    return batch.rendered


def waiting_for_a_worker(batch: LetterBatch) -> bool:
    """Queued this long and no worker has taken it: the page says the worker may not be running."""
    return rows.unclaimed_for(batch, batch.status in ("queued",))


def batch_pdf(actor: User, batch_id: int) -> LetterBatch:
    batch = get(actor, batch_id)
    if batch.status != "done" or not storage().exists(pdf_key(batch)):
        raise NotFound()
    return batch


def letters_of(batch: LetterBatch) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.batch_id == batch.id).order_by(Letter.id)))


# ---- the stages (run by app/jobs/tasks.py) -------------------------------------------------------

def _fail_batch(batch_id: int, message: str, token: str | None = None) -> None:
    """The batch ends failed with the message on its page; its numbered letters, if any, stay (retry prints them)."""
    where = [LetterBatch.id == batch_id, LetterBatch.status.in_(ACTIVE)]
    if token is not None:
        where.append(LetterBatch.claim_token == token)
    db.session.execute(update(LetterBatch).where(*where).values(
        status="failed", error=message, claim_token=None, finished_at=utcnow()))


def plan(batch_id: int) -> None:
    def work(token: str) -> None:
        batch = db.session.get(LetterBatch, batch_id)
        size = current_app.config["LETTER_BATCH_CHUNK"]
        ids = batch.criteria["case_ids"]
        chunks = [LetterBatchChunk(batch_id=batch_id, position=p, case_ids=ids[start:start + size],
                                   claimed_at=utcnow()) for p, start in enumerate(range(0, len(ids), size))]
        db.session.add_all(chunks)
        db.session.flush()
        # Every chunk prepares for the same day: the letters of one batch carry one date.
        criteria = {**batch.criteria, "on": clock.today().isoformat()}
        for chunk in chunks:
            engine.after_commit(PREPARE.task, chunk.id)  # dropped with the rest if the claim was lost
        rows.commit_fenced(LetterBatch, batch_id, token, status="preparing", claim_token=None, claimed_at=utcnow(),
                           chunks_total=len(chunks), criteria=criteria)

    rows.run(PLAN, batch_id, work, lambda token, message: _fail_batch(batch_id, message, token))


def _chunk_failed(chunk_id: int, token: str, message: str) -> None:
    chunk = db.session.get(LetterBatchChunk, chunk_id)
    if rows.fenced(LetterBatchChunk, chunk_id, token, status="failed", claim_token=None):
        _fail_batch(chunk.batch_id, message)


def _prepare_drafts(actor: User, kind, case_ids: list[int], on: date,
                    include_existing: bool = False) -> tuple[list[dict], list[dict]]:
    """Drafts for the cases; a case (a creditor of a case) that already has the letter is skipped unless asked,
    and every skipped case is listed with the teacher's or victim's name and why."""
    drafts, skipped = [], []
    for case_id in case_ids:
        try:
            if kind.needs_debt:  # a letter to each creditor
                found = letters.pack_drafts(actor, kind.programme, case_id, kind.name, on)
            else:
                found = [letters.prepare(actor, kind.programme, case_id, kind.name, on=on)]
        except ServiceError as error:  # out of scope, not approved, nothing to print: listed, not fatal
            skipped.append({"case_id": case_id, "reason": error.fields.get("kind") or error.fields.get(
                "debt_id") or error.message or error.code})
            continue
        for draft in found:
            existing = None if include_existing else letters.existing_letter(
                kind.programme, case_id, kind.name, draft.debt_id)
            if existing is None:
                drafts.append(draft)
            else:
                skipped.append({"case_id": case_id, "reference": draft.case.reference,
                                "name": person_name_of(draft.case),
                                "reason": _("already issued as no. %(number)s", number=existing.number_text)})
    return [d.to_json() for d in drafts], skipped


def _all_chunks(batch_id: int, status: str) -> bool:
    """Every chunk of the batch has reached `status` (read in a transaction of its own, ended before returning, so
    a stage enqueued next never runs inside it)."""
    db.session.rollback()
    left = db.session.scalar(select(func.count(LetterBatchChunk.id)).where(
        LetterBatchChunk.batch_id == batch_id, LetterBatchChunk.status != status))
    db.session.rollback()
    return not left


def _when_all_chunks(batch_id: int, status: str, step: rows.Stage) -> None:
    """After a chunk's commit: the batch's next stage once every chunk is there. Two chunks ending together may both
    enqueue it: harmless, only one claims it."""
    if _all_chunks(batch_id, status):
        engine.enqueue_now(step.task, batch_id)


def prepare_chunk(chunk_id: int) -> None:
    chunk = db.session.get(LetterBatchChunk, chunk_id)
    if chunk is None:
        return
    batch_id = chunk.batch_id

    def work(token: str) -> None:
        batch = db.session.get(LetterBatch, batch_id)
        actor = db.session.get(User, batch.requested_by_id)
        drafts, skipped = _prepare_drafts(actor, letter_kinds.get(batch.kind), chunk.case_ids,
                                          date.fromisoformat(batch.criteria["on"]),
                                          batch.criteria.get("include_existing", False))
        rows.commit_fenced(LetterBatchChunk, chunk_id, token, status="prepared", claim_token=None, drafts=drafts,
                           skipped=skipped)

    rows.run(PREPARE, chunk_id, work, lambda token, message: _chunk_failed(chunk_id, token, message))
    _when_all_chunks(batch_id, "prepared", ISSUE)


def issue(batch_id: int) -> None:
    if not _all_chunks(batch_id, "prepared"):
        return

    def work(token: str) -> None:
        batch = db.session.get(LetterBatch, batch_id)
        actor = db.session.get(User, batch.requested_by_id)
        chunks = list(db.session.scalars(select(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch_id)
                                         .order_by(LetterBatchChunk.position)))
        drafts = [letters.Draft.from_json(d) for chunk in chunks for d in chunk.drafts or []]
        skipped = [s for chunk in chunks for s in chunk.skipped]
        if not drafts:  # the batch ends failed, listing every case it skipped and why
            rows.commit_fenced(LetterBatch, batch_id, token, status="failed", claim_token=None,
                               error=_("None of the chosen cases can have this letter."),
                               criteria={**batch.criteria, "skipped": skipped})
            return
        letters.issue_drafts(actor, drafts, date.fromisoformat(batch.criteria["on"]), batch_id=batch_id,
                             commit=False, base_url=batch.criteria.get("base_url"),
                             reissue_reason=batch.criteria.get("reissue_reason") or None)
        first = 0
        for chunk in chunks:
            count = len(chunk.drafts or [])
            db.session.execute(update(LetterBatchChunk).where(LetterBatchChunk.id == chunk.id).values(
                status="render" if count else "done", first=first, count=count, drafts=None, claimed_at=utcnow()))
            if count:
                engine.after_commit(RENDER.task, chunk.id)
            first += count
        rows.commit_fenced(LetterBatch, batch_id, token, status="rendering", claim_token=None, claimed_at=utcnow(),
                           total=len(drafts), criteria={**batch.criteria, "skipped": skipped})

    rows.run(ISSUE, batch_id, work, lambda token, message: _fail_batch(batch_id, message, token))


def render_chunk(chunk_id: int) -> None:
    chunk = db.session.get(LetterBatchChunk, chunk_id)
    if chunk is None:
        return
    batch_id = chunk.batch_id

    def work(token: str) -> None:
        batch = db.session.get(LetterBatch, batch_id)
        selected = list(db.session.scalars(select(Letter).where(Letter.batch_id == batch_id).order_by(Letter.id)
                                           .offset(chunk.first).limit(chunk.count)))

        def progress_made(count: int) -> None:
            if count % PROGRESS_EVERY == 0:
                rows.fenced(LetterBatchChunk, chunk_id, token, rendered=count)
                db.session.commit()

        content = letters.render(selected, progress_made)
        storage().write(part_key(batch, chunk.position), content)
        # Each letter's own file, cut from the part, signed with its office's key and kept (issue 18): the
        # original a reprint serves. The part itself stays unsigned: it only goes into the merged pack.
        letters.keep_batch_files(selected, content)
        rows.commit_fenced(LetterBatchChunk, chunk_id, token, status="done", claim_token=None, rendered=len(selected))

    rows.run(RENDER, chunk_id, work, lambda token, message: _chunk_failed(chunk_id, token, message))
    _when_all_chunks(batch_id, "done", MERGE)


def merge(batch_id: int) -> None:
    if not _all_chunks(batch_id, "done"):
        return

    def work(token: str) -> None:
        batch = db.session.get(LetterBatch, batch_id)
        positions = list(db.session.scalars(select(LetterBatchChunk.position).where(
            LetterBatchChunk.batch_id == batch_id, LetterBatchChunk.count > 0).order_by(LetterBatchChunk.position)))
        files = storage()
        if len(positions) == 1:
            content = files.read(part_key(batch, positions[0]))
        else:
            writer = PdfWriter()
            for position in positions:
                writer.append(io.BytesIO(files.read(part_key(batch, position))))
            out = io.BytesIO()
            writer.write(out)
            content = out.getvalue()
        # Merged letters cannot keep their own signatures (docs/research/pdf-signing.md): the pack is joined from
        # the unsigned parts and signed once, by the requester's unit; each letter's signed file is the original.
        requester = db.session.get(User, batch.requested_by_id)
        content, _key = signing_keys.sign(requester.org_unit, content)
        files.write(pdf_key(batch), content)
        if not rows.commit_fenced(LetterBatch, batch_id, token, status="done", claim_token=None,
                                  rendered=batch.total, finished_at=utcnow()):
            return
        for position in positions:  # only once the whole file is kept: a merge run again still has its parts
            files.delete(part_key(batch, position))
        db.session.commit()

    rows.run(MERGE, batch_id, work, lambda token, message: _fail_batch(batch_id, message, token))
