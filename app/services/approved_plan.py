"""The approved plan's parts, read from the approval snapshot (domain.md, Workflow: what happens after approval
follows what was approved, whatever the case's rows become).

A plan touches a debt when it consolidates it into the model cooperative's new loan, reschedules it, or shares a
payment among debts pro rata: each such creditor must answer (domain.md, "After approval" 1). The debts it does not
touch keep their own terms; those deducted from salary stay on the deduction list (api-v1.md, "Deduction lists").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.i18n import gettext as _
from app.models import DebtCase
from app.services import snapshots
from app.services.errors import Conflict
from app.services.plan_schedules import approval_snapshot

CONSOLIDATED, RESCHEDULED, PRO_RATA = "consolidated", "rescheduled", "pro_rata"


@dataclass(frozen=True)
class ApprovedPlan:
    snapshot: object                        # the CaseSnapshot
    body: dict                              # snapshots.read(snapshot.data)
    touched: dict[int, str]                 # debt id -> CONSOLIDATED | RESCHEDULED | PRO_RATA, in plan order
    debts: dict[int, dict] = field(default_factory=dict)  # debt id -> the debt as approved

    @property
    def consolidated(self) -> list[int]:
        return [debt_id for debt_id, how in self.touched.items() if how == CONSOLIDATED]

    def creditor_name(self, debt_id: int) -> str:
        return self.debts.get(debt_id, {}).get("creditor_name", "-")


def touched_debts(plan_body: dict) -> dict[int, str]:
    """The debts a stored plan (its "spec") touches and how, consolidated first, then rescheduled, then pro rata."""
    spec = plan_body.get("spec") or {}
    touched: dict[int, str] = {}
    for debt_id in (spec.get("consolidate") or {}).get("debt_ids", []):
        touched[int(debt_id)] = CONSOLIDATED
    for row in spec.get("reschedule") or []:
        touched[int(row["debt_id"])] = RESCHEDULED
    for debt_id in (spec.get("pro_rata") or {}).get("debt_ids", []):
        touched[int(debt_id)] = PRO_RATA
    return touched


def approved_plan(case: DebtCase) -> ApprovedPlan:
    """The plan an approved or active case carries out; 409 for a case with nothing approved to follow."""
    snapshot = approval_snapshot(case)
    body = snapshots.read(snapshot.data) if snapshot is not None else None
    if body is None or not body.get("chosen_plan"):
        raise Conflict(_("This case has no approved plan to carry out."))
    return ApprovedPlan(snapshot, body, touched_debts(body["chosen_plan"]),
                        {int(d["id"]): d for d in body.get("debts", [])})
