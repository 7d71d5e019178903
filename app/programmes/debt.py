"""Teacher-debt restructuring through model savings cooperatives (domain.md, "Debt cases")."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import DebtCase, DebtCaseStatus
from app.models.debt import DECIDED_STATUSES, EDITABLE_STATUSES
from app.programmes import Programme
from app.services import after_approval_steps, case_figures, debt_cases, instalments, plan_upkeep, settings, snapshots
from app.services.errors import Conflict
from app.services.plan_settings import plan_settings


def _consolidated_principal(case: DebtCase) -> Decimal:
    plan = case.chosen_plan
    if plan is None or not plan.result.get("new_loan"):
        return Decimal("0")
    return Decimal(plan.result["new_loan"]["principal"])


def guard(name: str, case: DebtCase, request=None) -> str | None:
    """The guards of app/domain/workflow.py's debt table: None when it passes, else why not."""
    # Above the regional threshold (a setting; domain.md, Workflow) a regional approver decides as well.
    threshold = Decimal(settings.value("approval.regional_threshold"))
    if name == "chosen_plan":
        return None if case.chosen_plan else _("Choose a plan before submitting the case.")
    if name == "above_regional_threshold":
        return None if _consolidated_principal(case) > threshold else "below"
    if name == "below_regional_threshold":
        return None if _consolidated_principal(case) <= threshold else "above"
    if name == "creditors_settled":  # 409 naming what is missing (api-v1.md v1.1, "Activation")
        return after_approval_steps.settled_guard(case)
    if name == "instalments_paid":   # domain.md step 7
        found = instalments.standing(case)
        if found is None or found.settled:
            return None
        raise Conflict(_("The case closes once every instalment is paid: %(amount)s baht is still owed.",
                         amount=f"{instalments.outstanding(case):,.2f}"))
    if name == "activation_dates":   # 422 for a missing or bad agreement day or first due month
        after_approval_steps.read_activation(request)
        return None
    raise KeyError(name)


def prepare(case: DebtCase, request) -> None:
    """Submitting names the plan to decide on."""
    if request.plan_id is not None and request.action == "submit":
        plan_upkeep.mark_chosen(case, request.plan_id)


def snapshot(case: DebtCase, affordability=None, settings=None) -> dict:
    """What the approval freezes: the figures under the settings in force now (domain.md, Workflow). `affordability`
    and `settings` when the caller already has them (bulk generation)."""
    settings = settings or plan_settings()
    affordability = affordability or case_figures.summary_of(case, settings).affordability
    return snapshots.debt_snapshot(case, affordability, settings)


def cases_of_person(person_id: int):
    """The cases of a teacher."""
    return select(DebtCase.org_path, DebtCase.status).where(DebtCase.person_id == person_id)


PROGRAMME = Programme(
    name="debt", label=_l("Debt cases"), model=DebtCase, statuses=DebtCaseStatus,
    editable=EDITABLE_STATUSES, decided=DECIDED_STATUSES, page_endpoint="debt.case",
    view_permission="view_debt_cases", cases_of_person=cases_of_person,
    load=debt_cases.get_case, in_scope=debt_cases.in_scope_of, guard=guard, snapshot=snapshot, prepare=prepare,
    after_transition=after_approval_steps.after_transition,
)
