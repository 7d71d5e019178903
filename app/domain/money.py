"""Money and rates as Decimal (domain.md, "Repayment maths": money is Decimal, never float).

Every rounding of money in KruDesk happens here.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

SATANG = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 12  # a trillion baht: beyond any one teacher's debt
RATE_LIMIT = Decimal(30)  # percent a year; issue 3: rates outside 0–30% are refused
# Plan rates (a new loan at the model cooperative, a reschedule) keep RATE_LIMIT: no model cooperative lends at 60%.
# Existing debts are facts to record, and informal lenders charge 60–120% a year (issue 17, 7c): a debt's rate may be
# up to DEBT_RATE_LIMIT, a bound against typing mistakes, not a judgement of what is lawful.
DEBT_RATE_LIMIT = Decimal(200)
# Civil and Commercial Code s.654: interest above 15% a year may not be charged (lenders outside the laws on
# financial institutions); a debt above it is flagged for the officer (issue 17, 7c), never refused.
LEGAL_RATE_LIMIT = Decimal(15)
RATE_PLACES = Decimal("0.0001")
# Instalment rounding: "to the satang, half-up" by default; "cooperatives may round up to 1, 10 or 100 baht"
# (domain.md, "Repayment maths").
ROUNDING_STEPS = (SATANG, Decimal(1), Decimal(10), Decimal(100))
ROUNDING_MODES = ("half_up", "up")
# Issue 17: to 10 or 100 baht, cooperatives round upward only. Half-up to 100 can round an instalment down by up to
# 50 baht a month, and the last instalment then carries it all (1,870,000 at 29.99% over 360 months, to 10 half-up,
# ends with 301,007.94).
UPWARD_ONLY_STEPS = (Decimal(10), Decimal(100))


class MoneyError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def to_money(value) -> Decimal:
    """Round to the satang, half up (domain.md: interest is rounded to the satang, half-up)."""
    return Decimal(value).quantize(SATANG, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RoundingRule:
    """How instalments are rounded: to the satang half-up by default; cooperatives may round up to
    1, 10 or 100 baht (domain.md, "Repayment maths")."""

    step: Decimal = SATANG
    mode: str = "half_up"  # or "up"

    def __post_init__(self):
        step = Decimal(self.step)
        if step not in ROUNDING_STEPS or self.mode not in ROUNDING_MODES:
            raise ValueError("rounding: step 0.01, 1, 10 or 100 baht; mode half_up or up (domain.md, Repayment maths)")
        object.__setattr__(self, "step", step)
        if step in UPWARD_ONLY_STEPS:
            object.__setattr__(self, "mode", "up")

    def apply(self, amount: Decimal) -> Decimal:
        units = Decimal(amount) / self.step
        rounded = units.quantize(Decimal(1), rounding=ROUND_CEILING if self.mode == "up" else ROUND_HALF_UP)
        return to_money(rounded * self.step)


THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _to_decimal(value) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise MoneyError("not_a_number")
    if isinstance(value, float):
        value = repr(value)  # 45000.5 → "45000.5"; an exact decimal literal or it fails the places check
    if isinstance(value, str):
        value = value.strip()
        if "," in value:
            # Commas only as thousands separators (12,345.67). "1,2,3" was read as 123 and "1,5" (a European
            # decimal) as 15: an ambiguous number is refused, not guessed (issue 21, 8).
            if not THOUSANDS.fullmatch(value):
                raise MoneyError("bad_grouping")
            value = value.replace(",", "")
        if not value:
            raise MoneyError("not_a_number")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise MoneyError("not_a_number") from None
    if not number.is_finite():
        raise MoneyError("not_a_number")
    return number


def parse_money(value, *, allow_negative: bool = False) -> Decimal:
    """An amount in baht from text or an exact number: "12,345.67", 45000, Decimal("1.5")."""
    number = _to_decimal(value)
    if number < 0 and not allow_negative:
        raise MoneyError("negative")
    if abs(number) >= MONEY_LIMIT:  # checked first: quantizing a huge number would overflow the context
        raise MoneyError("too_large")
    if number != number.quantize(SATANG):
        raise MoneyError("too_many_decimals")
    return number.quantize(SATANG) + 0  # "+ 0" turns -0.00 into 0.00


def parse_rate(value, limit: Decimal = RATE_LIMIT) -> Decimal:
    """An annual rate in percent, 0 to `limit` (30 for plans; DEBT_RATE_LIMIT for existing debts), at most four
    decimals."""
    number = _to_decimal(value)
    if number < 0 or number > limit:
        raise MoneyError("out_of_range")
    if number != number.quantize(RATE_PLACES):
        raise MoneyError("too_many_decimals")
    return number


def above_legal_rate(rate: Decimal) -> bool:
    """True above the 15% a year of the Civil and Commercial Code s.654 (issue 17, 7c: a warning for the officer)."""
    return Decimal(rate) > LEGAL_RATE_LIMIT


def one_month_interest(balance: Decimal, annual_rate: Decimal) -> Decimal:
    """A month's interest on a balance, balance·r with r = annual rate / 12, to the satang half-up (domain.md,
    "Repayment maths")."""
    return to_money(Decimal(balance) * Decimal(annual_rate) / 1200)


def format_money(amount: Decimal) -> str:
    """12,345.67 — for pages and letters."""
    return f"{to_money(amount) + 0:,.2f}"  # "+ 0": never print -0.00


def money_str(amount: Decimal) -> str:
    """12345.67 — the API's form (api-v1.md: money as strings with two decimals)."""
    return f"{to_money(amount) + 0:.2f}"  # "+ 0": never print -0.00


def ratio_percent(ratio: Decimal) -> Decimal:
    """A ratio (0.3125) as percent with two decimals (31.25), half-up like every figure here."""
    return (Decimal(ratio) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate_str(rate: Decimal) -> str:
    """Percent a year with two decimals, or up to four when the rate has them ("6.90", "5.1234")."""
    rate = Decimal(rate)
    two = rate.quantize(Decimal("0.01"))
    return str(two) if two == rate else f"{rate.normalize():f}"
