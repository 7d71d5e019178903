"""Workflow records shared by both programmes: transitions (the case timeline), approval snapshots,
and in-app notices to the next actor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db


class CaseTransition(db.Model):
    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    # NULL for what the system did by itself: the daily sweep closing a case that has paid everything (issue 20).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    resolution_no: Mapped[str | None] = mapped_column(String(100))
    org_path: Mapped[str] = mapped_column(String(255))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Issue 21 point 9: timelines name the person who acted, not their username (read with the timeline, one join).
    actor: Mapped["User | None"] = relationship("User", lazy="joined", viewonly=True)

    @property
    def actor_name(self) -> str | None:
        """The acting user's full name; None for the system (the timeline says "system" in words)."""
        return self.actor.full_name if self.actor is not None else None

    __table_args__ = (Index("ix_case_transitions_case", "case_type", "case_id"),)


class CaseSnapshot(db.Model):
    """What was approved, frozen: letters print from it and later edits cannot change it unseen."""

    __tablename__ = "case_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int]
    transition_id: Mapped[int] = mapped_column(ForeignKey("case_transitions.id"))
    data: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_case_snapshots_case", "case_type", "case_id"),)


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]  # set by the e-mail job once sent (issue 16), so a retry sends it once

    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)
