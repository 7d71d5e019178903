"""Case references as people quote them on letters and the phone."""
from __future__ import annotations

from datetime import date

from app.domain.thai_text import be_year


def debt_case_reference(case_id: int, registered_on: date) -> str:
    """DC{year}-{id:06d}: the Buddhist-Era year of the (Bangkok) day the case was registered, then its id, e.g.
    DC2569-000042. Every way of registering a case (form, API, import, the benchmark's generator) uses this."""
    return f"DC{be_year(registered_on)}-{case_id:06d}"


def relief_case_reference(case_id: int, registered_on: date) -> str:
    """RC{year}-{id:06d}, the same pattern for relief cases, e.g. RC2569-000007."""
    return f"RC{be_year(registered_on)}-{case_id:06d}"
