"""Fixtures of the job-engine tests (issue 16): `backend` (one test's databases, queue and processes, on each backend
in turn), `worlds` (the seeded databases they are copied from) and `smtp` (a real SMTP server in this process).

These tests build their own databases and run the app only in other processes (tests/jobs/workers.py), never the
suite's app, so they carry no `commits` marker (tests/conftest.py).

Which backends run (JOBS_TEST_BACKENDS, default by the suite's database):
- the SQLite run of the suite (no TEST_DATABASE_URL) runs "sqlite" (SQLite app database + SqliteHuey);
- the PostgreSQL run (TEST_DATABASE_URL=postgresql://…) runs "redis" (PostgreSQL + Redis queue) and "postgres"
  (PostgreSQL + PostgresStorage queue);
so CI, which runs the suite once on each, runs every scenario on every backend once, and neither run pays for all
three (on 2 cores: about 50 s of tests/jobs in the SQLite run, 90 s in the PostgreSQL run; 2.5 minutes for all three
in one process). The others are not collected in that run (no skipped items); JOBS_TEST_BACKENDS=all (or a list,
"sqlite,redis") runs them here. A backend that is selected and whose server is unreachable fails, never skips.
"""
from __future__ import annotations

import os
import secrets
import time

import pytest

from tests.helpers import using_postgres
from tests.jobs.workers import BACKENDS, Backend, Worlds, file_lock, free_port


def selected_backends() -> set[str]:
    chosen = os.environ.get("JOBS_TEST_BACKENDS", "").strip()
    if chosen == "all":
        return set(BACKENDS)
    if chosen:
        names = {name.strip() for name in chosen.split(",") if name.strip()}
        unknown = names - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"JOBS_TEST_BACKENDS: unknown backend(s) {sorted(unknown)}; use {BACKENDS}")
        return names
    return {"redis", "postgres"} if using_postgres() else {"sqlite"}


@pytest.fixture(scope="session")
def worlds(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "jobs-worlds"
    with file_lock(shared / "run.lock"):
        run_file = shared / "run-id"
        if not run_file.exists():
            run_file.write_text(secrets.token_hex(4))
        run_id = run_file.read_text().strip()
    found = Worlds(shared, run_id)
    yield found
    found.release()


@pytest.fixture(params=[name for name in BACKENDS if name in selected_backends()])
def backend(request, worlds, tmp_path):
    try:
        made, problem = Backend(request.param, tmp_path, worlds), None
    except RuntimeError as error:  # a server is unreachable, or the world could not be built
        made, problem = None, str(error)
    if problem:
        pytest.fail(problem, pytrace=False)
    try:
        yield made
    finally:
        made.close()


class Inbox:
    """aiosmtpd's handler: every message the server accepts, as (envelope, arrival time)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope, time.monotonic()))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of this process): `.port`, `.inbox.messages`."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.inbox = inbox
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
