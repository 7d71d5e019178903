"""The 30% rule (domain.md, "The 30% rule").

MOE regulation on salary deductions for loan repayment, B.E. 2551, clause 7(5), upheld by the
Administrative Court (2019) and extended to all agencies by Cabinet on 19 Dec 2023: after all deductions
a teacher must keep at least 30% of salary. The floor, the base and an optional absolute minimum are
settings (services/settings.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from app.domain.money import SATANG, money_str, to_money

RATIO_PLACES = Decimal("0.0001")
RISK_GROUPS = ("red", "orange", "yellow", "green")
LEGAL_RED = frozenset({"sued", "enforced"})


@dataclass(frozen=True)
class AffordabilitySettings:
    floor: Decimal = Decimal("0.30")
    base: str = "salary"  # or "receipts"
    absolute_minimum: Decimal | None = None


@dataclass(frozen=True)
class Affordability:
    receipts: Decimal
    non_debt_deductions: Decimal
    debt_service: Decimal
    net: Decimal
    base: Decimal
    ratio: Decimal
    floor: Decimal
    meets_floor: bool
    shortfall: Decimal

    def as_dict(self) -> dict:
        return {
            "receipts": money_str(self.receipts), "non_debt_deductions": money_str(self.non_debt_deductions),
            "debt_service": money_str(self.debt_service), "net": money_str(self.net), "base": money_str(self.base),
            "ratio": f"{self.ratio:.4f}", "floor": f"{self.floor:.4f}", "meets_floor": self.meets_floor,
            "shortfall": money_str(self.shortfall),
        }


def assess(salary: Decimal, allowances: Decimal, non_debt_deductions: Decimal, debt_service: Decimal,
           settings: AffordabilitySettings = AffordabilitySettings(), *,
           pension: Decimal | None = None) -> Affordability:
    """`pension`: the monthly pension of a retired teacher, or None for a serving one. The rule "covers pensions
    too": for a retired teacher the pension takes the place of salary as receipts and base (domain.md, "The 30%
    rule"), whatever the base setting; salary and allowances are then not counted (a pensioner draws no salary and
    no position allowances; a cost-of-living supplement paid with the pension, ช.ค.บ., belongs in the pension)."""
    if pension is not None:
        receipts = base = pension
    else:
        receipts = salary + allowances
        base = receipts if settings.base == "receipts" else salary
    net = receipts - non_debt_deductions - debt_service
    required = settings.floor * base
    # Compare exactly: a ratio rounded for display must not flip the verdict.
    gaps = [required - net]
    if settings.absolute_minimum is not None:
        gaps.append(settings.absolute_minimum - net)
    meets = all(gap <= 0 for gap in gaps)
    ratio = (net / base).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP) if base else Decimal("0.0000")
    return Affordability(
        receipts=to_money(receipts), non_debt_deductions=to_money(non_debt_deductions),
        debt_service=to_money(debt_service), net=to_money(net), base=to_money(base), ratio=ratio,
        floor=settings.floor.quantize(RATIO_PLACES), meets_floor=meets,
        # shortfall = max(0, floor·base − net) (domain.md, "The 30% rule"), rounded UP to the satang so that
        # paying it restores the floor and it is never 0.00 while the floor is missed (floor·base may have
        # more than two decimals, e.g. 0.30 × 45,000.05 = 13,500.015).
        shortfall=max([Decimal(0), *gaps]).quantize(SATANG, rounding=ROUND_CEILING),
    )


def risk_group(legal_statuses: Iterable[str], has_debt: bool, meets_floor: bool) -> str:
    """The colour groups the basic-education office reports: red = any debt sued or under enforcement;
    orange = below the floor; yellow = in debt and at or above the floor; green = no debt."""
    if LEGAL_RED & set(legal_statuses):
        return "red"
    if not meets_floor:
        return "orange"
    return "yellow" if has_debt else "green"


def debt_weights(payments: Mapping) -> list[tuple]:
    """Debts by monthly payment, heaviest first, with each one's share of the debt service."""
    total = sum(payments.values(), Decimal(0))
    ordered = sorted(payments.items(), key=lambda item: item[1], reverse=True)
    return [(key, (payment / total).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP) if total else Decimal("0.0000"))
            for key, payment in ordered]
