"""Relief for teachers and education personnel harmed by the southern-border unrest (domain.md, "Relief cases")."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.i18n import lazy_gettext as _l
from app.models import Beneficiary, ReliefCase, ReliefCaseStatus
from app.models.relief import RELIEF_DECIDED_STATUSES, RELIEF_EDITABLE_STATUSES
from app.programmes import Programme
from app.services import relief, relief_payments, snapshots
from app.services.scope import scoped


def snapshot(case: ReliefCase) -> dict:
    return snapshots.relief_snapshot(case, relief_payments.paid_total)


def cases_of_person(person_id: int):
    """The cases naming a person as the victim or as an heir: a decided entitlement depends on either."""
    as_heir = select(Beneficiary.case_id).where(Beneficiary.person_id == person_id)
    return select(ReliefCase.org_path, ReliefCase.status).where(
        or_(ReliefCase.victim_id == person_id, ReliefCase.id.in_(as_heir)))


PROGRAMME = Programme(
    name="relief", label=_l("Relief cases"), model=ReliefCase, statuses=ReliefCaseStatus,
    editable=RELIEF_EDITABLE_STATUSES, decided=RELIEF_DECIDED_STATUSES, page_endpoint="relief.case",
    view_permission="view_relief_cases", cases_of_person=cases_of_person,
    load=relief.get_case, in_scope=lambda stmt, actor: scoped(stmt, ReliefCase.org_path, actor),
    guard=relief.guard, snapshot=snapshot,
)
