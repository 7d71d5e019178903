"""One clock for every timestamp: naive UTC, taken when the row is written (never at import)."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
