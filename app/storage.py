"""One storage for the files the app keeps (issue 16). Evidence goes through it today; uploaded spreadsheets and
batch PDFs still use the instance folder directly, until the job engine of issue 16 moves them here.

Files are named by keys such as "evidence/3f2a…" or "letters/batch-7-….pdf". Two backends, chosen by the
FILE_STORAGE setting (docs/jobs-and-files.md weighs them):
- "local" (the default): a folder, INSTANCE_PATH/<key> — the same paths the app has always used, so existing files
  stay where they are. For one server, or several that mount one shared folder.
- "database": the app's own database, in chunks of CHUNK_BYTES. Every server (and worker) that reaches the
  database reads every file, with nothing more to run or mount; a file is written in the caller's transaction, so
  a rolled-back request leaves no file behind.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models.files import StoredFile, StoredFileChunk

CHUNK_BYTES = 1024 * 1024
KEY = re.compile(r"^[a-z0-9_-]+(/[A-Za-z0-9_.-]+)+$")  # a folder, then names: never "..", never absolute


class StorageError(Exception):
    pass


def _checked(key: str) -> str:
    if not KEY.fullmatch(key) or any(part in (".", "..") for part in key.split("/")):
        raise StorageError(f"not a storage key: {key!r}")
    return key


def _pieces(data: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(data, (bytes, bytearray)):
        for start in range(0, len(data), CHUNK_BYTES):
            yield bytes(data[start:start + CHUNK_BYTES])
        return
    for piece in data:
        yield from _pieces(piece) if len(piece) > CHUNK_BYTES else (piece,)


class Storage(ABC):
    @abstractmethod
    def write(self, key: str, data: bytes | Iterable[bytes]) -> int:
        """Store `data` (bytes, or an iterable of byte strings) under `key`, replacing any file there; returns the
        size."""

    @abstractmethod
    def chunks(self, key: str) -> Iterator[bytes]:
        """The file's content in order, a piece at a time; StorageError when there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    def read(self, key: str) -> bytes:
        return b"".join(self.chunks(key))


class LocalStorage(Storage):
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / _checked(key)

    def write(self, key: str, data: bytes | Iterable[bytes]) -> int:
        """Written to a temporary file beside the target, then renamed: a reader never sees half a file."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                for piece in _pieces(data):
                    out.write(piece)
                    size += len(piece)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return size

    def chunks(self, key: str) -> Iterator[bytes]:
        path = self.path(key)
        if not path.is_file():
            raise StorageError(f"no file {key!r}")
        return self._read(path)

    @staticmethod
    def _read(path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            while piece := handle.read(CHUNK_BYTES):
                yield piece

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class DatabaseStorage(Storage):
    """In the caller's transaction (db.session): the caller's commit keeps the file, its rollback drops it."""

    def write(self, key: str, data: bytes | Iterable[bytes]) -> int:
        self.delete(_checked(key))
        digest, size = hashlib.sha256(), 0
        row = StoredFile(key=key, size=0, sha256="")
        db.session.add(row)
        db.session.flush()
        for seq, piece in enumerate(_pieces(data)):  # Core inserts: no chunk stays in the session's memory
            digest.update(piece)
            size += len(piece)
            db.session.execute(insert(StoredFileChunk).values(key=key, seq=seq, content=piece))
        row.size, row.sha256 = size, digest.hexdigest()
        db.session.flush()
        return size

    def chunks(self, key: str) -> Iterator[bytes]:
        if not self.exists(key):
            raise StorageError(f"no file {key!r}")
        return self._read(key)

    @staticmethod
    def _read(key: str) -> Iterator[bytes]:
        seq = 0
        while True:  # one chunk per statement: memory stays at one chunk, whatever the file's size
            piece = db.session.scalar(select(StoredFileChunk.content).where(StoredFileChunk.key == key,
                                                                            StoredFileChunk.seq == seq))
            if piece is None:
                return
            yield piece
            seq += 1

    def exists(self, key: str) -> bool:
        return db.session.get(StoredFile, _checked(key)) is not None

    def delete(self, key: str) -> None:
        db.session.execute(delete(StoredFileChunk).where(StoredFileChunk.key == _checked(key)))
        db.session.execute(delete(StoredFile).where(StoredFile.key == key))


BACKENDS = {"local": lambda app: LocalStorage(Path(app.instance_path)), "database": lambda app: DatabaseStorage()}


def storage() -> Storage:
    """The storage the app is configured with (FILE_STORAGE)."""
    app = current_app
    kind = app.config.get("FILE_STORAGE", "local")
    if kind not in BACKENDS:
        raise StorageError(f"FILE_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")
    return BACKENDS[kind](app)
