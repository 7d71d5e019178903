"""Proofs of enrolment falling due (issue 16, run daily by app/jobs/schedule.py).

Each academic year of a scholarship or stipend is paid only after its continuation check, the child's proof of
enrolment (domain.md, "Relief cases": multi-year entitlements; relief_payments._approved_for). So the officers who
record those checks for a case are told, in the app, of every instalment of an approved case that falls due within
REMIND_DAYS, or is overdue, and has no check yet — once per instalment and officer: a notice already sent (same
officer, link and words) is not sent again, so the daily run only tells of what is new (and tells an officer who
took the province over since).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, tuple_

from app.domain import clock
from app.domain.thai_text import format_be_date
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import BackgroundJob, ContinuationCheck, Entitlement, Notification, Person, ReliefCase
from app.models.relief import PAYABLE_STATUSES
from app.services import notify
from app.services.permissions import PERMISSIONS

REMIND_DAYS = 30
# Whoever may record a continuation check (relief_payments.record_continuation requires edit_relief_cases).
ROLES = tuple(sorted(role.value for role in PERMISSIONS["edit_relief_cases"]))
BATCH = 500  # ids per IN (…) list


@dataclass(frozen=True)
class DueCheck:
    case_id: int
    reference: str | None
    org_path: str
    entitlement_id: int
    person_id: int
    period: str  # the Buddhist-Era academic year
    due: date


def checks_falling_due(today: date) -> list[DueCheck]:
    """Instalments of approved (or paying) cases due by today + REMIND_DAYS, overdue ones included, with no
    continuation check recorded. A check that found the child not enrolled counts as recorded: the officer has
    dealt with it, and the instalment stays unpaid."""
    horizon = today + timedelta(days=REMIND_DAYS)
    candidates = []
    for entitlement_id, schedule, case_id, reference, org_path in db.session.execute(
            select(Entitlement.id, Entitlement.schedule, ReliefCase.id, ReliefCase.reference, ReliefCase.org_path)
            .join(ReliefCase, ReliefCase.id == Entitlement.case_id)
            .where(ReliefCase.status.in_(PAYABLE_STATUSES)).order_by(ReliefCase.id, Entitlement.id)):
        for item in schedule or ():
            due = date.fromisoformat(item["due"])
            # Every instalment of a schedule is a year that needs its proof (relief_rules.child_schedule).
            if item.get("needs_continuation", True) and due <= horizon:
                candidates.append(DueCheck(case_id, reference, org_path, entitlement_id, item["person_id"],
                                           item["period"], due))
    checked = set()
    ids = sorted({c.entitlement_id for c in candidates})
    for start in range(0, len(ids), BATCH):
        checked.update(tuple(row) for row in db.session.execute(
            select(ContinuationCheck.entitlement_id, ContinuationCheck.person_id, ContinuationCheck.period)
            .where(ContinuationCheck.entitlement_id.in_(ids[start:start + BATCH]))).all())
    return [c for c in candidates if (c.entitlement_id, c.person_id, c.period) not in checked]


def _names(person_ids: set[int]) -> dict[int, str]:
    ids = sorted(person_ids)
    names = {}
    for start in range(0, len(ids), BATCH):
        names.update((p.id, p.full_name) for p in db.session.scalars(
            select(Person).where(Person.id.in_(ids[start:start + BATCH]))))
    return names


def _already_sent(pairs: set[tuple[int, str]]) -> set[tuple[int, str, str]]:
    """(user, link, message) of the notices among `pairs` (user, link) that exist already."""
    found = set()
    ordered = sorted(pairs)
    for start in range(0, len(ordered), BATCH):
        found.update(tuple(row) for row in db.session.execute(
            select(Notification.user_id, Notification.link, Notification.message)
            .where(tuple_(Notification.user_id, Notification.link).in_(ordered[start:start + BATCH]))).all())
    return found


def remind(today: date) -> dict:
    """Add the notices for the checks falling due (in the caller's transaction); returns the counts."""
    due = checks_falling_due(today)
    names = _names({c.person_id for c in due})
    officers: dict[str, list] = {}
    link_base = current_app.url_map.bind("")
    planned = []
    # The default language whoever started the run: the words are how a notice already sent is recognised.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for check in due:
            if check.org_path not in officers:
                officers[check.org_path] = notify.users_covering(check.org_path, ROLES)
            link = link_base.build("relief.case", {"case_id": check.case_id}) + "#entitlements"
            message = _("Proof of enrolment due %(due)s: %(child)s, academic year %(year)s, case %(reference)s.",
                        due=format_be_date(check.due, "long", current_app.config["BABEL_DEFAULT_LOCALE"]),
                        child=names.get(check.person_id, ""), year=check.period,
                        reference=check.reference or check.case_id)[:500]  # as notify() stores it
            planned.extend((user, link, message) for user in officers[check.org_path])
    sent = _already_sent({(user.id, link) for user, link, _message in planned})
    new = [(user, link, message) for user, link, message in planned if (user.id, link, message) not in sent]
    recipients: dict[tuple[str, str], list] = {}
    for user, link, message in new:
        recipients.setdefault((link, message), []).append(user)
    for (link, message), users in recipients.items():  # one notice (and one round of e-mail) per instalment
        notify.notify(users, message, link)
    return {"due": len(due), "notices": len(new), "already_sent": len(planned) - len(new),
            "without_officer": sum(1 for c in due if not officers[c.org_path])}


@background.handler("continuation_due")
def run_reminders(job: BackgroundJob, token: str) -> None:
    result = remind(clock.today())
    if background.finish(job.id, token, result=result):
        db.session.commit()
    else:
        db.session.rollback()
