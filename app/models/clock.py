"""Timestamps for rows: the app's one clock (app/domain/clock.py)."""
from app.domain.clock import utcnow  # noqa: F401
