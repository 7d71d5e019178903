"""The repayment schedules of a plan, from the plan as it was worked out (issue 17).

A plan stores its result and the settings it was worked out under (plan_json.settings_to_json); its schedules are
built from that result (principal, rate, term, method) under those settings, so the plan's figures and its schedules
are one computation whatever the settings become. For an approved case the chosen plan is read from the approval
snapshot instead (domain.md, Workflow: "letters, schedules, deduction lists and every figure shown for the approved
case come from the snapshot, whatever settings change later"). Plans stored before issue 17 carry no settings: they
are read under the settings in force on the day they were worked out (a snapshot: its approval day).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain import clock
from app.domain.instalments import month_after
from app.domain.planner import PlanSettings
from app.domain.repayment import Schedule, build_schedule
from app.domain.thai_text import to_bangkok
from app.models import CaseSnapshot, DebtCase, DebtPlan
from app.models.debt import DECIDED_STATUSES
from app.services import snapshots
from app.services.plan_json import settings_from_json
from app.services.plan_settings import plan_settings


@dataclass(frozen=True)
class FrozenPlan:
    """A plan as it was worked out: its stored body ("spec" and the result's keys) and the settings of that day."""

    body: dict
    settings: PlanSettings
    from_snapshot: bool = False

    def schedules(self) -> list[tuple[str, Schedule]]:
        """("new_loan", schedule) for the consolidated loan and (str(debt id), schedule) for each rescheduled debt."""
        parts = []
        if self.body.get("new_loan"):
            parts.append(("new_loan", self.body["new_loan"]))
        parts += [(str(row["debt_id"]), row) for row in self.body.get("rescheduled", [])]
        return [(part, build_schedule(Decimal(terms["principal"]), Decimal(terms["annual_rate"]), terms["term_months"],
                                      terms["method"], self.settings.rounding)) for part, terms in parts]

    def schedule(self, part: str) -> Schedule | None:
        return next((schedule for name, schedule in self.schedules() if name == part), None)


def settings_of(body: dict, worked_out_on: date) -> PlanSettings:
    """The settings stored with a plan's result, or (a plan from before issue 17) those in force on its day."""
    stored = body.get("settings")
    return settings_from_json(stored) if stored else plan_settings(worked_out_on)


def approval_snapshot(case: DebtCase) -> CaseSnapshot | None:
    """The snapshot that speaks for an approved, active or closed case; None for a case not (or no longer) decided:
    a revised case is a draft again and its earlier snapshots are history."""
    if case.status not in DECIDED_STATUSES:
        return None
    return snapshots.latest("debt", case.id)


def snapshot_day(snapshot: CaseSnapshot) -> date:
    return to_bangkok(snapshot.created_at).date()


def frozen_snapshot_plan(snapshot: CaseSnapshot) -> FrozenPlan | None:
    chosen = snapshot.data.get("chosen_plan")
    if not chosen:
        return None
    return FrozenPlan(chosen, settings_of(chosen, snapshot_day(snapshot)), from_snapshot=True)


def frozen_plan(case: DebtCase, plan: DebtPlan) -> FrozenPlan:
    """The approved plan from the snapshot when `plan` is what was approved, else the plan row as worked out."""
    return frozen_plans(case, [plan])[plan.id]


def frozen_plans(case: DebtCase, plans=None) -> dict[int, FrozenPlan]:
    """frozen_plan of each of `plans` (by default all the case's), by plan id, reading the snapshot once."""
    snapshot = approval_snapshot(case)
    approved = frozen_snapshot_plan(snapshot) if snapshot is not None else None
    result = {}
    for plan in case.plans if plans is None else plans:
        if approved is not None and approved.body.get("id") == plan.id:
            result[plan.id] = approved
        else:
            body = {"spec": plan.spec, **plan.result}
            result[plan.id] = FrozenPlan(body, settings_of(body, to_bangkok(plan.created_at).date()))
    return result


def first_due(case: DebtCase) -> tuple[date, str]:
    """Issue 21 point 9: the month a plan's first instalment falls due, as the printed schedule has it, and on what it
    rests: the month set at activation ("activated"); before that, the month after approval ("approved"); on a case
    not (or no longer) approved, the month after this one ("estimate": the page says so)."""
    if case.first_due_month:
        return case.first_due_month, "activated"
    snapshot = approval_snapshot(case)
    if snapshot is not None:
        return month_after(snapshot_day(snapshot)), "approved"
    return month_after(clock.today()), "estimate"
