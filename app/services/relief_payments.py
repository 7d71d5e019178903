"""Relief payments and continuation checks: payment rounds never exceed what was approved, even in parallel,
and each year of a scholarship is paid only after its proof of enrolment (domain.md, "Relief cases")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.domain import clock
from app.domain.clock import utcnow
from app.domain.money import MoneyError, money_str, parse_money
from app.extensions import db
from app.i18n import gettext as _
from app.models import ContinuationCheck, Entitlement, Payment, ReliefCase, User
from app.models.relief import PAYABLE_STATUSES
from app.services import audit, workflow
from app.services.debt_input import FieldReader, money_message
from app.services.errors import Conflict, ValidationFailed
from app.services.permissions import require
from app.services.relief import academic_year_of, cases_query, get_case

def _entitlement(case: ReliefCase, entitlement_id) -> Entitlement:
    row = next((e for e in case.entitlements if e.id == entitlement_id), None)
    if row is None:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"entitlement_id": _("This entitlement is not part of the case.")})
    return row


def beneficiary_id(case: ReliefCase, citizen_id) -> int | None:
    """The person id of the case's heir with this citizen ID (the API names heirs by ID), or None."""
    return next((b.person_id for b in case.beneficiaries if b.person.citizen_id == str(citizen_id or "")), None)


def record_continuation(actor: User, case_id: int, entitlement_id: int, person_id: int, period: str,
                        enrolled: bool, note: str | None) -> ContinuationCheck:
    case = get_case(actor, case_id)
    require(actor, "edit_relief_cases")
    entitlement = _entitlement(case, entitlement_id)
    if not any(i["person_id"] == person_id and i["period"] == period for i in entitlement.schedule):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"period": _("No instalment for this child in this academic year.")})
    if int(period) > academic_year_of(clock.today()):  # enrolment can be proved once the year has begun
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"period": _("This academic year has not started yet.")})
    check = ContinuationCheck(entitlement_id=entitlement.id, person_id=person_id, period=period, enrolled=enrolled,
                              note=(note or "")[:300] or None, checked_by_id=actor.id)
    db.session.add(check)
    db.session.flush()
    audit.record("relief_continuation.check", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"entitlement_id": entitlement.id, "person_id": person_id,
                                                "period": period, "enrolled": enrolled})
    db.session.commit()
    return check


def continuation_ok(entitlement: Entitlement, person_id: int, period: str) -> bool:
    latest = db.session.scalar(select(ContinuationCheck.enrolled).where(
        ContinuationCheck.entitlement_id == entitlement.id, ContinuationCheck.person_id == person_id,
        ContinuationCheck.period == period).order_by(ContinuationCheck.id.desc()).limit(1))
    return bool(latest)


def paid_total(entitlement_id: int, person_id: int | None = None, period: str | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.entitlement_id == entitlement_id)
    if person_id is not None:
        stmt = stmt.where(Payment.person_id == person_id)
    if period is not None:
        stmt = stmt.where(Payment.period == period)
    return Decimal(db.session.scalar(stmt))


@dataclass
class PaymentInput:
    entitlement: Entitlement
    amount: Decimal
    paid_on: date
    reference: str
    person_id: int | None
    period: str | None
    approved: Decimal = Decimal(0)  # what was approved for this target: instalment, heir's share or entitlement


def _parse_payment(case: ReliefCase, data) -> PaymentInput:
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    reader = FieldReader()
    errors = reader.errors
    raw_id = data.get("entitlement_id")
    entitlement = _entitlement(case, raw_id) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    if entitlement is None:
        errors["entitlement_id"] = _("This field is required.")
    try:
        amount = parse_money(data.get("amount"))
        if amount <= 0:
            errors["amount"] = _("Enter an amount above zero.")
    except MoneyError as error:
        errors["amount"] = money_message(error)
        amount = None
    paid_on = reader.day(data, "paid_on", "paid_on", required=True)
    reference = reader.text(data, "reference", "reference", max_length=100)
    person_id = data.get("person_id") if isinstance(data.get("person_id"), int) else None
    period = data.get("period") if isinstance(data.get("period"), str) else None
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    payment = PaymentInput(entitlement, amount, paid_on, reference, person_id, period)
    payment.approved = _approved_for(payment)
    return payment


