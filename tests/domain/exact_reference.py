"""An independent reading of domain.md, "Repayment maths", for the tests: exact rationals (fractions) and
integer rounding, sharing no code with app/domain. If the app and this disagree, one of them misreads the rule.

- equal instalments: payment = P·r / (1 − (1+r)^−n), r = annual rate / 1200 (percent); r = 0 → P/n
- equal principal: P/n each month plus interest on the declining balance
- interest each month = balance·r rounded to the satang half-up
- the level amount is rounded to a step (0.01, 1, 10, 100) half-up or up
- the last instalment (or one the rounding made large enough) takes whatever remains
"""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

SATANG = Fraction(1, 100)


def half_up(x: Fraction, step: Fraction = SATANG) -> Fraction:
    units = x / step
    whole = math.floor(units + Fraction(1, 2)) if units >= 0 else -math.floor(-units + Fraction(1, 2))
    return whole * step


def round_up(x: Fraction, step: Fraction) -> Fraction:
    return math.ceil(x / step) * step


def as_decimal(x: Fraction) -> Decimal:
    """A satang-exact Fraction as a two-decimal Decimal."""
    cents = x * 100
    assert cents.denominator == 1, x
    return Decimal(cents.numerator).scaleb(-2)


def annuity_payment(principal, rate_percent, months: int) -> Fraction:
    """The exact (unrounded) equal instalment."""
    p, r = Fraction(str(principal)), Fraction(str(rate_percent)) / 1200
    return p / months if r == 0 else p * r / (1 - (1 + r) ** -months)


def schedule(principal, rate_percent, months: int, method: str = "annuity", step: str = "0.01",
             mode: str = "half_up") -> list[tuple[int, Decimal, Decimal, Decimal, Decimal]]:
    """Rows (n, payment, interest, principal, balance) as Decimals."""
    p, r, unit = Fraction(str(principal)), Fraction(str(rate_percent)) / 1200, Fraction(step)

    def rounded(x: Fraction) -> Fraction:
        return half_up(x, unit) if mode == "half_up" else round_up(x, unit)

    level = rounded(annuity_payment(principal, rate_percent, months) if method == "annuity" else p / months)
    balance, rows = p, []
    for n in range(1, months + 1):
        interest = half_up(balance * r)
        part = level - interest if method == "annuity" else level
        if n == months or part >= balance:
            rows.append((n, balance + interest, interest, balance, Fraction(0)))
            break
        balance -= part
        rows.append((n, part + interest, interest, part, balance))
    return [tuple([n] + [as_decimal(x) for x in rest]) for n, *rest in rows]
