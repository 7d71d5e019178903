"""Settings officers may change: every value has an effective date, a source and an audit record."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.clock import utcnow
from app.extensions import db


class SettingValue(db.Model):
    __tablename__ = "setting_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    source: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_setting_values_key_from", "key", "effective_from"),)
