"""The steps of a debt case after approval (domain.md, "After approval" 1–3), as the workflow sees them: what the
current version of the plan has been answered and paid, the days it reached each step, what activation still waits
for, and what approving, activating and revising record besides the state (hooked into services/workflow.py by the
debt programme, app/programmes/debt.py).

Funnel days (DebtCase): approved_on (the approval), answered_on (every touched debt accepted: the latest answer day),
paid_off_on (every consolidated debt paid off: the latest payoff day; the answer day when nothing is consolidated),
and agreement_signed_on (activation). A revision clears them: the new version starts the funnel again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain import clock
from app.domain.thai_text import parse_typed_month
from app.extensions import db
from app.i18n import gettext as _
from app.models import CreditorResponse, DebtCase, DebtPayoff, User
from app.services import arrears, deduction_lines
from app.services.approved_plan import CONSOLIDATED, ApprovedPlan, approved_plan
from app.services.debt_input import FieldReader
from app.services.errors import Conflict, ValidationFailed
from app.services.unit_of_work_memo import remembered


def case_answers(case: DebtCase) -> list[CreditorResponse]:
    """Every creditor answer of the case, of every version of the plan, oldest first: read once per unit of work
    (services/unit_of_work_memo.py), since the case page asks twice — its answers and the debts the plan touches."""
    return list(remembered(("creditor_responses", case.id), lambda: list(db.session.scalars(
        select(CreditorResponse).where(CreditorResponse.case_id == case.id).order_by(CreditorResponse.id)))))


def current_answers(case: DebtCase) -> dict[int, CreditorResponse]:
    """The latest answer about each debt in the case's current version of the plan, by debt id."""
    return {row.debt_id: row for row in case_answers(case) if row.plan_version == case.plan_version}


def current_payoffs(case: DebtCase) -> dict[int, DebtPayoff]:
    return {row.debt_id: row for row in db.session.scalars(select(DebtPayoff).where(
        DebtPayoff.case_id == case.id, DebtPayoff.plan_version == case.plan_version))}


@dataclass(frozen=True)
class TouchedDebt:
    """A debt the approved plan touches, with the current version's answer and payoff (domain.md, "After approval"
    1–2). payoff_status: "not_needed" (not consolidated), "paid", "due" (accepted, not yet paid off) or "waiting"
    (no acceptance yet)."""

    debt_id: int
    creditor: str
    how: str
    answer: CreditorResponse | None
    payoff: DebtPayoff | None

    @property
    def accepted(self) -> bool:
        return self.answer is not None and self.answer.response == "accepted"

    @property
    def payoff_status(self) -> str:
        if self.how != CONSOLIDATED:
            return "not_needed"
        if self.payoff is not None:
            return "paid"
        return "due" if self.accepted else "waiting"


def touched_debts(case: DebtCase, plan: ApprovedPlan) -> list[TouchedDebt]:
    """Each debt the plan touches, in plan order, with where it stands."""
    answers, paid = current_answers(case), current_payoffs(case)
    return [TouchedDebt(debt_id, plan.creditor_name(debt_id), how, answers.get(debt_id), paid.get(debt_id))
            for debt_id, how in plan.touched.items()]


@dataclass(frozen=True)
class Missing:
    """One thing activation waits for: the debt, its creditor, what is missing ("answer", "acceptance", "payoff")
    and the sentence that says it."""

    debt_id: int
    creditor: str
    what: str
    message: str


def missing_for_activation(case: DebtCase, plan: ApprovedPlan, debts: list[TouchedDebt] | None = None,
                           numbers: dict[int, int] | None = None) -> list[Missing]:
    """What activation still waits for, one item per debt, naming its creditor (api-v1.md v1.1: the 409 names
    them). `debts`: touched_debts(case, plan) when the caller has them. The messages name each debt by its id, or
    by `numbers` (debt_cases.debt_numbers: the case page's 1..n) when given."""
    missing = []
    for debt in touched_debts(case, plan) if debts is None else debts:
        ids = {"id": (numbers or {}).get(debt.debt_id, debt.debt_id), "creditor": debt.creditor}
        if debt.answer is None:
            missing.append(Missing(debt.debt_id, debt.creditor, "answer", _(
                "debt %(id)s (%(creditor)s): no answer from the creditor yet", **ids)))
        elif not debt.accepted:
            missing.append(Missing(debt.debt_id, debt.creditor, "acceptance", _(
                "debt %(id)s (%(creditor)s): the creditor did not accept (revise the plan)", **ids)))
        elif debt.payoff_status == "due":
            missing.append(Missing(debt.debt_id, debt.creditor, "payoff", _(
                "debt %(id)s (%(creditor)s): not paid off yet", **ids)))
    return missing


