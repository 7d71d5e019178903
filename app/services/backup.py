"""Backups (issue 8): `flask backup` and `flask restore`.

SQLite: the online backup API (a consistent copy while the app keeps serving). PostgreSQL: pg_dump in its custom
format and pg_restore --clean. A round-trip test restores a backup and compares every table with the original.
"""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from app.domain.clock import utcnow
from app.extensions import db


def _sqlite_file() -> str | None:
    url = make_url(db.engine.url)
    return url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None


def _libpq_url() -> str:
    return make_url(db.engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source, target) -> None:
    """SQLite's online backup API: a consistent copy, page by page, while others keep using the source."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with writer:
            reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def default_target(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".db" if _sqlite_file() else ".dump"
    return folder / f"krudesk-{utcnow():%Y%m%d-%H%M%S}{suffix}"


def backup(target: Path) -> Path:
    db.session.remove()
    sqlite_file = _sqlite_file()
    if sqlite_file:
        _sqlite_copy(sqlite_file, target)
        return target
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url()], check=True)
    return target


def restore(source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the app servers first."""
    if not source.is_file():
        raise FileNotFoundError(source)
    db.session.remove()
    db.engine.dispose()
    sqlite_file = _sqlite_file()
    if sqlite_file:
        _sqlite_copy(source, sqlite_file)
        return
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    f"--dbname={_libpq_url()}", str(source)], check=True)
