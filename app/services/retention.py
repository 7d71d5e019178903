"""PDPA retention (issue 8): cases closed or rejected longer ago than the `privacy.retention_years` setting, and
sign-in records older than a year, listed for review. Nothing is deleted here: disposal is a decision the office
takes (and the audit trail is append-only by design)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.domain.clock import utcnow
from app.extensions import db
from app.models import DebtCase, LoginAttempt, ReliefCase
from app.services import settings

ENDED = ("closed", "rejected")


@dataclass(frozen=True)
class Overdue:
    kind: str
    case_id: int
    reference: str | None
    status: str
    since: datetime


def report(now: datetime | None = None) -> tuple[list[Overdue], int]:
    """(cases past retention, sign-in records older than a year)."""
    now = now or utcnow()
    years = int(settings.value("privacy.retention_years"))
    cutoff = now - timedelta(days=round(365.25 * years))
    rows = []
    for kind, model in (("debt", DebtCase), ("relief", ReliefCase)):
        for case_id, reference, status, since in db.session.execute(
                select(model.id, model.reference, model.status, model.status_since)
                .where(model.status.in_(ENDED), model.status_since < cutoff).order_by(model.status_since)):
            rows.append(Overdue(kind, case_id, reference, status, since))
    attempts = db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.attempted_at < now - timedelta(days=365)))
    return rows, attempts
