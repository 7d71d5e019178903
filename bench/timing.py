"""Shared by the benchmarks: median and p95 of repeated runs, in milliseconds."""
from __future__ import annotations

import socket
import statistics
import time


def timed(fn, runs: int, warmup: int = 1) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, tries: int = 300) -> None:
    """Until a server (gunicorn, started by a benchmark) accepts connections on the port."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def bench_app(database_url: str | None = None, *, fresh: bool = True):
    """A throw-away app for a benchmark: its own instance folder and SQLite file (or the given database, whose
    public schema is dropped and rebuilt), migrated and seeded with the demo organisation. With fresh=False the
    given database is used as it stands (a dataset kept between runs)."""
    import tempfile
    from pathlib import Path

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db
    from config import TestingConfig, normalise_database_url

    folder = Path(tempfile.mkdtemp(prefix="krudesk-bench-"))

    class BenchConfig(TestingConfig):
        INSTANCE_PATH = folder
        SQLALCHEMY_DATABASE_URI = (normalise_database_url(database_url) if database_url
                                   else f"sqlite:///{folder / 'bench.db'}")

        @classmethod
        def init_app(cls, app):
            pass

    app = create_app(BenchConfig)
    if not fresh:
        return app
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        seed_demo("bench-pass-2569")
    return app
