"""The person registry shared by both programmes: one record per Thai citizen ID."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.clock import utcnow
from app.extensions import db


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[str] = mapped_column(String(13), unique=True)
    title: Mapped[str] = mapped_column(String(40))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None]
    position: Mapped[str | None] = mapped_column(String(200))
    workplace: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Name searches match the start of a name: PostgreSQL answers LIKE 'prefix%' from pattern-ops indexes whatever
    # the database's collation, carrying the id so that no row is read; SQLite gets a range on these same (plain)
    # indexes, which hold the rowid anyway (services/scope.prefix_match). The first name's index holds the last
    # name too, so "first last" is checked in the index (migration 0025).
    __table_args__ = (
        Index("ix_people_full_name", "first_name", "last_name",
              postgresql_ops={"first_name": "varchar_pattern_ops", "last_name": "varchar_pattern_ops"},
              postgresql_include=["id"]),
        Index("ix_people_last_name", "last_name", postgresql_ops={"last_name": "varchar_pattern_ops"},
              postgresql_include=["id"]),
    )

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"
