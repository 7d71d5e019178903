"""When the guarantors of a debt are notified (domain.md, "After approval" 6; api-v1.md v1.1, "Letter kinds added":
guarantor_notice, only for a debt 60 or more days overdue), and which overdue episode a notice answers.

The Civil and Commercial Code s.686 has the creditor notify the guarantor in writing within 60 days of the debtor's
default. A restructured debt is repaid through the plan's instalments: a consolidated debt through the new loan,
a rescheduled one through its own part (instalments.governing_part); a debt the plan leaves alone has none here.
Its days past due are those of its part's oldest unpaid instalment (app/domain/instalments.py).

An overdue episode lasts while the part stays behind. A notice answers the episode it was issued in: once a
repayment after it brings the part level with every instalment then due, the episode is over, and the next default
is a new one, notified again without a reissue reason (LetterKind.covers).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, select

from app.domain import clock
from app.domain import instalments as arithmetic
from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtCase, Letter
from app.models.debt import Debt
from app.models.guarantors import DebtGuarantor
from app.models.repayments import CaseDelinquency, Repayment
from app.services import instalments, letters
from app.services.approved_plan import approved_plan
from app.services.debt_cases import in_scope_of
from app.services.errors import Conflict, ValidationFailed

KIND = "guarantor_notice"
MIN_DAYS_PAST_DUE = 60  # api-v1.md v1.1: only for a debt 60 or more days overdue
MAX_CANDIDATES = 5000   # a batch holds at most this many cases (letter_batches.MAX_BATCH)


@dataclass(frozen=True)
class Overdue:
    """Where a restructured debt stands on a day: the part that repays it and how far behind that part is."""
    debt_id: int
    part: str                      # "new_loan" or the rescheduled debt's id
    as_of: date
    days_past_due: int
    amount_overdue: Decimal
    oldest_unpaid_due: date | None  # the due day of the oldest instalment not fully paid, if it has passed


def guarantors_of(debt_id: int) -> list[DebtGuarantor]:
    """The debt's guarantors in the order entered (models/guarantors.py)."""
    return list(db.session.scalars(select(DebtGuarantor).where(DebtGuarantor.debt_id == debt_id)
                                   .order_by(DebtGuarantor.position, DebtGuarantor.id)))


def guaranteed_debts(debt_ids) -> set[int]:
    """Those of the debts that name at least one guarantor."""
    ids = sorted({int(i) for i in debt_ids})
    if not ids:
        return set()
    return set(db.session.scalars(select(DebtGuarantor.debt_id).where(DebtGuarantor.debt_id.in_(ids)).distinct()))


def overdue_of(case: DebtCase, debt_id: int, as_of: date | None = None) -> Overdue | None:
    """The debt's standing through its part; None when no instalments of the plan repay it."""
    as_of = as_of or clock.today()
    found = instalments.debt_standing(case, debt_id, as_of)
    if found is None:
        return None
    part, standing = found
    return Overdue(int(debt_id), part, as_of, standing.days_past_due(as_of), standing.amount_overdue,
                   standing.oldest_unpaid_due)


def check_notifiable(case: DebtCase, debt_id, as_of: date | None = None) -> tuple[Overdue, list[DebtGuarantor]]:
    """The debt's standing and guarantors when a notice may go to them: 422 for a debt the plan's instalments do not
    repay, 409 while it is less than 60 days overdue (saying how many it is) or names no guarantor."""
    if not isinstance(debt_id, int) or isinstance(debt_id, bool):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"debt_id": _("Choose the debt whose guarantors are to be notified.")})
    found = overdue_of(case, debt_id, as_of)
    if found is None:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "debt_id": _("Choose a debt that the plan restructures: only its instalments can fall overdue here.")})
    if found.days_past_due < MIN_DAYS_PAST_DUE:
        if found.days_past_due == 0:
            raise Conflict(_("Guarantors are notified once the debt is %(min)d or more days overdue (Civil and "
                             "Commercial Code s.686): this debt is not overdue.", min=MIN_DAYS_PAST_DUE))
        raise Conflict(_("Guarantors are notified once the debt is %(min)d or more days overdue (Civil and "
                         "Commercial Code s.686): it is %(days)d days overdue today.", min=MIN_DAYS_PAST_DUE,
                         days=found.days_past_due))
    guarantors = guarantors_of(found.debt_id)
    if not guarantors:
        raise Conflict(_("This debt names no guarantor: there is no one to notify."))
    return found, guarantors


