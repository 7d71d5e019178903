"""The letters card of a case page: the kinds this user may issue that the case's state allows (each with the letter
already issued, to reprint, and a reason to give for a new one), why the others wait, and what was issued."""
from __future__ import annotations

from flask_login import current_user

from app.services import letter_kinds, letters
from app.services.letter_availability import unavailable

CASE_PAGE_LETTERS = 10  # the newest; the register lists them all


def case_letters_context(case_type: str, case) -> dict:
    mine = [k for k in letter_kinds.of_programme(case_type) if letters.may_issue(current_user, k)]
    waiting = {k.name: unavailable(k, case) for k in mine}
    available = [k for k in mine if not waiting[k.name]]
    return {"case_type": case_type, "letter_kinds": available,
            "waiting_kinds": [(k, waiting[k.name]) for k in mine if waiting[k.name]],
            "existing_letters": {k.name: letters.existing_letter(case_type, case.id, k.name) for k in available},
            "case_letters": letters.letters_for_case(case_type, case.id, limit=CASE_PAGE_LETTERS + 1),
            "case_letters_limit": CASE_PAGE_LETTERS}
