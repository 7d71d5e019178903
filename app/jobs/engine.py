"""The job engine (issue 16): Huey 3.5.4, chosen in docs/jobs-and-files.md.

One Huey instance for the process. Its storage comes from JOBS_URL:
- sqlite:///<file> (the default, INSTANCE_PATH/jobs.db): stdlib sqlite3, nothing to install or start, and a file of
  its own, so the queue never waits on the app database's write lock;
- redis://… (RedisHuey's storage) or postgresql://… (Huey's own PostgresStorage, tables huey_*): for several
  servers, which then share one queue.
JOBS_IMMEDIATE runs each task synchronously when it is enqueued, through the same code (the test suite); the
tests in tests/jobs run real workers on every backend.

Rules every job here keeps (docs/jobs-and-files.md, "How a job survives"):
- it is enqueued after the commit that makes its row (after_commit), so a rolled-back request enqueues nothing;
- its row in our database is the source of truth for its progress page, never the engine's own state;
- Huey delivers at most once (a task running when its worker is SIGKILLed is lost), so the rows carry a claim
  token and a heartbeat, and a sweep gives a job whose worker died to another (app/jobs/rows.py).
"""
from __future__ import annotations

import functools
import logging
from contextvars import ContextVar
from urllib.parse import urlparse

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

huey = Huey("krudesk", results=False, utc=True, storage_class=MemoryStorage)
_app: Flask | None = None
_tasks: dict = {}  # task name → Huey TaskWrapper, filled as app/jobs/tasks.py loads


def storage_for(url: str) -> tuple[type, dict]:
    """(storage class, its arguments) for a JOBS_URL."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if scheme in ("redis", "rediss"):
        return RedisStorage, {"url": url}
    if scheme in ("postgresql", "postgres"):
        return PostgresStorage, {"dsn": url.replace("postgresql+psycopg://", "postgresql://")}
    raise ValueError(f"JOBS_URL must start with sqlite:///, redis:// or postgresql://, not {url!r}")


def init_app(app: Flask) -> None:
    """Bind the engine to this app: its queue, and the app tasks run in when no app context is active (a worker).
    An app with JOBS_IMMEDIATE leaves the queue alone: its jobs run where they are enqueued (enqueue_now)."""
    global _app
    _app = app
    if app.config.get("JOBS_IMMEDIATE"):
        return
    # Set the class, not only the storage: Huey rebuilds the storage from it when `immediate` is switched.
    huey.storage_class, huey.storage_kwargs = storage_for(app.config["JOBS_URL"])
    huey.storage = _OnFirstUse(huey.create_storage)


class _OnFirstUse:
    """The queue's storage, opened when first used: making an app (a command, a test) opens no queue, and a missing
    instance folder or an unreachable Redis is reported by the worker or the first enqueue, not by create_app."""

    def __init__(self, factory):
        self._factory, self._storage = factory, None

    def __getattr__(self, name):
        if self._storage is None:
            self._storage = self._factory()
        return getattr(self._storage, name)


def app() -> Flask:
    """The app a task runs in: the one whose context is active (it enqueued the task in immediate mode), else the
    app the engine was bound to (a worker process)."""
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        raise RuntimeError("the job engine is not bound to an app (create_app binds it)")
    return _app


def immediate() -> bool:
    return bool(app().config.get("JOBS_IMMEDIATE"))


_retries_left: ContextVar[int] = ContextVar("retries_left", default=0)


def retries_left() -> int:
    """How many more times the engine will run the current task if it raises (0 outside a task)."""
    return _retries_left.get()


def task(name: str, **options):
    """A Huey task under `name`, run inside an app context with a session of its own (thrown away after).
    `options` are Huey's: retries, retry_delay, retry_backoff (a transient error retries: app/jobs/rows.py)."""
    def decorator(function):
        @functools.wraps(function)
        def in_app_context(*args, task=None):
            retries = _retries_left.set(task.retries if task is not None else 0)
            with app().app_context():
                try:
                    return function(*args)
                finally:
                    db.session.remove()
                    _retries_left.reset(retries)

        wrapper = huey.task(name=name, context=True, **options)(in_app_context)
        _tasks[name] = wrapper
        return wrapper
    return decorator


def periodic(name: str, schedule):
    """A Huey periodic task (crontab in UTC) under `name`, in an app context like task()."""
    def decorator(function):
        @functools.wraps(function)
        def in_app_context():
            with app().app_context():
                try:
                    return function()
                finally:
                    db.session.remove()

        wrapper = huey.periodic_task(schedule, name=name)(in_app_context)
        _tasks[name] = wrapper
        return wrapper
    return decorator


def enqueue_now(name: str, *args) -> None:
    """Put a task on the queue at once (outside any transaction: the sweep, the worker's start); under
    JOBS_IMMEDIATE, run it here and now through the same code."""
    if immediate():
        _tasks[name].call_local(*args)
    else:
        _tasks[name](*args)


def enqueue_later(name: str, seconds: float, *args) -> None:
    """Put a task on the schedule to run in `seconds`."""
    _tasks[name].schedule(args=args, delay=seconds)


def after_commit(name: str, *args) -> None:
    """Enqueue task `name` once the current transaction commits; nothing if it rolls back."""
    db.session().info.setdefault("jobs_after_commit", []).append((name, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    for name, args in session.info.pop("jobs_after_commit", []):
        try:
            enqueue_now(name, *args)
        except Exception:  # noqa: BLE001 — the row is committed: the sweep enqueues it again (rows.sweep)
            log.exception("could not enqueue %s%r; the sweep will", name, args)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop("jobs_after_commit", None)
