"""`flask worker`: Huey's consumer inside the Flask app (issue 16), one process per worker (rendering is CPU-bound
Python), a scheduler for the periodic tasks, and the master that restarts a worker that dies.

Safety on Linux (docs/research/job-engine.md, 1.2 and 3.5): every forked child asks the kernel to SIGKILL it when
the master dies (PR_SET_PDEATHSIG), so a killed consumer never leaves orphans taking work; the app's database pool
is thrown away before the fork and in each child, so no connection is shared across processes."""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.jobs import engine

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: a killed master may leave its workers running
        pass


def _finish_start_up_threads(timeout: float = 60) -> None:
    """Let the threads create_app started (the Thai dictionary's warm-up, app/__init__.py) end before the consumer
    forks: a fork copies only the forking thread, and a lock another thread held (an import's) stays held for ever
    in the child, which then hangs the first time it prints. Forked after, each worker has the dictionary loaded."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(timeout)


@engine.huey.on_startup()
def _fresh_connections() -> None:
    with engine.app().app_context():
        db.engine.dispose(close=False)  # never the parent's pooled connections


@click.command("worker")
@click.option("-w", "--workers", type=int, default=None, help="Worker processes (default: JOBS_WORKERS, else CPUs).")
@click.option("-k", "--worker-type", type=click.Choice(["process", "thread"]), default="process", show_default=True)
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Run the scheduler too (safe on every server: a scheduled run is started once per period).")
@with_appcontext
def worker_command(workers: int | None, worker_type: str, periodic: bool) -> None:
    """Run the job engine's worker (Ctrl+C stops it gracefully; a second Ctrl+C stops it at once)."""
    if engine.immediate():
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are queued, there is nothing to consume")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    workers = workers or current_app.config.get("JOBS_WORKERS") or os.cpu_count() or 1
    if worker_type == "process":
        os.register_at_fork(after_in_child=_die_with_parent)
        _finish_start_up_threads()
    db.engine.dispose()
    # One sweep soon after start: the jobs a killed worker held are taken up without waiting for the minute.
    engine.enqueue_later("jobs.sweep", current_app.config["JOBS_STALE_SECONDS"] + 1)
    click.echo(f"KruDesk worker: {workers} {worker_type} worker(s) on {current_app.config['JOBS_URL']}")
    engine.huey.create_consumer(workers=workers, worker_type=worker_type, periodic=periodic, initial_delay=0.1,
                                max_delay=1.0, backoff=1.15, check_worker_health=True,
                                health_check_interval=5).run()
