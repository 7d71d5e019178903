"""Letter batches through the job engine (issue 16), run in this process (JOBS_IMMEDIATE) through the same stages a
worker runs: plan → prepare (chunks) → issue (one transaction) → render (chunks) → merge. tests/jobs runs the same
with real workers, killed half-way, on every backend."""
from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.domain import clock
from app.domain.clock import utcnow
from app.extensions import db
from app.jobs import engine, rows
from app.models import Letter, LetterBatch, LetterBatchChunk
from app.services import letter_batches, letters
from app.storage import storage
from tests.factories import approved_cases, new_case, user
from tests.pdf.helpers import norm, page_count, pdf_text


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Two cases a chunk: every batch here is printed by several chunks and merged."""
    monkeypatch.setitem(current_app.config, "LETTER_BATCH_CHUNK", 2)


def batch_row(batch_id: int) -> LetterBatch:
    db.session.expire_all()
    return db.session.get(LetterBatch, batch_id)


def numbers_of(batch_id: int) -> list[int]:
    return list(db.session.scalars(select(Letter.number).where(Letter.batch_id == batch_id).order_by(Letter.id)))


def test_a_batch_is_prepared_and_printed_in_chunks_and_merged(decided):
    debt, _ = decided
    ids = approved_cases(4) + [debt.id]
    draft_id, _plan = new_case()  # not approved: listed as skipped, not fatal
    officer = user("province_officer")
    month = clock.today()
    assert set(ids) <= {c.id for c in letter_batches.approved_in_month(officer, "approval_notice", month.year,
                                                                       month.month)}
    batch = batch_row(letter_batches.create(officer, "approval_notice", ids + [draft_id], label="test").id)
    assert (batch.status, batch.total, batch.rendered, batch.chunks_total) == ("done", 5, 5, 3)
    assert [s["case_id"] for s in batch.criteria["skipped"]] == [draft_id]
    numbers = numbers_of(batch.id)
    assert numbers == list(range(numbers[0], numbers[0] + 5))  # contiguous, in the order of the cases
    cases = list(db.session.scalars(select(Letter.case_id).where(Letter.batch_id == batch.id).order_by(Letter.id)))
    assert cases == sorted(ids)
    content = storage().read(letter_batches.pdf_key(batch))
    assert page_count(content) == 5 and pdf_text(content).count(norm("แจ้งผลการพิจารณาอนุมัติ")) == 5
    assert all(not storage().exists(letter_batches.part_key(batch, p)) for p in range(3))  # parts removed
    chunks = db.session.scalars(select(LetterBatchChunk).where(LetterBatchChunk.batch_id == batch.id)).all()
    assert {c.status for c in chunks} == {"done"} and all(c.drafts is None for c in chunks)
    assert sum(c.count for c in chunks) == 5


def test_the_pages_come_in_the_order_of_the_letters(decided):
    ids = approved_cases(3)
    batch = batch_row(letter_batches.create(user("province_officer"), "approval_notice", ids).id)
    pages = pdf_text(storage().read(letter_batches.pdf_key(batch)))
    issued = letter_batches.letters_of(batch)
    positions = [pages.find(norm(letter.number_text.split("/")[-1])) for letter in issued]
    assert all(p >= 0 for p in positions)
    refs = [pages.find(letter.case_reference) for letter in issued]
    assert refs == sorted(refs) and -1 not in refs


def test_a_batch_that_fails_while_preparing_numbers_nothing_and_can_run_again(decided, monkeypatch):
    ids = approved_cases(3)
    calls = {"n": 0}
    real = letters.prepare

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the disk is on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(letters, "prepare", flaky)
    officer = user("province_officer")
    batch = batch_row(letter_batches.create(officer, "approval_notice", ids).id)
    assert batch.status == "failed" and batch.error == _("The job stopped with an error: %(error)s",
                                                         error="RuntimeError: the disk is on fire")
    assert numbers_of(batch.id) == []  # all or none
    monkeypatch.setattr(letters, "prepare", real)
    letter_batches.retry(officer, batch.id)
    assert batch_row(batch.id).status == "done" and len(numbers_of(batch.id)) == 3


def test_a_batch_that_fails_while_printing_keeps_its_numbers_and_prints_them_again(decided, monkeypatch):
    ids = approved_cases(3)
    officer = user("province_officer")

    def broken(selected, progress=None):
        raise OSError("disk full")

    real = letters.render
    monkeypatch.setattr(letters, "render", broken)
    batch = batch_row(letter_batches.create(officer, "approval_notice", ids).id)
    assert batch.status == "failed" and "OSError: disk full" in batch.error
    assert not storage().exists(letter_batches.pdf_key(batch))
    numbered = numbers_of(batch.id)
    assert len(numbered) == 3
    monkeypatch.setattr(letters, "render", real)
    letter_batches.retry(officer, batch.id)
    assert batch_row(batch.id).status == "done"
    assert numbers_of(batch.id) == numbered  # printed again, never numbered again
    assert page_count(storage().read(letter_batches.pdf_key(batch))) == 3


def test_retry_leaves_a_batch_that_did_not_fail_alone(decided):
    debt, _ = decided
    officer = user("province_officer")
    batch = letter_batches.create(officer, "approval_notice", [debt.id])
    before = numbers_of(batch.id)
    letter_batches.retry(officer, batch.id)
    assert numbers_of(batch.id) == before and batch_row(batch.id).attempts == 3  # plan, issue, merge: no more


def test_every_stage_run_again_after_the_batch_is_done_changes_nothing(decided):
    """A duplicate message (two sweeps, a lost acknowledgement) finds the stage claimed or moved on."""
    ids = approved_cases(3)
    batch = letter_batches.create(user("province_officer"), "approval_notice", ids)
    numbers = numbers_of(batch.id)
    chunk_ids = db.session.scalars(select(LetterBatchChunk.id).where(LetterBatchChunk.batch_id == batch.id)).all()
    letter_batches.plan(batch.id)
    letter_batches.issue(batch.id)
    letter_batches.merge(batch.id)
    for chunk_id in chunk_ids:
        letter_batches.prepare_chunk(chunk_id)
        letter_batches.render_chunk(chunk_id)
    assert numbers_of(batch.id) == numbers and batch_row(batch.id).status == "done"
    assert batch_row(batch.id).attempts == 3  # plan, issue, merge: once each


def test_a_stage_whose_worker_died_is_taken_up_by_the_sweep(decided, monkeypatch):
    ids = approved_cases(3)
    officer = user("province_officer")
    monkeypatch.setattr(letter_batches, "merge", lambda batch_id: None)  # hold the batch before its merge
    batch = letter_batches.create(officer, "approval_notice", ids)
    monkeypatch.undo()
    monkeypatch.setitem(current_app.config, "LETTER_BATCH_CHUNK", 2)
    assert batch_row(batch.id).status == "rendering"
    # A worker claimed the merge and was killed: its claim is old, and it never beat.
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch.id).values(
        status="merging", claim_token="dead-worker-token", claimed_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert rows.sweep() >= 1
    row = batch_row(batch.id)
    assert row.status == "done" and row.claim_token is None
    assert page_count(storage().read(letter_batches.pdf_key(row))) == 3


def test_a_live_worker_keeps_its_claim_through_the_sweep(decided, monkeypatch):
    debt, _ = decided
    monkeypatch.setattr(letter_batches, "merge", lambda batch_id: None)
    batch = letter_batches.create(user("province_officer"), "approval_notice", [debt.id])
    token = "a-live-worker-token"
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch.id).values(
        status="merging", claim_token=token, claimed_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    with rows.Heartbeat(token):  # its claim is old, but it beats
        import time
        time.sleep(0.1)
        rows.sweep()
    assert (batch_row(batch.id).status, batch_row(batch.id).claim_token) == ("merging", token)


def test_a_slow_worker_that_lost_its_claim_cannot_write(decided):
    debt, _ = decided
    batch = letter_batches.create(user("province_officer"), "approval_notice", [debt.id])
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch.id).values(claim_token="the-new-one"))
    db.session.commit()
    assert not rows.fenced(LetterBatch, batch.id, "the-old-one", status="failed")
    db.session.commit()
    assert batch_row(batch.id).status == "done"


def test_jobs_are_enqueued_only_when_their_transaction_commits(decided):
    debt, _ = decided
    officer = user("province_officer")
    batch = letter_batches.create(officer, "approval_notice", [debt.id])
    before = db.session.scalar(select(func.count(Letter.id)))
    db.session.execute(update(LetterBatch).where(LetterBatch.id == batch.id).values(status="queued", claim_token=None))
    engine.after_commit(letter_batches.PLAN.task, batch.id)
    db.session.rollback()  # the request failed: its job is forgotten
    db.session.commit()
    assert batch_row(batch.id).status == "done"
    assert db.session.scalar(select(func.count(Letter.id))) == before
