"""Every task the engine runs, under one name each (a worker must load them all: a message for a task it does not
know is dropped, docs/research/job-engine.md 1.6). Each is one stage of a job row (app/jobs/rows.py).

Retries: a transient error (the database busy or away, SMTP down) gives the claim back and the engine runs the
task again after RETRY_DELAY seconds, doubling each time (RETRY_BACKOFF), up to RETRIES times; then, or at once for
any other error, the job ends failed with its message on its page."""
from __future__ import annotations

from huey import crontab

from app.jobs import background, engine, rows
from app.jobs import schedule  # noqa: F401  (the daily and monthly runs)
from app.services import debt_import, letter_batches, list_exports  # noqa: F401  (list_exports: its handler)

RETRIES, RETRY_DELAY, RETRY_BACKOFF = 4, 5, 2
RETRYING = {"retries": RETRIES, "retry_delay": RETRY_DELAY, "retry_backoff": RETRY_BACKOFF}


@engine.task(letter_batches.PLAN.task, **RETRYING)
def plan_batch(batch_id: int) -> None:
    letter_batches.plan(batch_id)


@engine.task(letter_batches.PREPARE.task, **RETRYING)
def prepare_batch_chunk(chunk_id: int) -> None:
    letter_batches.prepare_chunk(chunk_id)


@engine.task(letter_batches.ISSUE.task, **RETRYING)
def issue_batch(batch_id: int) -> None:
    letter_batches.issue(batch_id)


@engine.task(letter_batches.RENDER.task, **RETRYING)
def render_batch_chunk(chunk_id: int) -> None:
    letter_batches.render_chunk(chunk_id)


@engine.task(letter_batches.MERGE.task, **RETRYING)
def merge_batch(batch_id: int) -> None:
    letter_batches.merge(batch_id)


@engine.task(debt_import.CHECK.task, **RETRYING)
def check_import(job_id: int) -> None:
    debt_import.run_check(job_id)


@engine.task(debt_import.IMPORT.task, **RETRYING)
def run_import(job_id: int) -> None:
    debt_import.run_import(job_id)


@engine.task(background.JOB.task, **RETRYING)
def run_background_job(job_id: int) -> None:
    background.run(job_id)


@engine.task("jobs.sweep")
def sweep_now() -> None:
    """Also enqueued by each worker as it starts, a little after the stale limit (app/jobs/worker.py)."""
    rows.sweep()


@engine.periodic("jobs.sweep.minutely", crontab(minute="*"))
def sweep_every_minute() -> None:
    rows.sweep()
