"""Repayment maths against figures computed independently: exact rational arithmetic (fractions) for
the annuity formula, and small cases worked by hand in the comments."""
from decimal import ROUND_HALF_UP, Decimal as D
from fractions import Fraction as F

import pytest

from app.domain.money import RoundingRule
from app.domain.repayment import build_schedule, first_payment, months_to_clear, remaining_interest


def annuity_by_fractions(principal: int, rate_percent: str, months: int) -> D:
    """P·r/(1−(1+r)^−n) in exact rationals, rounded half-up to the satang only at the end."""
    r = F(rate_percent) / 1200
    exact = F(principal) / months if r == 0 else F(principal) * r / (1 - (1 + r) ** -months)
    return (D(exact.numerator) / D(exact.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("principal, rate, months, expected", [
    (100000, "6", 12, "8606.64"),        # a textbook figure: 100,000 at 6% over a year
    (750000, "4.5", 120, None),
    (1850000, "5.75", 132, None),
    (1000000, "0", 12, "83333.33"),
    (500000, "7.12", 360, None),
])
def test_annuity_payment_matches_exact_rationals(principal, rate, months, expected):
    independent = annuity_by_fractions(principal, rate, months)
    if expected:
        assert independent == D(expected)
    assert first_payment(D(principal), D(rate), months) == independent
    assert build_schedule(D(principal), D(rate), months).first_payment == independent


def test_zero_rate_last_instalment_takes_the_remainder():
    schedule = build_schedule(D(1000000), D(0), 12)
    assert [i.payment for i in schedule.instalments[:11]] == [D("83333.33")] * 11
    # 1,000,000 − 11 × 83,333.33 = 83,333.37
    assert schedule.instalments[-1].payment == D("83333.37")
    assert schedule.total_interest == D("0.00")


def test_one_month_repays_principal_and_one_month_interest():
    schedule = build_schedule(D(10000), D(12), 1)
    # interest 10,000 × 1% = 100.00
    assert schedule.instalments == (schedule.instalments[0],)
    assert schedule.first_payment == D("10100.00") and schedule.instalments[0].balance == D("0.00")


def test_equal_principal_known_answer():
    schedule = build_schedule(D(120000), D(12), 12, "equal_principal")
    # principal 10,000 a month; interest 1% of the declining balance: 1,200, 1,100, …, 100 → 7,800 in all
    assert schedule.first_payment == D("11200.00")
    assert schedule.instalments[-1].payment == D("10100.00")
    assert schedule.total_interest == D("7800.00")
    assert [i.interest for i in schedule.instalments] == [D(1200 - 100 * k) for k in range(12)]


def test_annuity_hand_worked_second_month():
    schedule = build_schedule(D(100000), D(6), 12)
    first, second = schedule.instalments[:2]
    # month 1: interest 100,000 × 0.5% = 500.00; principal 8,106.64; balance 91,893.36
    assert (first.interest, first.principal, first.balance) == (D("500.00"), D("8106.64"), D("91893.36"))
    # month 2: interest 91,893.36 × 0.5% = 459.4668 → 459.47; principal 8,147.17
    assert (second.interest, second.principal) == (D("459.47"), D("8147.17"))


GRID = [(p, r, n, m, rule)
        for p in (D("1"), D("999.99"), D("150000"), D("1850000.55"))
        for r in (D("0"), D("0.25"), D("5.64"), D("7.12"), D("30"))
        for n in (1, 2, 7, 60, 360, 600)
        for m in ("annuity", "equal_principal")
        for rule in (RoundingRule(), RoundingRule(D("1"), "up"), RoundingRule(D("100"), "up"))]


@pytest.mark.parametrize("principal, rate, months, method, rule", GRID[::7])
def test_every_schedule_repays_exactly_and_ends_at_zero(principal, rate, months, method, rule):
    schedule = build_schedule(principal, rate, months, method, rule)
    rows = schedule.instalments
    assert sum((i.principal for i in rows), D(0)) == principal
    assert rows[-1].balance == D("0.00")
    assert all(i.balance >= 0 and i.principal >= 0 and i.payment == i.interest + i.principal for i in rows)
    assert len(rows) <= months
    assert schedule.total_paid == principal + schedule.total_interest
    assert first_payment(principal, rate, months, method, rule) == schedule.first_payment


def test_rounding_up_to_100_baht_finishes_early_without_a_negative_balance():
    schedule = build_schedule(D(1000), D(0), 12, rounding=RoundingRule(D("100"), "up"))
    # 1000/12 = 83.33 → 100 a month: ten instalments clear the loan
    assert [i.payment for i in schedule.instalments] == [D("100.00")] * 10
    assert schedule.months == 10 and schedule.instalments[-1].balance == D("0.00")


def test_bad_terms_are_refused():
    for args in ((D(1000), D(5), 0), (D(1000), D(5), 601), (D(0), D(5), 12)):
        with pytest.raises(ValueError):
            build_schedule(*args)


def test_remaining_interest_by_hand():
    # 1,000 at 12%/yr (1%/month) paying 500: interest 10.00 → balance 510.00; 5.10 → 15.10; 0.15 clears it
    assert remaining_interest(D(1000), D(12), D(500), 3) == D("15.25")
    assert remaining_interest(D(1000), D(12), D(500), 0) == D("15.25")
    # if only one month remains, that month's interest and a balloon
    assert remaining_interest(D(1000), D(12), D(500), 1) == D("10.00")


def test_months_to_clear():
    assert months_to_clear(D(1000), D(12), D(500)) == (3, D("15.25"))
    assert months_to_clear(D(1000), D(12), D(10)) is None  # the payment only covers the interest
