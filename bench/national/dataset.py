"""The national dataset a benchmark runs on: kept between runs (SQLite file under instance/bench/, or the given
PostgreSQL database) and rebuilt only when missing or made with other parameters."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def default_url(cases: int, seed: int) -> str:
    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'national-{cases}-{seed}.db'}"


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database if it is missing (never the test suite's)."""
    from config import normalise_database_url

    target = make_url(normalise_database_url(url))
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).scalar():
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def _made_with(app) -> dict | None:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        if not inspect(db.engine).has_table("audit_events"):
            return None
        return db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "bench.dataset")
                                 .order_by(AuditEvent.id.desc()).limit(1))


def fresh_app(database_url: str | None):
    from bench.timing import bench_app

    if database_url and database_url.startswith("sqlite:///"):
        Path(make_url(database_url).database).unlink(missing_ok=True)
    elif database_url:
        ensure_postgres_database(database_url)
    return bench_app(database_url)


def dataset_app(database_url: str | None, cases: int, seed: int, archetypes: int, relief: int, log=print):
    """An app on a database holding the national dataset for (cases, seed), generated now if needed."""
    from bench.national.generate import generate
    from bench.timing import bench_app

    url = database_url or default_url(cases, seed)
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    app = bench_app(url, fresh=False)
    made = _made_with(app)
    if made and made.get("requested") == cases and made.get("seed") == seed:
        log(f"using the dataset already in {make_url(url).render_as_string(hide_password=True)}: {made}")
        _migrate(app)  # a dataset kept from an earlier run gets the migrations added since (its indexes are measured)
        return app, made
    log(f"generating the national dataset ({cases:,} debt cases, seed {seed}) …")
    app = fresh_app(url)
    with app.app_context():
        made = generate(cases, seed, archetypes, relief, log)
    return app, made


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
