"""Daily and monthly runs (issue 16: "scheduled jobs: scholarship continuation checks falling due, the retention
report …"; "every long job goes through it: … backups").

Each run is a background job (app/jobs/background.py) whose slot is its period: the Bangkok date "YYYY-MM-DD" of a
daily run, "YYYY-MM" of a monthly one. Every ten minutes each worker's scheduler starts the runs whose time has come
(submit_once): a run is due from its Bangkok hour until the period ends, so a worker that was down at that hour
catches up once it is back the same day (the same month, for a monthly run), and the row's unique (kind, slot)
means that however many schedulers fire, a period's run starts once (docs/research/job-engine.md, 1.3).

The clock is Bangkok's (app/domain/clock.py): Huey's crontab is in UTC, and on a UTC server "today" is still
yesterday in Bangkok before 07:00.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from huey import crontab
from sqlalchemy import select

from app.domain.clock import utcnow
from app.domain.thai_text import to_bangkok
from app.extensions import db
from app.jobs import background, engine
from app.models import BackgroundJob
from app.services import arrears, continuation_due, retention, stored_backups  # noqa: F401  (register their handlers)


@dataclass(frozen=True)
class Scheduled:
    kind: str    # a background.handler kind
    hour: int    # the Bangkok hour from which the run is due
    period: str  # "day", or "month" (due from the 1st)


SCHEDULE = (
    Scheduled(stored_backups.KIND, 1, "day"),   # at night, when hardly anyone works in the app
    Scheduled(arrears.KIND, 2, "day"),          # what a day's passing changes in arrears (domain.md step 5)
    Scheduled("continuation_due", 6, "day"),    # the notices are there when the offices open
    Scheduled("retention_report", 7, "month"),  # monthly: see app/services/retention.py
)


def slot(entry: Scheduled, moment: datetime) -> str | None:
    """The period whose run `entry` is due for at `moment` (naive UTC), or None before its hour."""
    local = to_bangkok(moment)
    if entry.period == "day":
        return f"{local:%Y-%m-%d}" if local.hour >= entry.hour else None
    if entry.period == "month":
        return f"{local:%Y-%m}" if (local.day, local.hour) >= (1, entry.hour) else None
    raise ValueError(f"a scheduled run's period is 'day' or 'month', not {entry.period!r}")


def due_runs(moment: datetime, schedule=SCHEDULE) -> list[tuple[str, str]]:
    """(kind, slot) of every run due at `moment`."""
    return [(entry.kind, found) for entry in schedule if (found := slot(entry, moment)) is not None]


def start_due(moment: datetime | None = None, schedule=SCHEDULE) -> list[BackgroundJob]:
    """Start the runs that are due and not yet started for their period; returns the jobs started here."""
    if not current_app.config.get("JOBS_SCHEDULE", True):
        return []
    started = []
    for kind, found in due_runs(moment or utcnow(), schedule):
        # Looked up first, so that the usual case (started already) costs a read, not a refused INSERT.
        if db.session.scalar(select(BackgroundJob.id).where(BackgroundJob.kind == kind, BackgroundJob.slot == found)):
            continue
        job = background.submit_once(kind, found)
        if job is not None:
            started.append(job)
    db.session.commit()
    return started


@engine.periodic("jobs.schedule", crontab(minute="*/10"))
def start_due_runs() -> None:
    start_due()
