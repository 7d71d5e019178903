"""Guarantors (domain.md, "After approval" 6): a person's exposure as guarantor, across every case in the caller's
scope (api-v1.md v1.1 "Guarantor exposure"), and the report on the free-text notes migration 0022 could not read as
guarantors (`flask guarantors-report`).

A guarantor is named on a debt by citizen ID (app/models/guarantors.py), not registered as a person: exposure is
found by the citizen ID, whether or not the person has a record of their own.

What is outstanding on a debt: once the case is active (or closed), what is left of the instalments that repay it —
the new loan's for a consolidated debt (the model cooperative paid the old debt off with it; its guarantors stand
behind that loan), its own schedule's for a rescheduled one (services/instalments.debt_standing); for a debt the
plan leaves on its own terms, and for every debt of a case not yet active, the debt's own outstanding as entered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.instalments import ZERO
from app.domain.money import money_str
from app.domain.thai_id import is_valid_citizen_id, mask_citizen_id, normalise_citizen_id
from app.extensions import db
from app.models import Debt, DebtCase, DebtGuarantor, OrgUnit, Person, User
from app.models.repayments import CaseDelinquency
from app.services import audit, instalments
from app.services.debt_cases import in_scope_of
from app.services.errors import NotFound
from app.services.permissions import require

FOLLOWED = ("active", "closed")  # cases whose debts are repaid through instalments


# ---- exposure --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuaranteedDebt:
    case: DebtCase
    debt: Debt
    outstanding: Decimal
    bucket: str | None

    def as_json(self) -> dict:
        return {"case_id": self.case.id, "debt_id": self.debt.id, "debtor_name": self.case.person.full_name,
                "outstanding": money_str(self.outstanding), "bucket": self.bucket}


@dataclass(frozen=True)
class OwedCase:
    case: DebtCase
    outstanding: Decimal
    bucket: str | None

    def as_json(self) -> dict:
        return {"case_id": self.case.id, "outstanding": money_str(self.outstanding)}


@dataclass(frozen=True)
class Exposure:
    citizen_id: str
    person: Person | None
    as_debtor: list[OwedCase]
    as_guarantor: list[GuaranteedDebt]

    @property
    def total_guaranteed(self) -> Decimal:
        return sum((item.outstanding for item in self.as_guarantor), ZERO)

    @property
    def empty(self) -> bool:
        return not self.as_debtor and not self.as_guarantor

    def as_json(self) -> dict:
        """api-v1.md v1.1: {"as_debtor": [...], "as_guarantor": [...], "total_guaranteed"}, money as strings."""
        return {"as_debtor": [item.as_json() for item in self.as_debtor],
                "as_guarantor": [item.as_json() for item in self.as_guarantor],
                "total_guaranteed": money_str(self.total_guaranteed)}


def debt_outstanding(case: DebtCase, debt: Debt) -> Decimal:
    """What is left on a debt (the module's docstring): the instalments repaying it once the case is followed."""
    if case.status in FOLLOWED:
        found = instalments.debt_standing(case, debt.id)
        if found is not None:
            _part, standing = found
            return max(standing.total_due - standing.paid, ZERO)
    return debt.outstanding


def case_outstanding(case: DebtCase) -> Decimal:
    """What the teacher still owes on a case: once it is followed, the instalments left (services/instalments
    .outstanding) and the debts the plan left on their own terms (those the model cooperative paid off aside);
    before, the debts as entered."""
    if case.status not in FOLLOWED:
        return sum((d.outstanding for d in case.debts), ZERO)
    left_alone = sum((d.outstanding for d in case.debts
                      if d.closed_on is None and instalments.governing_part(case, d.id) is None), ZERO)
    return instalments.outstanding(case) + left_alone


def _buckets(case_ids) -> dict[int, str]:
    """The case's delinquency bucket as the sweep last recorded it (services/arrears.py); absent: never active."""
    if not case_ids:
        return {}
    return dict(db.session.execute(select(CaseDelinquency.case_id, CaseDelinquency.bucket)
                                   .where(CaseDelinquency.case_id.in_(sorted(case_ids)))).all())


def exposure_of(actor: User, citizen_id: str) -> Exposure:
    """A person's exposure over the cases in `actor`'s scope: the cases they owe and the debts they guarantee
    (api-v1.md v1.1). Not logged: view_exposure() is the API's read, and the person page logs its own view."""
    require(actor, "view_people")
    citizen_id = normalise_citizen_id(citizen_id or "")
    if not is_valid_citizen_id(citizen_id):
        raise NotFound()
    person = db.session.scalar(select(Person).where(Person.citizen_id == citizen_id))
    owed = [] if person is None else list(db.session.scalars(in_scope_of(
        select(DebtCase).where(DebtCase.person_id == person.id), actor).order_by(DebtCase.id)))
    guaranteed = db.session.execute(in_scope_of(
        select(DebtCase, Debt).join(Debt, Debt.case_id == DebtCase.id)
        .where(Debt.id.in_(select(DebtGuarantor.debt_id).where(DebtGuarantor.citizen_id == citizen_id))),
        actor).order_by(DebtCase.id, Debt.position)).all()
    buckets = _buckets({c.id for c in owed} | {case.id for case, _debt in guaranteed})
    return Exposure(
        citizen_id, person,
        [OwedCase(case, case_outstanding(case), buckets.get(case.id)) for case in owed],
        [GuaranteedDebt(case, debt, debt_outstanding(case, debt), buckets.get(case.id)) for case, debt in guaranteed])


def view_exposure(actor: User, citizen_id: str) -> Exposure:
    """The API's read (GET /api/v1/people/{citizen_id}/exposure): 404 for a malformed ID or when nothing is in
    scope; otherwise logged as a view of the person's data (domain.md, Privacy: log who viewed a person's record),
    whether or not they have a record of their own, and committed."""
    found = exposure_of(actor, citizen_id)
    if found.empty:
        raise NotFound()
    audit.record("person.view", actor=actor, object_type="person", object_id=found.person.id if found.person else None,
                 org_path=actor.scope_path, after={"exposure": found.citizen_id, "as_debtor": len(found.as_debtor),
                                                   "as_guarantor": len(found.as_guarantor)})
    db.session.commit()
    return found


# ---- the migration's report (migration 0022; flask guarantors-report) ------------------------------------------

@dataclass(frozen=True)
class NoteRow:
    cooperative_code: str
    case_reference: str | None
    case_id: int
    debt_id: int
    position: int   # the debt's row in the case, counting from 1
    masked_note: str


@dataclass(frozen=True)
class Counts:
    debts_with_guarantors: int
    guarantors: int
    notes_left: int


_DIGIT_RUN = re.compile(r"\d[\d\- ]*\d")


def mask_note(text: str, limit: int = 80) -> str:
    """A note as a report may print it: citizen IDs masked as lists mask them (1-1017-xxxxx-70-8), other runs of
    digits (telephone numbers, account numbers) shown as x's; cut at `limit` characters."""
    def mask(match: re.Match) -> str:
        digits = normalise_citizen_id(match.group())
        return mask_citizen_id(digits) if len(digits) == 13 else re.sub(r"\d", "x", match.group())

    masked = _DIGIT_RUN.sub(mask, " ".join(text.split()))
    return masked if len(masked) <= limit else masked[:limit - 1] + "…"


def counts() -> Counts:
    return Counts(
        db.session.scalar(select(func.count(func.distinct(DebtGuarantor.debt_id)))) or 0,
        db.session.scalar(select(func.count(DebtGuarantor.id))) or 0,
        db.session.scalar(select(func.count(Debt.id)).where(Debt.guarantors_note.is_not(None),
                                                            Debt.guarantors_note != "")) or 0)


def unstructured_notes(limit: int | None = None) -> list[NoteRow]:
    """The debts whose guarantors are still free text (migration 0022 could not read them as citizen IDs and names,
    or a v1.0 client sent text since), by cooperative and case, for an officer to type them as guarantors."""
    stmt = (select(OrgUnit.code, DebtCase.reference, DebtCase.id, Debt.id, Debt.position, Debt.guarantors_note)
            .join(DebtCase, DebtCase.id == Debt.case_id).join(OrgUnit, OrgUnit.id == DebtCase.cooperative_id)
            .where(Debt.guarantors_note.is_not(None), Debt.guarantors_note != "")
            .order_by(OrgUnit.code, DebtCase.id, Debt.position))
    if limit:
        stmt = stmt.limit(limit)
    return [NoteRow(code, reference, case_id, debt_id, position + 1, mask_note(note))
            for code, reference, case_id, debt_id, position, note in db.session.execute(stmt)]