def notifiable_debts(case: DebtCase, as_of: date | None = None) -> list[Overdue]:
    """The restructured debts of the case, in plan order, that are 60 or more days overdue and have guarantors."""
    plan = approved_plan(case)
    guaranteed = guaranteed_debts(plan.touched)
    found = []
    for debt_id in plan.touched:
        if debt_id not in guaranteed:
            continue
        standing = overdue_of(case, debt_id, as_of)
        if standing is not None and standing.days_past_due >= MIN_DAYS_PAST_DUE:
            found.append(standing)
    return found


# ---- the overdue episode a notice answers ---------------------------------------------------------------------

def caught_up_after(case: DebtCase, part: str, day: date, through: date) -> bool:
    """Whether a repayment of the part made after `day` (up to `through`) brought it level with every instalment
    due before the payment: the overdue episode of `day` ended then. Repayments count from the day they were paid,
    for the case's current plan version."""
    runs = instalments.parts_of(case).get(part, ([], None))[0]
    if not runs:
        return False
    paid = Decimal("0")
    for paid_on, amount in db.session.execute(
            select(Repayment.paid_on, func.sum(Repayment.amount))
            .where(Repayment.case_id == case.id, Repayment.plan_version == case.plan_version, Repayment.part == part)
            .group_by(Repayment.paid_on).order_by(Repayment.paid_on)):
        paid += Decimal(amount)
        if day < paid_on <= through:
            ended = arithmetic.month_of(arithmetic.month_index(paid_on) - 1)  # months whose due day has passed
            if paid >= arithmetic.due_through(runs, ended):
                return True
    return False


def covers(letter: Letter) -> bool:
    """LetterKind.covers of the guarantor notice: the notice still speaks for the debt while the episode it was
    issued in goes on — the same plan version, and no repayment since has caught the part up."""
    case = db.session.get(DebtCase, letter.case_id)
    notice = (letter.payload.get("data") or {}).get("notice") or {}
    if case is None or notice.get("plan_version") != case.plan_version or "part" not in notice:
        return False
    return not caught_up_after(case, notice["part"], letter.issued_on, clock.today())


# ---- the batch: every debt in scope that is due a notice -------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    case: DebtCase
    debts: list[Overdue]   # its debts 60 or more days overdue with guarantors
    notified: dict[int, Letter]  # of those, the ones whose current episode was notified already, by debt id

    @property
    def due(self) -> list[Overdue]:
        return [d for d in self.debts if d.debt_id not in self.notified]


def candidates(actor, on: date | None = None) -> list[Candidate]:
    """Active cases in the caller's scope with a guaranteed restructured debt 60 or more days overdue, each with
    those debts and the notices already covering them. The stored delinquency (kept by activation, repayments and
    the daily sweep, services/arrears.py) picks the cases whose oldest unpaid instalment fell due 60 or more days
    ago; each is then worked out debt by debt."""
    on = on or clock.today()
    guaranteed = exists().where(Debt.case_id == DebtCase.id, DebtGuarantor.debt_id == Debt.id)
    query = in_scope_of(select(DebtCase), actor).join(CaseDelinquency, CaseDelinquency.case_id == DebtCase.id).where(
        DebtCase.status == "active", CaseDelinquency.oldest_unpaid_due.is_not(None),
        CaseDelinquency.oldest_unpaid_due <= on - timedelta(days=MIN_DAYS_PAST_DUE), guaranteed)
    cases = list(db.session.scalars(query.order_by(DebtCase.id).limit(MAX_CANDIDATES)))
    found = []
    for case in cases:
        debts = notifiable_debts(case, on)
        if not debts:
            continue
        notified = {}
        for debt in debts:
            letter = letters.existing_letter("debt", case.id, KIND, debt.debt_id)
            if letter is not None:
                notified[debt.debt_id] = letter
        found.append(Candidate(case, debts, notified))
    return found
