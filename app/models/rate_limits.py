"""Rate-limit counters kept in the app's own database (app/rate_limits.py, DatabaseStorage)."""
from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RateLimitCounter(db.Model):
    """One fixed window of one limit for one client: `count` hits until `expires_at`, in seconds since the epoch
    (the clock the `limits` library reports expiries in). An expired row is reset by the next hit, or pruned."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_rate_limit_counters_expires_at", "expires_at"),)
