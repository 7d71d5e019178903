"""Spreadsheet imports of teachers, deductions and debts: one job per uploaded file, checked (dry run) before it
is committed all or nothing (issue 7)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.clock import utcnow
from app.extensions import db
from app.models.jobs import Claimable


class ImportJob(Claimable, db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # checking → invalid | valid → importing → done | failed
    status: Mapped[str] = mapped_column(String(16), default="checking")
    filename: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str] = mapped_column(String(40))  # the stored upload: imports/<key> in app/storage.py
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    org_path: Mapped[str] = mapped_column(String(255))
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)    # [{"row", "column", "message"}], the first 1,000
    summary: Mapped[dict] = mapped_column(JSON, default=dict)   # teachers, new/updated cases, debts
    failure: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_import_jobs_org_path", "org_path",
                            postgresql_ops={"org_path": "varchar_pattern_ops"}),)  # migration 0027
