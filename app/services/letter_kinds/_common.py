"""What the kinds of both programmes share: who issues, labels in Thai, names, the approval, whom to address.

Labels are resolved to Thai here, once: official letters are in Thai whatever the user's interface language, and
the payload stored with the letter is what every reprint draws.
"""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from app.domain.thai_text import to_bangkok
from app.extensions import db
from app.models import CaseSnapshot, CaseTransition, OrgUnit, Role

# The issuing office is the issuer's own unit: a cooperative writes to creditors and sums a case up; the
# provincial education office notifies teachers, paying units and families.
COOPERATIVE = frozenset({Role.COOPERATIVE_OFFICER.value})
PROVINCE = frozenset({Role.PROVINCIAL_OFFICER.value, Role.PROVINCIAL_APPROVER.value})


def thai(mapping: dict, key) -> str:
    if key not in mapping:
        return str(key or "-")
    with force_locale("th"):
        return str(mapping[key])


def person_name(person: dict) -> str:
    return f"{person.get('title') or ''}{person['first_name']} {person['last_name']}".strip()


def approval_of(snapshot: CaseSnapshot) -> dict:
    transition = db.session.get(CaseTransition, snapshot.transition_id)
    return {"approved_on": to_bangkok(snapshot.created_at).date().isoformat(),
            "resolution_no": transition.resolution_no if transition else None,
            "snapshot_sha256": snapshot.sha256}


def head_of(unit: OrgUnit | None) -> str:
    """Letters are addressed to the head of an office: "ศึกษาธิการจังหวัดเชียงใหม่" for สำนักงานศึกษาธิการจังหวัด…,
    unless the letterhead names the signer's position."""
    if unit is None:
        return "ศึกษาธิการจังหวัด"
    return unit.signer_position or unit.name.removeprefix("สำนักงาน")


def superior_head(office: OrgUnit) -> str:
    """The head of the office above the sender: a provincial office reports to its regional education office
    (ศึกษาธิการภาค), Bangkok and the regions to the Permanent Secretary (domain.md, "Documents": a letter is
    addressed to whoever acts on it, never to its own sender)."""
    parent = db.session.get(OrgUnit, office.parent_id) if office.parent_id else None
    if parent is None or parent.kind == "ministry":
        return "ปลัดกระทรวงศึกษาธิการ"
    return head_of(parent)


def addressee_for_case_office(office: OrgUnit, province: OrgUnit | None) -> str:
    """A cooperative writes to the provincial education office of its case; the provincial office itself, to the
    office above it."""
    if province is not None and office.id == province.id:
        return superior_head(office)
    return head_of(province)


def province_office(province_code: str | None) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == (province_code or "")))
