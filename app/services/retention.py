"""PDPA retention (issue 8): cases closed or rejected longer ago than the `privacy.retention_years` setting, and
sign-in records older than a year, listed for review. Nothing is deleted here: disposal is a decision the office
takes (and the audit trail is append-only by design). The job engine runs the report monthly (app/jobs/schedule.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import BackgroundJob, DebtCase, LoginAttempt, OrgUnit, ReliefCase, Role
from app.services import notify, settings

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


# ---- the monthly run (issue 16) ------------------------------------------------------------------------------
# Monthly, not daily: retention is counted in years and nothing here is deleted, so the list changes little from
# one day to the next, and a daily run would send the administrators the same notice every morning.

LISTED = 200  # cases listed in the job's row (its result is read on /admin/jobs); `flask retention-report` lists all


def run_result(rows: list[Overdue], attempts: int) -> dict:
    return {"cases": len(rows), "sign_ins": attempts, "not_listed": max(0, len(rows) - LISTED),
            "listed": [{"kind": row.kind, "case_id": row.case_id, "reference": row.reference, "status": row.status,
                        "since": row.since.date().isoformat()} for row in rows[:LISTED]]}


@background.handler("retention_report")
def run_report(job: BackgroundJob, token: str) -> None:
    """The report into the job's row, and one notice to the administrators who cover the whole tree (the report is
    national) when anything is past retention."""
    rows, attempts = report()
    if rows or attempts:
        root = db.session.scalar(select(OrgUnit.path).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            message = _("PDPA retention review: %(cases)d closed or rejected cases and %(sign_ins)d sign-in records "
                        "are kept past their retention period.", cases=len(rows), sign_ins=attempts)
        notify.notify(notify.users_covering(root or "/", (Role.ADMINISTRATOR.value,)), message,
                      current_app.url_map.bind("").build("admin.jobs") + f"#job-{job.id}")
    if background.finish(job.id, token, result=run_result(rows, attempts)):
        db.session.commit()
    else:
        db.session.rollback()
