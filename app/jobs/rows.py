"""Exactly one worker per job, and a job whose worker died taken up again (issue 16).

Huey delivers a message at most once: a task running when its worker is SIGKILLed is gone from the queue. The job's
row (a `Claimable`, app/models/jobs.py) is therefore what is retried, through three rules:

1. **Claim.** A worker runs a stage only after one conditional UPDATE has set the row's claim token (status is the
   stage's waiting status, no token yet). A duplicate message finds the token set, or the status moved on, and
   does nothing, so enqueuing twice is always harmless.
2. **Heartbeat.** While it runs, a thread stamps the claim's beat every HEARTBEAT_SECONDS in the engine's own
   key-value store (Huey's kv: another SQLite file by default, Redis or huey_kv otherwise) — never in the app
   database, whose write lock an all-or-nothing SQLite import holds for seconds. The beat's key holds the token, so
   a dead worker's last beat never speaks for the next claimant.
3. **Sweep.** Every minute (and when a worker starts), a claimed row whose newest sign of life (its claim time, its
   beat) is older than JOBS_STALE_SECONDS loses its claim — one UPDATE on the token it saw, so two sweeps never
   both take it — and its stage is enqueued again. A waiting row nobody has picked up for JOBS_REQUEUE_SECONDS is
   enqueued again too (a message lost between the queue and the claim).

Every stage's final write is **fenced**: `UPDATE … WHERE claim_token = <mine>`. A worker that was slow, not dead,
and lost its claim cannot write over the next one's work: its transaction is rolled back.
"""
from __future__ import annotations

import logging
import re
import secrets
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import engine
from app.jobs.limits import TimeLimitExceeded, deadline
from app.services.errors import ServiceError

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 2.0


@dataclass(frozen=True)
class Stage:
    """One step of a job: a row in `waiting` status is run by task `task`, which shows it as `running`."""
    model: type
    waiting: str
    running: str
    task: str


_stages: list[Stage] = []


def stage(model, waiting: str, running: str, task: str) -> Stage:
    found = Stage(model, waiting, running, task)
    _stages.append(found)
    return found


def claim(step: Stage, row_id: int) -> str | None:
    """Take the row for this worker: its claim token, or None when another has it or it has moved on."""
    model = step.model
    token = secrets.token_hex(16)
    changed = db.session.execute(
        update(model).where(model.id == row_id, model.status == step.waiting, model.claim_token.is_(None))
        .values(status=step.running, claim_token=token, claimed_at=utcnow(), attempts=model.attempts + 1)).rowcount
    db.session.commit()
    return token if changed == 1 else None


def fenced(model, row_id: int, token: str, **values) -> bool:
    """Write `values` only if the claim is still ours (part of the caller's transaction). False: it is not, and the
    caller must roll back whatever else it did."""
    return db.session.execute(update(model).where(model.id == row_id, model.claim_token == token)
                              .values(**values)).rowcount == 1


def commit_fenced(model, row_id: int, token: str, **values) -> bool:
    """A stage's last write: `values` and the whole transaction committed if the claim is still ours; otherwise
    everything the stage did is rolled back (another worker has the job now). Returns whether it was committed."""
    if fenced(model, row_id, token, **values):
        db.session.commit()
        return True
    db.session.rollback()
    return False


def release(step: Stage, row_id: int, token: str) -> None:
    """Give the claim back (a transient error: the engine retries the task, which claims again)."""
    db.session.rollback()
    fenced(step.model, row_id, token, status=step.waiting, claim_token=None)
    db.session.commit()


def unclaimed_for(row, waiting: bool) -> bool:
    """A waiting row no worker has taken for JOBS_REQUEUE_SECONDS: its page says the worker may not be running."""
    seconds = current_app.config["JOBS_REQUEUE_SECONDS"]
    return bool(waiting and row.claim_token is None and row.claimed_at is not None
                and row.claimed_at < utcnow() - timedelta(seconds=seconds))


def _beat_key(token: str) -> str:
    return f"beat:{token}"


