"""Long jobs (batch printing, spreadsheet imports) run in a thread of the web process with their own app context
and database session; their state lives in the database so any page can show progress. JOBS_INLINE runs them
inside the request instead (tests).

A job may run under a time limit (issue 14): `with deadline(seconds):` around its work, and `checkpoint()` in its
loops, which raises TimeLimitExceeded once the limit has passed. The limit is cooperative (a thread cannot be
stopped from outside), so a single long statement overruns it by its own length."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app

from app.extensions import db

_limit: ContextVar[tuple[float, float] | None] = ContextVar("job_limit", default=None)  # (ends at, seconds)


class TimeLimitExceeded(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"the job ran for more than {seconds:g} s")
        self.seconds = seconds


@contextmanager
def deadline(seconds: float | None):
    """Run the block under a limit of `seconds` (None or 0: no limit); checkpoint() enforces it."""
    token = _limit.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _limit.reset(token)


def checkpoint() -> None:
    """Call between rows or batches: raises TimeLimitExceeded once the current deadline has passed."""
    limit = _limit.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise TimeLimitExceeded(limit[1])


def start(job, *args, name: str) -> None:
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        job(*args)
        return
    threading.Thread(target=_in_context, args=(app, job, args), daemon=True, name=name).start()


def _in_context(app, job, args) -> None:
    with app.app_context():
        try:
            job(*args)
        except Exception:  # noqa: BLE001 — a job records its own failure; this is the last resort, for the log
            app.logger.exception("background job %s failed", threading.current_thread().name)
        finally:
            db.session.remove()
