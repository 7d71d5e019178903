"""How a plan's figures read to an officer (issue 21 point 4).

- "Interest saved" below zero is more interest, not a saving: the page says "interest rises by X baht" and why. A
  plan costs more interest when it spreads the debt over more months than the debts it replaces had left, even at a
  lower rate; otherwise the rate did it.
- A debt whose monthly payment does not exceed its monthly interest never shrinks (issue 21 point 8): the case
  page warns, naming the interest.
- A pro-rata share that does not exceed its debt's monthly interest (domain.md, "Repayment maths": balance × rate /
  1200, rounded half-up) never clears the debt: the planner gives it 0 months; the page says so in words.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.repayment import monthly_interest


@dataclass(frozen=True)
class DebtTerms:
    outstanding: Decimal
    annual_rate: Decimal
    remaining_months: int


@dataclass(frozen=True)
class InterestChange:
    saved: Decimal
    months_before: int  # the longest of the replaced debts' months left
    months_after: int  # the longest of the plan's new schedules

    @property
    def rises(self) -> bool:
        return self.saved < 0

    @property
    def amount(self) -> Decimal:
        return abs(self.saved)

    @property
    def longer_term(self) -> bool:
        return self.months_after > self.months_before


@dataclass(frozen=True)
class ProRataShare:
    debt_id: int
    share: Decimal
    months: int
    monthly_interest: Decimal

    @property
    def covers_interest(self) -> bool:
        return self.share > self.monthly_interest


def _replaced_ids(spec: dict) -> set[int]:
    ids = set(spec.get("consolidate", {}).get("debt_ids", []))
    ids.update(part["debt_id"] for part in spec.get("reschedule", []))
    return ids


def interest_change(body: dict, debts: dict[int, DebtTerms]) -> InterestChange:
    """The plan's interest saved (body["interest_saved"], before − after) with the terms that explain it; the body
    is a plan as services/plan_schedules.frozen_plans gives it: its result with its spec under "spec"."""
    replaced = _replaced_ids(body.get("spec", {}))
    before = max((debts[i].remaining_months for i in replaced if i in debts), default=0)
    schedules = ([body["new_loan"]] if body.get("new_loan") else []) + list(body.get("rescheduled", []))
    after = max((s.get("months") or s["term_months"] for s in schedules), default=0)
    return InterestChange(saved=Decimal(body["interest_saved"]), months_before=before, months_after=after)


def pro_rata_shares(body: dict, debts: dict[int, DebtTerms]) -> list[ProRataShare]:
    return [ProRataShare(debt_id=p["debt_id"], share=Decimal(p["monthly_payment"]), months=p["months"],
                         monthly_interest=monthly_interest(debts[p["debt_id"]].outstanding,
                                                           debts[p["debt_id"]].annual_rate))
            for p in body.get("pro_rata", []) if p["debt_id"] in debts]


def interest_not_covered(outstanding: Decimal, annual_rate: Decimal, payment: Decimal) -> Decimal | None:
    """The monthly interest when `payment` does not exceed it (the balance never falls), else None."""
    interest = monthly_interest(Decimal(outstanding), Decimal(annual_rate))
    return interest if Decimal(payment) <= interest and interest > 0 else None
