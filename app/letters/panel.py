"""The letters card of a case page: which kinds this user may issue, and what was issued for the case."""
from __future__ import annotations

from flask_login import current_user

from app import programmes
from app.services import letter_kinds, letters


CASE_PAGE_LETTERS = 10  # the newest; the register lists them all


def case_letters_context(case_type: str, case) -> dict:
    return {"case_type": case_type, "decided": case.status in programmes.programme(case_type).decided,
            "letter_kinds": [k for k in letter_kinds.of_programme(case_type) if letters.may_issue(current_user, k)],
            "case_letters": letters.letters_for_case(case_type, case.id, limit=CASE_PAGE_LETTERS + 1),
            "case_letters_limit": CASE_PAGE_LETTERS}
