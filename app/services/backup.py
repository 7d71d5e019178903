"""Backups (issue 8): `flask backup` and `flask restore`; the backup job of issue 16 (app/services/stored_backups.py)
makes its files with the same `backup()`.

SQLite: the online backup API (a consistent copy while the app keeps serving). PostgreSQL: pg_dump in its custom
format and pg_restore --clean. A round-trip test restores a backup and compares every table with the original.

Backups the job keeps in the database itself (FILE_STORAGE=database, keys under backups/) are left out of every
backup: each would otherwise hold all the earlier ones still kept, and with BACKUP_KEEP=7 the size would double
every day. SQLite: they are deleted from the copy. pg_dump cannot leave some rows of a table out, so while there are
any, a PostgreSQL backup is a bundle (an uncompressed tar, .tar): the dump without the rows of the two file tables,
and those rows, less the backups', in COPY's binary format, all read from one snapshot. `restore` takes either.
"""
from __future__ import annotations

import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.domain.clock import utcnow
from app.extensions import db

STORED_BACKUPS = "backups/%"  # LIKE pattern of the keys the backup job writes (stored_backups.FOLDER)
FILE_TABLES = (("stored_files", "key, size, sha256, created_at"), ("stored_file_chunks", "key, seq, content"))
BUNDLE_DUMP = "database.dump"
COPY_BLOCK = 1024 * 1024


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


def _drop_stored_backups(copy: Path) -> None:
    """Delete the stored backups from a fresh SQLite copy (see the module's docstring), and give their pages back."""
    connection = sqlite3.connect(copy)
    try:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_files'").fetchone():
            with connection:
                removed = connection.execute("DELETE FROM stored_file_chunks WHERE key LIKE ?",
                                             (STORED_BACKUPS,)).rowcount
                removed += connection.execute("DELETE FROM stored_files WHERE key LIKE ?", (STORED_BACKUPS,)).rowcount
            if removed:
                connection.execute("VACUUM")
    finally:
        connection.close()


def default_target(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".db" if _sqlite_file() else ".dump"
    return folder / f"krudesk-{utcnow():%Y%m%d-%H%M%S}{suffix}"


def backup(target: Path) -> Path:
    """Back the database up to `target`; returns the file written (a PostgreSQL bundle takes the suffix .tar)."""
    db.session.remove()
    sqlite_file = _sqlite_file()
    if sqlite_file:
        _sqlite_copy(sqlite_file, target)
        _drop_stored_backups(target)
        return target
    return _pg_backup(target)


def _pg_dump(target: Path, *options: str) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", *options, f"--file={target}", _libpq_url()],
                   check=True)


def _pg_backup(target: Path) -> Path:
    # REPEATABLE READ: the snapshot of the first statement is the one pg_dump imports and the COPYs read.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        if not conn.scalar(text("SELECT EXISTS (SELECT 1 FROM stored_files WHERE key LIKE :keys)"),
                           {"keys": STORED_BACKUPS}):
            conn.rollback()
            _pg_dump(target)
            return target
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        bundle = target.with_suffix(".tar")
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".bundle-") as folder:
            parts = [Path(folder) / BUNDLE_DUMP]
            _pg_dump(parts[0], f"--snapshot={snapshot}",
                     *(f"--exclude-table-data={table}" for table, _columns in FILE_TABLES))
            cursor = conn.connection.driver_connection.cursor()
            for table, columns in FILE_TABLES:
                parts.append(Path(folder) / f"{table}.copy")
                with parts[-1].open("wb") as out, cursor.copy(
                        f"COPY (SELECT {columns} FROM {table} WHERE key NOT LIKE %s) TO STDOUT (FORMAT binary)",
                        (STORED_BACKUPS,)) as copy:
                    for block in copy:
                        out.write(block)
            with tarfile.open(bundle, "w") as tar:
                for part in parts:
                    tar.add(part, arcname=part.name)
        conn.rollback()
    return bundle


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
    if tarfile.is_tarfile(source):
        _restore_bundle(source)
        return
    _pg_restore(source)


def _pg_restore(source: Path) -> None:
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    f"--dbname={_libpq_url()}", str(source)], check=True)


def _restore_bundle(source: Path) -> None:
    """The dump first (its file tables come back empty), then their rows. Two transactions: should the second fail,
    the files are missing and the error says so; restoring the bundle again puts everything back."""
    with tempfile.TemporaryDirectory(prefix="krudesk-restore-") as folder, tarfile.open(source) as tar:
        tar.extractall(folder, filter="data")
        _pg_restore(Path(folder) / BUNDLE_DUMP)
        with db.engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for table, columns in FILE_TABLES:
                with (Path(folder) / f"{table}.copy").open("rb") as rows, cursor.copy(
                        f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as copy:
                    while block := rows.read(COPY_BLOCK):
                        copy.write(block)
