"""The guarantors of a debt (domain.md, "After approval" 6): teachers guarantee one another's cooperative loans, and
each debt names its guarantors by citizen ID and name (api-v1.md v1.1 "guarantors")."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DebtGuarantor(db.Model):
    """A person who guarantees a debt (domain.md step 6: citizen ID and name), in the order entered. Not a Person
    row: a guarantor is named, not registered; exposure is found by citizen ID (services/guarantors.py)."""

    __tablename__ = "debt_guarantors"

    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    citizen_id: Mapped[str] = mapped_column(String(13))
    title: Mapped[str | None] = mapped_column(String(50))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))

    __table_args__ = (
        Index("ix_debt_guarantors_debt", "debt_id", "position"),
        Index("ix_debt_guarantors_citizen", "citizen_id"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.title or ''}{self.first_name} {self.last_name}".strip()