def refresh_days(case: DebtCase, plan: ApprovedPlan) -> None:
    """answered_on and paid_off_on from the current version's answers and payoffs."""
    answers, paid = current_answers(case), current_payoffs(case)
    accepted = [answers.get(d) for d in plan.touched]
    case.answered_on = (max(a.responded_on for a in accepted)
                        if accepted and all(a is not None and a.response == "accepted" for a in accepted) else None)
    consolidated = plan.consolidated
    if case.answered_on is None:
        case.paid_off_on = None
    elif not consolidated:
        case.paid_off_on = case.answered_on
    elif all(d in paid for d in consolidated):
        case.paid_off_on = max(paid[d].paid_on for d in consolidated)
    else:
        case.paid_off_on = None


# ---- the workflow's hooks --------------------------------------------------------------------------------------

def settled_guard(case: DebtCase) -> None:
    """Activation waits for every touched debt's acceptance and every consolidated debt's payoff: 409 naming them."""
    missing = missing_for_activation(case, approved_plan(case))
    if missing:
        raise Conflict(_("The case cannot become active yet: %(missing)s.",
                         missing="; ".join(m.message for m in missing)),
                       extra={"missing": [{"debt_id": m.debt_id, "creditor": m.creditor, "missing": m.what}
                                          for m in missing]})


def read_activation(request) -> tuple[date, date]:
    """(agreement day, first due month's first day) from an activation request; 422 with the fields otherwise."""
    reader = FieldReader()
    signed = reader.day({"d": request.agreement_signed_on}, "d", "agreement_signed_on", required=True)
    first_due = None
    raw = request.first_due_month
    if raw in (None, ""):
        reader.errors["first_due_month"] = _("This field is required.")
    else:
        try:
            year, month = parse_typed_month(str(raw))
            first_due = date(year, month, 1)
        except ValueError:
            reader.errors["first_due_month"] = _("Enter a month as YYYY-MM (Common Era) or mm/yyyy (Buddhist Era).")
    if signed and first_due and first_due < signed.replace(day=1):
        reader.errors["first_due_month"] = _("The first deduction cannot come before the month of the agreement.")
    if reader.errors:
        raise ValidationFailed(_("Please correct the marked fields."), reader.errors)
    return signed, first_due


def after_transition(actor: User, case: DebtCase, transition, request) -> dict:
    """What a move records besides the state; returns what the audit record adds."""
    if transition.target == "approved":
        case.approved_on = clock.today()
        case.answered_on = case.paid_off_on = None
        return {"plan_version": case.plan_version}
    if transition.action == "activate":
        signed, first_due = read_activation(request)
        case.agreement_signed_on, case.first_due_month = signed, first_due
        lines = deduction_lines.write_lines(case, approved_plan(case))
        db.session.flush()
        arrears.assess(case_ids=[case.id])   # its bucket and history start at activation (api-v1.md "delinquency")
        return {"agreement_signed_on": signed.isoformat(), "first_due_month": first_due.strftime("%Y-%m"),
                "deduction_lines": lines}
    if transition.action == "revise":
        # The deductions of the month under way stand (payroll has its list); from next month, none until the
        # new version is approved and activated again.
        deduction_lines.end_lines(case, deduction_lines.add_months(clock.today().replace(day=1), 1))
        previous = case.plan_version
        case.plan_version = previous + 1
        arrears.clear_flag(case.id)
        case.approved_on = case.answered_on = case.paid_off_on = None
        case.agreement_signed_on = case.first_due_month = None
        return {"plan_version": case.plan_version, "previous_version": previous}
    return {}
