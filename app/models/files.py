"""Files kept in the database (app/storage.py, DatabaseStorage): for several servers with no shared folder."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.clock import utcnow
from app.extensions import db


class StoredFile(db.Model):
    """One file under its key ("evidence/3f2a…", "letters/batch-7-….pdf"), with its size and SHA-256."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredFileChunk(db.Model):
    """The content in pieces of at most CHUNK_BYTES, so that neither writing nor reading holds a whole batch PDF
    in memory."""

    __tablename__ = "stored_file_chunks"

    key: Mapped[str] = mapped_column(ForeignKey("stored_files.key", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
