"""Payoffs (domain.md, "After approval" 2; api-v1.md v1.1 "Payoffs"): the model cooperative pays an accepted,
consolidated debt off, and the old debt closes.

The amount paid is the creditor's accepted payoff amount, paid while it holds (on or before its valid-until day);
otherwise the officer says why it differs (a late payment accrues more interest, a fee was added, ...).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.money import money_str
from app.domain.thai_text import format_be_date
from app.extensions import db
from app.i18n import current_language
from app.i18n import gettext as _
from app.models import Debt, DebtPayoff, User
from app.services import after_approval_steps, audit
from app.services.approved_plan import CONSOLIDATED, approved_plan
from app.services.after_approval_steps import current_answers
from app.services.creditor_answers import case_answering
from app.services.debt_input import MAX_OUTSTANDING, FieldReader
from app.services.errors import Conflict, ValidationFailed


def record_payoff(actor: User, case_id: int, data: dict) -> DebtPayoff:
    case = case_answering(actor, case_id)
    plan = approved_plan(case)
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"body": _("Send a JSON object.")})
    reader = FieldReader()
    raw = data.get("debt_id")
    debt_id = int(str(raw).strip()) if isinstance(raw, (int, str)) and not isinstance(raw, bool) \
        and str(raw).strip().isdecimal() else None
    answer = None
    if debt_id is None:
        reader.errors["debt_id"] = _("Choose the debt that was paid off.")
    elif plan.touched.get(debt_id) != CONSOLIDATED:
        reader.errors["debt_id"] = _("The approved plan does not consolidate this debt: there is nothing to pay off.")
    else:
        answer = current_answers(case).get(debt_id)
        if answer is None or answer.response != "accepted":
            reader.errors["debt_id"] = _("The creditor of this debt has not accepted: record its answer first.")
    amount = reader.money(data, "amount", "amount", positive=True, maximum=MAX_OUTSTANDING)
    paid_on = reader.day(data, "paid_on", "paid_on", required=True)
    reference = reader.text(data, "reference", "reference", required=False, max_length=100)
    reason = reader.text(data, "difference_reason", "difference_reason", required=False, max_length=2000)
    if answer is not None and amount is not None and paid_on is not None and not reason:
        if amount != answer.payoff_amount:
            reader.errors["amount"] = _(
                "The creditor accepted a payoff of %(accepted)s baht. Pay that amount, or say why it differs.",
                accepted=f"{answer.payoff_amount:,.2f}")
            reader.errors["difference_reason"] = _("Say why the amount differs from the accepted payoff.")
        elif answer.payoff_valid_until and paid_on > answer.payoff_valid_until:
            reader.errors["paid_on"] = _("The accepted payoff held until %(day)s. Say why it was paid later.",
                                         day=format_be_date(answer.payoff_valid_until, "long", current_language()))
            reader.errors["difference_reason"] = _("Say why the payoff was paid after the day it held until.")
    if reader.errors:
        raise ValidationFailed(_("Please correct the marked fields."), reader.errors)
    if db.session.scalar(select(DebtPayoff.id).where(DebtPayoff.debt_id == debt_id,
                                                     DebtPayoff.plan_version == case.plan_version)):
        raise Conflict(_("This debt has been paid off already."))
    row = DebtPayoff(case_id=case.id, debt_id=debt_id, plan_version=case.plan_version, response_id=answer.id,
                     amount=amount, paid_on=paid_on, reference=reference, difference_reason=reason,
                     recorded_by_id=actor.id)
    db.session.add(row)
    try:
        db.session.flush()  # two officers paying the same debt at once: the unique key lets one through
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This debt has been paid off already.")) from None
    debt = db.session.get(Debt, debt_id)
    if debt is not None:
        debt.closed_on = paid_on  # the old debt closes (domain.md, "After approval" 2)
    after_approval_steps.refresh_days(case, plan)
    audit.record("debt_case.payoff", actor=actor, object_type="debt_case", object_id=case.id, org_path=case.org_path,
                 after={"debt_id": debt_id, "amount": money_str(amount), "paid_on": paid_on.isoformat(),
                        "reference": reference, "difference_reason": reason, "plan_version": case.plan_version})
    db.session.commit()
    return row


def payoffs_of(case) -> list[DebtPayoff]:
    """Every payoff of the case, of every version, the latest first."""
    return list(db.session.scalars(select(DebtPayoff).where(DebtPayoff.case_id == case.id)
                                   .order_by(DebtPayoff.id.desc())))
