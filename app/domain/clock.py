"""One clock for the whole app (issue 15).

- Timestamps are naive UTC, taken when a row is written (never at import).
- Dates that people mean (a reference's year, the day a setting takes effect, an academic year, a letter's date)
  are Bangkok dates. The server's own date is never used: on a UTC server, its "today" is still yesterday in
  Bangkok between 00:00 and 07:00.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from app.domain.thai_text import to_bangkok


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today in Bangkok."""
    return to_bangkok(utcnow()).date()
