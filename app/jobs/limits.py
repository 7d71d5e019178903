"""A time limit per job (issues 14 and 16): `with deadline(seconds):` around its work, and `checkpoint()` in its
loops, which raises TimeLimitExceeded once the limit has passed.

The limit is cooperative, and the main one: Huey's own `timeout=` is a SIGALRM that cannot stop a long SQLite
statement and, on PostgreSQL, breaks the connection in the middle of a query (docs/research/job-engine.md, 1.5).
A single long statement overruns this limit by its own length."""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar

_limit: ContextVar[tuple[float, float] | None] = ContextVar("job_limit", default=None)  # (ends at, seconds)


class TimeLimitExceeded(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"the job ran for more than {seconds:g} s")
        self.seconds = seconds


@contextmanager
def deadline(seconds: float | None):
    """Run the block under a limit of `seconds` (None or 0: no limit); checkpoint() enforces it. A nested deadline
    never extends the one around it."""
    outer = _limit.get()
    limit = (time.monotonic() + seconds, seconds) if seconds else None
    if outer is not None and (limit is None or outer[0] < limit[0]):
        limit = outer
    token = _limit.set(limit)
    try:
        yield
    finally:
        _limit.reset(token)


def checkpoint() -> None:
    """Call between rows or batches: raises TimeLimitExceeded once the current deadline has passed."""
    limit = _limit.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise TimeLimitExceeded(limit[1])
