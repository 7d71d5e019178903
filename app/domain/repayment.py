"""Repayment maths (domain.md, "Repayment maths"): equal instalments (คงยอด, annuity) and equal
principal (คงต้น). Decimal throughout; each month's interest is balance·r rounded to the satang half-up;
the instalment is rounded by a RoundingRule; the last instalment takes whatever remains, so the
principal paid sums exactly to the loan and the final balance is exactly 0.00.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.money import RoundingRule, to_money

METHODS = ("annuity", "equal_principal")
MAX_TERM = 600
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Instalment:
    n: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Schedule:
    method: str
    principal: Decimal
    annual_rate: Decimal
    term_months: int
    instalments: tuple[Instalment, ...]

    @property
    def first_payment(self) -> Decimal:
        return self.instalments[0].payment

    @property
    def total_interest(self) -> Decimal:
        return sum((i.interest for i in self.instalments), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((i.payment for i in self.instalments), ZERO)

    @property
    def months(self) -> int:
        return len(self.instalments)


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    """r = annual rate / 12, the rate given in percent a year."""
    return Decimal(annual_rate_percent) / Decimal(1200)


def monthly_interest(balance: Decimal, annual_rate: Decimal) -> Decimal:
    """One month's interest: balance·r rounded to the satang half-up (domain.md, "Repayment maths").
    Computed as balance × rate / 1200 so that the product is exact before the one division: with r
    rounded first (7.12/1200 = 0.0059333…), 15,075.00 would give 89.44 where the exact 89.445 rounds to 89.45."""
    return to_money(balance * Decimal(annual_rate) / Decimal(1200))


def _exact_annuity(principal: Decimal, r: Decimal, months: int) -> Decimal:
    """payment = P·r / (1 − (1+r)^−n); with r = 0, P/n."""
    if r == 0:
        return principal / months
    return principal * r / (1 - (1 + r) ** -months)


def _check(principal: Decimal, months: int, method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if not 1 <= months <= MAX_TERM:
        raise ValueError(f"term must be 1 to {MAX_TERM} months")
    if principal <= 0:
        raise ValueError("principal must be above zero")


def _level_part(principal: Decimal, r: Decimal, months: int, method: str, rounding: RoundingRule) -> Decimal:
    """The rounded fixed part: the whole instalment (annuity) or the principal part (equal principal)."""
    if method == "annuity":
        return rounding.apply(_exact_annuity(principal, r, months))
    return rounding.apply(principal / months)


def first_payment(principal: Decimal, annual_rate: Decimal, term_months: int, method: str = "annuity",
                  rounding: RoundingRule = RoundingRule()) -> Decimal:
    """The first instalment, without building the schedule (the same figure build_schedule starts with)."""
    principal = to_money(principal)  # as build_schedule does, so the two always agree
    _check(principal, term_months, method)
    r = monthly_rate(annual_rate)
    interest = monthly_interest(principal, annual_rate)
    level = _level_part(principal, r, term_months, method, rounding)
    principal_part = level - interest if method == "annuity" else level
    if term_months == 1 or principal_part >= principal:
        return principal + interest
    return principal_part + interest


def build_schedule(principal: Decimal, annual_rate: Decimal, term_months: int, method: str = "annuity",
                   rounding: RoundingRule = RoundingRule()) -> Schedule:
    principal = to_money(principal)
    _check(principal, term_months, method)
    r = monthly_rate(annual_rate)
    level = _level_part(principal, r, term_months, method, rounding)
    balance = principal
    rows = []
    for n in range(1, term_months + 1):
        interest = monthly_interest(balance, annual_rate)
        part = level - interest if method == "annuity" else level
        if n == term_months or part >= balance:
            # The last instalment (or one that rounding made large enough) clears what remains.
            rows.append(Instalment(n, balance + interest, interest, balance, ZERO))
            break
        balance -= part
        rows.append(Instalment(n, part + interest, interest, part, balance))
    return Schedule(method=method, principal=principal, annual_rate=Decimal(annual_rate),
                    term_months=term_months, instalments=tuple(rows))


class _SatangInterest:
    """monthly_interest in whole satang on integers, for the loops below that run it month by month: the rate as an
    exact fraction p/q, so interest = round_half_up(b·p / (1200·q)) = (2·b·p + 1200·q) // (2·1200·q) for b ≥ 0 —
    the same figure as monthly_interest, whose one division to 28 digits cannot cross a half satang (the exact value
    is a fraction over 1200·q, at least 1/(240,000·q) away from one unless on it). About a tenth of Decimal's cost:
    the case page works out every debt's remaining interest on each view (issue 22 point 3)."""

    def __init__(self, annual_rate: Decimal):
        p, q = Decimal(annual_rate).as_integer_ratio()
        self.twice_p, self.d, self.twice_d = 2 * p, 1200 * q, 2400 * q

    def __call__(self, balance: int) -> int:
        return (self.twice_p * balance + self.d) // self.twice_d


def _satang(amount: Decimal) -> int | None:
    """A whole-satang amount as an int; None when it has a fraction of a satang (the caller keeps Decimal)."""
    scaled = Decimal(amount) * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _arithmetic(outstanding: Decimal, annual_rate: Decimal, monthly_payment: Decimal):
    """(balance, payment, interest of a balance, back to baht) for the month-by-month loops below: whole satang on
    integers when the payment is whole satang (always, for amounts from our forms and API), else Decimal."""
    balance, payment = to_money(outstanding), Decimal(monthly_payment)
    whole = _satang(payment)
    if whole is None or Decimal(annual_rate) < 0:
        return balance, payment, lambda b: monthly_interest(b, annual_rate), Decimal
    return _satang(balance), whole, _SatangInterest(annual_rate), lambda total: Decimal(total).scaleb(-2)


def remaining_interest(outstanding: Decimal, annual_rate: Decimal, monthly_payment: Decimal,
                       remaining_months: int | None) -> Decimal:
    """Interest still to pay on an existing debt at its current payment: monthly interest on the
    declining balance until it is cleared, the last of `remaining_months` clearing whatever is left."""
    balance, payment, interest_of, in_baht = _arithmetic(outstanding, annual_rate, monthly_payment)
    limit = remaining_months if remaining_months else MAX_TERM
    total = 0
    for n in range(1, limit + 1):
        if balance <= 0:
            break
        interest = interest_of(balance)
        total += interest
        part = payment - interest
        if n == limit or part >= balance:
            break
        balance -= part
    return in_baht(total)


def months_to_clear(outstanding: Decimal, annual_rate: Decimal, monthly_payment: Decimal) -> tuple[int, Decimal] | None:
    """(months, interest) to clear a debt paying `monthly_payment`; None when the payment does not cover
    the first month's interest or the debt would run past MAX_TERM months."""
    balance, payment, interest_of, in_baht = _arithmetic(outstanding, annual_rate, monthly_payment)
    total = 0
    for n in range(1, MAX_TERM + 1):
        interest = interest_of(balance)
        part = payment - interest
        if part <= 0:
            return None
        total += interest
        if part >= balance:
            return n, in_baht(total)
        balance -= part
    return None
