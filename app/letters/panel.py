"""The letters card of a case page: the kinds this user may issue that the case's state allows (each with the letter
already issued, to reprint, and a reason to give for a new one), why the others wait, and what was issued."""
from __future__ import annotations

from flask_login import current_user

from app.i18n import gettext as _
from app.services import guarantor_notices, letter_kinds, letters
from app.services.approved_plan import approved_plan
from app.services.letter_availability import unavailable

CASE_PAGE_LETTERS = 10  # the newest; the register lists them all


def case_letters_context(case_type: str, case) -> dict:
    mine = [k for k in letter_kinds.of_programme(case_type) if letters.may_issue(current_user, k)]
    waiting = {k.name: unavailable(k, case) for k in mine}
    debt_rows = {}
    if guarantor_notices.KIND in waiting and not waiting[guarantor_notices.KIND]:
        debt_rows[guarantor_notices.KIND] = guarantor_rows(case)
        if not debt_rows[guarantor_notices.KIND]:
            waiting[guarantor_notices.KIND] = _("No restructured debt of this case with guarantors is 60 or more "
                                                "days overdue.")
    available = [k for k in mine if not waiting[k.name]]
    return {"case_type": case_type, "letter_kinds": available,
            "waiting_kinds": [(k, waiting[k.name]) for k in mine if waiting[k.name]],
            "existing_letters": letters.existing_letters_of_case(
                case_type, case.id, [k.name for k in available if k.name not in debt_rows]),
            "debt_letter_rows": debt_rows,
            "case_letters": letters.letters_for_case(case_type, case.id, limit=CASE_PAGE_LETTERS + 1),
            "case_letters_limit": CASE_PAGE_LETTERS}


def guarantor_rows(case) -> list[dict]:
    """One row per debt whose guarantors may be notified (60 or more days overdue, with guarantors): its creditor,
    how far behind it is, and the notice already covering this overdue episode, if any."""
    plan = approved_plan(case)
    return [{"debt_id": d.debt_id, "creditor": plan.creditor_name(d.debt_id), "days": d.days_past_due,
             "amount": d.amount_overdue,
             "existing": letters.existing_letter("debt", case.id, guarantor_notices.KIND, d.debt_id)}
            for d in guarantor_notices.notifiable_debts(case)]
