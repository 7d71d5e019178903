"""Which kinds of letter a case's state allows, and, for each kind that waits, its own reason (issue 18, item 7).

A letter that states a decision exists only for an approved case (api-v1.md, "Letters": 409 before); each kind says
in its own words what it waits for, so a payment memo never answers with the decision notice's sentence. Pages show
only the kinds that are available; the services refuse the others with the same reason.
"""
from __future__ import annotations

from app import programmes
from app.i18n import lazy_gettext as _l
from app.services.letter_kinds import LetterKind

# What each decision kind waits for while its case is not approved.
WAITS_FOR = {
    "creditor_request": _l("Creditors are asked once the plan is approved: the request states the approved plan."),
    "approval_notice": _l("The approval notice can be printed once the case is approved."),
    "deduction_notice": _l("The deduction notice can be printed once the plan is approved: it lists the approved "
                           "monthly amounts."),
    "schedule": _l("The repayment schedule can be printed once the plan is approved."),
    "decision_notice": _l("The decision notice can be printed once the committee has approved the case."),
    "payment_memo": _l("A payment memo is written for an approved case, to pay what it was granted."),
    "scholarship_continuation": _l("The continuation notice can be printed once the case and its scholarships are "
                                   "approved."),
    "guarantor_notice": _l("Guarantors are notified while the approved plan is being repaid, once a restructured "
                           "debt is 60 or more days overdue."),
    "closure_notice": _l("The closure notice can be printed once every instalment of the plan is paid and the case "
                         "is closed."),
}


def _has_instalments(case) -> str | None:
    """A continuation notice is about scholarship or stipend instalments: a case without any has none to continue."""
    if any(e.schedule for e in case.entitlements):
        return None
    return str(_l("This case has no scholarship or stipend to continue."))


def _has_something_to_pay(case) -> str | None:
    granted = sum((e.amount for e in case.entitlements), 0)
    paid = sum((p.amount for p in case.payments), 0)
    if granted > paid:
        return None
    return str(_l("Everything this case was granted has been paid: there is no payment to approve."))


def _being_repaid(case) -> str | None:
    """domain.md, "After approval" 6: guarantors hear of a default on an active case's instalments (api-v1.md v1.1:
    guarantor_notice; whether the debt itself is 60 days overdue is the kind's own 409, with its days)."""
    if case.status == "active":
        return None
    return str(_l("Guarantors are notified while the approved plan is being repaid: this case is not active."))


def _closed(case) -> str | None:
    """domain.md, "After approval" 7; api-v1.md v1.1: closure_notice, for closed cases only."""
    if case.status == "closed":
        return None
    return str(WAITS_FOR["closure_notice"])


# Further conditions of a kind, once its case's state allows it.
CONDITIONS = {"scholarship_continuation": _has_instalments, "payment_memo": _has_something_to_pay,
              "guarantor_notice": _being_repaid, "closure_notice": _closed}


def unavailable(kind: LetterKind, case) -> str | None:
    """None when the case's state allows the kind, else why not, in the kind's own words."""
    if kind.decision and case.status not in programmes.programme(kind.programme).decided:
        return str(WAITS_FOR.get(kind.name, _l("This letter states a decision: it can be printed once the case is "
                                               "approved.")))
    condition = CONDITIONS.get(kind.name)
    return condition(case) if condition else None