def _approved_for(payment: PaymentInput) -> Decimal:
    """What was approved for the payment's target: one child's instalment of an academic year (paid only after
    that year's proof of enrolment, domain.md "Multi-year entitlements"), one heir's share, or the entitlement."""
    entitlement, person_id, period = payment.entitlement, payment.person_id, payment.period
    if entitlement.schedule:
        item = next((i for i in entitlement.schedule if i["person_id"] == person_id and i["period"] == period), None)
        if item is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"period": _("Choose the child and academic year of this payment.")})
        if not continuation_ok(entitlement, person_id, period):
            raise ValidationFailed(_("Please correct the marked fields."), {
                "period": _("Record the proof of enrolment for this academic year before paying it.")})
        return Decimal(item["amount"])
    if person_id is not None:
        share = next((s for s in entitlement.shares if s["person_id"] == person_id), None)
        if share is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"person_id": _("This person has no share of this entitlement.")})
        return Decimal(share["amount"])
    return entitlement.amount


def _lock_payments(case: ReliefCase) -> None:
    """Payments of a case are serialised like approvals (app/services/workflow.py): a conditional UPDATE of the
    case row while it is payable. Until commit PostgreSQL holds that row lock and SQLite its write lock, so the
    balance, the round number and the status read next include every payment committed before. A case closed
    meanwhile matches no row: payments happen between approval and closing (domain.md, "Workflow")."""
    locked = db.session.execute(
        update(ReliefCase).where(ReliefCase.id == case.id, ReliefCase.status.in_(PAYABLE_STATUSES))
        .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if locked != 1:
        raise Conflict(_("Payments can be recorded only for an approved case."))
    db.session.refresh(case)  # the status as the lock found it: an earlier payment may have moved it to paying


def _unpaid(payment: PaymentInput) -> Decimal:
    """Approved and still unpaid for the payment's target, and never more than is left of the whole entitlement
    (domain.md, "Payments": never more than approved). Read under the payment lock."""
    entitlement = payment.entitlement
    period = payment.period if entitlement.schedule else None
    left = payment.approved - paid_total(entitlement.id, payment.person_id, period)
    return min(left, entitlement.amount - paid_total(entitlement.id))


def _next_round(entitlement_id: int) -> int:
    """Payments of an entitlement are numbered rounds 1, 2, 3… (domain.md, "Payments"); read under the payment
    lock, and unique per entitlement in the database as well."""
    last = db.session.scalar(select(func.coalesce(func.max(Payment.round_no), 0))
                             .where(Payment.entitlement_id == entitlement_id))
    return int(last) + 1


def _store_payment(actor: User, case: ReliefCase, data: PaymentInput) -> Payment:
    left = _unpaid(data)
    if data.amount > left:
        shown = f"{max(left, Decimal(0)):,.2f}"   # read by a person: with separators (issue 21, 7)
        raise ValidationFailed(_("The payment is more than what is approved and unpaid (%(left)s baht).", left=shown),
                               {"amount": _("At most %(left)s baht.", left=shown)})
    round_no = _next_round(data.entitlement.id)
    payment = Payment(case=case, entitlement_id=data.entitlement.id, person_id=data.person_id, period=data.period,
                      round_no=round_no, amount=data.amount, paid_on=data.paid_on, reference=data.reference,
                      created_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    audit.record("relief_payment.record", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"entitlement_id": data.entitlement.id, "round": round_no,
                                                "amount": money_str(data.amount), "reference": data.reference})
    return payment


def record_payment(actor: User, case_id: int, data) -> Payment:
    """A payment round for one entitlement (and heir); the total never exceeds what was approved. The payment
    and the first payment's approved → paying step are one transaction: stored together or not at all."""
    case = get_case(actor, case_id)
    require(actor, "record_relief_payments")
    if not case.payable:
        raise Conflict(_("Payments can be recorded only for an approved case."))
    typed = _parse_payment(case, data)
    try:
        _lock_payments(case)
        payment = _store_payment(actor, case, typed)
        if case.status == "approved":  # the engine's transition commits the payment with the status change
            workflow.transition("relief", actor, case.id, workflow.TransitionRequest(action="pay"))
        else:
            db.session.commit()
    except IntegrityError:  # the unique round number caught a payment that bypassed the lock
        db.session.rollback()
        raise Conflict(_("Someone else acted on this case at the same moment. Reload it to see what happened.")) \
            from None
    except Exception:
        db.session.rollback()
        raise
    return payment


def checks_due(actor: User, today: date | None = None) -> list[dict]:
    """Instalments of this academic year (in scope) whose proof of enrolment is not yet recorded."""
    period = str(academic_year_of(today or clock.today()))
    due = []
    stmt = cases_query(actor).where(ReliefCase.status.in_(PAYABLE_STATUSES))
    for case in db.session.scalars(stmt):
        people = {b.person_id: b.person for b in case.beneficiaries}
        for entitlement in case.entitlements:
            for item in entitlement.schedule:
                if item["period"] == period and not continuation_ok(entitlement, item["person_id"], period):
                    due.append({"case": case, "entitlement": entitlement, "person": people.get(item["person_id"]),
                                "item": item})
    return due