class Heartbeat:
    """`with Heartbeat(token):` stamps the claim's beat every HEARTBEAT_SECONDS while the block runs."""

    def __init__(self, token: str):
        self.token, self._stop = token, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"beat-{token[:6]}")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                engine.huey.put(_beat_key(self.token), time.time())
            except Exception:  # noqa: BLE001 — a missed beat only risks a re-run, which the fence makes harmless
                log.warning("heartbeat for %s failed", self.token[:6], exc_info=True)
            self._stop.wait(HEARTBEAT_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            engine.huey.get(_beat_key(self.token))  # reading without peek deletes the key
        except Exception:  # noqa: BLE001
            pass
        return False


def last_beat(token: str) -> float | None:
    try:
        return engine.huey.get(_beat_key(token), peek=True)
    except Exception:  # noqa: BLE001 — an unreadable store: judge by the claim time alone
        return None


def _alive(claimed_at, token: str, stale: timedelta, now) -> bool:
    """The newest sign of life — the claim itself, or the claim's last beat — is younger than `stale`."""
    beat = last_beat(token)
    newest = max(claimed_at or now, datetime.fromtimestamp(beat, UTC).replace(tzinfo=None) if beat else now - stale * 2)
    return newest >= now - stale


def sweep() -> int:
    """Take claims back from dead workers and enqueue their stages again; enqueue waiting rows nobody picked up.
    Returns how many stages were enqueued."""
    stale = timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    requeue_after = timedelta(seconds=current_app.config["JOBS_REQUEUE_SECONDS"])
    now = utcnow()
    enqueued = []
    for step in _stages:
        model = step.model
        for row_id, token, claimed_at in db.session.execute(
                select(model.id, model.claim_token, model.claimed_at)
                .where(model.status == step.running, model.claim_token.is_not(None))).all():
            if _alive(claimed_at, token, stale, now):
                continue
            if db.session.execute(update(model).where(model.id == row_id, model.claim_token == token)
                                  .values(status=step.waiting, claim_token=None, claimed_at=now)).rowcount == 1:
                log.warning("%s %s: its worker stopped answering; running it again", model.__tablename__, row_id)
                enqueued.append((step.task, row_id))
        waiting = db.session.scalars(select(model.id).where(
            model.status == step.waiting, model.claim_token.is_(None),
            model.claimed_at.is_(None) | (model.claimed_at < now - requeue_after)))
        for row_id in waiting.all():
            db.session.execute(update(model).where(model.id == row_id).values(claimed_at=now))
            enqueued.append((step.task, row_id))
    for name, row_id in enqueued:
        engine.after_commit(name, row_id)
    db.session.commit()
    return len(enqueued)


# Errors worth another try: the database busy or its connection lost, a mail server away. Any other error is the
# job's own (bad data, a bug) and would fail the same way again, so it ends the job at once.
TRANSIENT = (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError)


_PATH = re.compile(r"(/[\w.@+-]+){2,}")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def failure_message(error: BaseException) -> str:
    """What the job's page says about an error (issue 16: "its message on the job page")."""
    if isinstance(error, ServiceError):
        return error.message
    if isinstance(error, TimeLimitExceeded):
        return _("The job ran for more than %(seconds)d seconds and was stopped.", seconds=error.seconds)
    detail = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    detail = _PATH.sub(lambda found: found.group(0).rsplit("/", 1)[1], detail)  # no server paths on a page,
    detail = _ADDRESS.sub("", detail)  # nor memory addresses
    return _("The job stopped with an error: %(error)s", error=f"{type(error).__name__}: {detail}".rstrip(": "))


def run(step: Stage, row_id: int, work, fail, message_for=failure_message) -> None:
    """Claim the row, run `work(token)` under a heartbeat and the job time limit, and on an error either give the
    claim back for the engine's retry (a transient error, retries left) or `fail(token, message)`.
    A stage someone else holds, or one that has moved on, is left alone."""
    token = claim(step, row_id)
    if token is None:
        return
    try:
        with Heartbeat(token), deadline(current_app.config["JOBS_TIME_LIMIT"]):
            work(token)
    except Exception as error:  # noqa: BLE001 — every error ends on the job's page (or in a retry)
        db.session.rollback()
        if isinstance(error, TRANSIENT) and engine.retries_left() > 0:
            log.warning("%s %s: %s; the engine will try again", step.model.__tablename__, row_id, error)
            release(step, row_id, token)
            raise
        log.error("%s %s failed", step.model.__tablename__, row_id, exc_info=error)
        fail(token, message_for(error)[:1000])
        db.session.commit()
