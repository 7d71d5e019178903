"""Relief for teachers and education personnel harmed by the southern-border unrest (domain.md, "Relief cases")."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import ReliefCase, ReliefCaseStatus
from app.models.relief import RELIEF_DECIDED_STATUSES, RELIEF_EDITABLE_STATUSES
from app.programmes import Programme
from app.services import relief, relief_payments, snapshots
from app.services.scope import scoped


def snapshot(case: ReliefCase) -> dict:
    return snapshots.relief_snapshot(case, relief_payments.paid_total)


PROGRAMME = Programme(
    name="relief", label=_l("Relief cases"), model=ReliefCase, statuses=ReliefCaseStatus,
    editable=RELIEF_EDITABLE_STATUSES, decided=RELIEF_DECIDED_STATUSES, page_endpoint="relief.case",
    view_permission="view_relief_cases", person_column=lambda: ReliefCase.victim_id,
    load=relief.get_case, in_scope=lambda stmt, actor: scoped(stmt, ReliefCase.org_path, actor),
    guard=relief.guard, snapshot=snapshot,
    letter_kinds=("decision_notice", "payment_memo", "scholarship_continuation"),
    references=("RC",),
)
