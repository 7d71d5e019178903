"""remaining_interest and months_to_clear count in whole satang on integers (issue 22 point 3). Here they are
checked against the month-by-month rule worked in exact rationals (fractions), rounded half-up to the satang each
month (domain.md, "Repayment maths"), over many random debts, rates with up to four places, and the edge cases."""
import random
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from app.domain.repayment import MAX_TERM, remaining_interest, months_to_clear


def interest_by_fractions(balance: F, rate: str) -> F:
    """balance × rate / 1200, half-up to the satang, in exact rationals."""
    exact = balance * F(rate) / 1200 * 100
    whole = exact.numerator // exact.denominator
    return F(whole + (1 if exact - whole >= F(1, 2) else 0), 100)


def remaining_by_fractions(outstanding: str, rate: str, payment: str, months: int | None) -> F:
    balance, total, limit = F(outstanding), F(0), months or MAX_TERM
    for n in range(1, limit + 1):
        if balance <= 0:
            break
        interest = interest_by_fractions(balance, rate)
        total += interest
        part = F(payment) - interest
        if n == limit or part >= balance:
            break
        balance -= part
    return total


def clear_by_fractions(outstanding: str, rate: str, payment: str):
    balance, total = F(outstanding), F(0)
    for n in range(1, MAX_TERM + 1):
        interest = interest_by_fractions(balance, rate)
        part = F(payment) - interest
        if part <= 0:
            return None
        total += interest
        if part >= balance:
            return n, total
        balance -= part
    return None


def as_decimal(value: F) -> D:
    return D(value.numerator) / D(value.denominator)


def random_debts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        outstanding = f"{rng.randint(1, 3_000_000_00) / 100:.2f}"
        rate = f"{rng.randint(0, 2_000_000) / 10_000:.4f}".rstrip("0").rstrip(".")  # 0–200%, up to 4 places
        first = F(outstanding) * F(rate) / 1200
        payment = f"{float(first) + rng.randint(-500, 40_000):.2f}" if rng.random() < 0.9 else "0.00"
        months = rng.choice([None, 0, 1, 12, rng.randint(1, 480)])
        yield outstanding, rate, payment, months


@pytest.mark.parametrize("outstanding, rate, payment, months", list(random_debts(400, 2569)))
def test_integer_loops_equal_the_rule_in_exact_rationals(outstanding, rate, payment, months):
    expected = remaining_by_fractions(outstanding, rate, payment, months)
    assert remaining_interest(D(outstanding), D(rate), D(payment), months) == as_decimal(expected)
    cleared = clear_by_fractions(outstanding, rate, payment)
    got = months_to_clear(D(outstanding), D(rate), D(payment))
    assert got == (None if cleared is None else (cleared[0], as_decimal(cleared[1])))


def test_half_satang_rounds_up_and_a_hair_below_rounds_down():
    # 15,075.00 at 7.12%: 89.445 exactly, half-up 89.45 (repayment.monthly_interest's own example)
    assert remaining_interest(D("15075.00"), D("7.12"), D("0"), 1) == D("89.45")
    # 15,074.99 at 7.12%: 89.44494…, 89.44
    assert remaining_interest(D("15074.99"), D("7.12"), D("0"), 1) == D("89.44")


def test_a_payment_with_a_fraction_of_a_satang_is_worked_in_decimal():
    # 1,000 at 12%: 10.00 interest, then 1,000 − (500.005 − 10) = 509.995 → 5.09995 → 5.10
    expected = remaining_by_fractions("1000", "12", "500.005", 2)
    assert expected == F("15.10")
    assert remaining_interest(D("1000"), D("12"), D("500.005"), 2) == D("15.10")
    assert months_to_clear(D("1000"), D("12"), D("500.005")) == (3, as_decimal(clear_by_fractions("1000", "12", "500.005")[1]))


def test_nothing_owed_owes_no_interest():
    assert remaining_interest(D("0"), D("12"), D("500"), 3) == 0
