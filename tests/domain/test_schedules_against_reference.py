"""Schedules against the exact-rational reference (tests/domain/exact_reference.py) and the invariants of
domain.md, "Repayment maths": principal paid sums exactly to P and the final balance is exactly 0.00."""
import time
from decimal import Decimal as D

import pytest

from app.domain.money import RoundingRule
from app.domain.repayment import build_schedule, first_payment, remaining_interest
from tests.domain import exact_reference as ref

RULES = {
    "satang": RoundingRule(),
    "1 up": RoundingRule(D("1"), "up"),
    "10 half_up": RoundingRule(D("10"), "half_up"),
    "100 up": RoundingRule(D("100"), "up"),
    "100 half_up": RoundingRule(D("100"), "half_up"),
}


def rows_of(schedule):
    return [(i.n, i.payment, i.interest, i.principal, i.balance) for i in schedule.instalments]


def test_100000_at_6_percent_for_a_year_in_full():
    # r = 0.5%; payment = 100,000 × 0.005 / (1 − 1.005^−12) = 8,606.6429 → 8,606.64 (exact fractions agree).
    # The last instalment takes the remainder: 11 × 8,606.64 + 8,606.69 = 103,279.73 = 100,000 + 3,279.73.
    schedule = build_schedule(D(100000), D(6), 12)
    assert [i.payment for i in schedule.instalments] == [D("8606.64")] * 11 + [D("8606.69")]
    assert schedule.total_interest == D("3279.73") and schedule.total_paid == D("103279.73")
    assert rows_of(schedule) == ref.schedule(100000, "6", 12)


def test_rounding_up_to_100_baht_annuity():
    # 8,606.64 rounded up to 100 baht is 8,700; after 11 instalments the 12th clears the rest:
    # 11 × 8,700 + 7,548.38 = 103,248.38, so 3,248.38 of interest (less than 3,279.73: principal falls faster).
    schedule = build_schedule(D(100000), D(6), 12, rounding=RULES["100 up"])
    assert [i.payment for i in schedule.instalments] == [D("8700.00")] * 11 + [D("7548.38")]
    assert schedule.total_interest == D("3248.38")
    assert rows_of(schedule) == ref.schedule(100000, "6", 12, step="100", mode="up")


def test_rounding_up_can_finish_the_loan_early():
    # 1,000 at 12% over 12 months: 88.85 a month, rounded up to 100 baht, clears the loan before month 12
    schedule = build_schedule(D(1000), D(12), 12, rounding=RULES["100 up"])
    assert schedule.months < 12 and schedule.instalments[-1].balance == D("0.00")
    assert rows_of(schedule) == ref.schedule(1000, "12", 12, step="100", mode="up")


@pytest.mark.parametrize("balance, rate, interest", [
    ("15075.00", "7.12", "89.45"),  # 15,075 × 7.12 / 1200 = 89.445 exactly → half-up 89.45 (not 89.44)
    ("312.00", "0.25", "0.07"),     # 312 × 0.25 / 1200 = 0.065 exactly → 0.07
    ("75.00", "7.12", "0.45"),      # 75 × 7.12 / 1200 = 0.445 → 0.45
    ("1000.00", "12", "10.00"),
])
def test_interest_exactly_half_a_satang_rounds_up(balance, rate, interest):
    # one month left: the interest of that month is all that remains to pay
    assert remaining_interest(D(balance), D(rate), D(0), 1) == D(interest)
    assert build_schedule(D(balance), D(rate), 1).instalments[0].interest == D(interest)


PRINCIPALS = (D("1"), D("75"), D("999.99"), D("15075"), D("150000"), D("1850000.55"), D("999999999.99"))
RATES = (D("0"), D("0.25"), D("5.64"), D("6.9"), D("7.12"), D("30"))
TERMS = (1, 2, 7, 60, 360, 600)
METHODS = ("annuity", "equal_principal")


def test_every_schedule_on_the_grid_repays_exactly_and_ends_at_zero():
    checked = 0
    for principal in PRINCIPALS:
        for rate in RATES:
            for months in TERMS:
                for method in METHODS:
                    for name, rule in RULES.items():
                        case = (principal, rate, months, method, name)
                        schedule = build_schedule(principal, rate, months, method, rule)
                        rows = schedule.instalments
                        assert sum((i.principal for i in rows), D(0)) == principal, case
                        assert rows[-1].balance == D("0.00"), case
                        assert [i.n for i in rows] == list(range(1, len(rows) + 1)), case
                        assert len(rows) <= months, case
                        balance = principal
                        for i in rows:
                            balance -= i.principal
                            assert i.balance == balance and i.balance >= 0, case
                            assert i.payment == i.interest + i.principal, case
                        assert schedule.total_paid == principal + schedule.total_interest, case
                        assert first_payment(principal, rate, months, method, rule) == schedule.first_payment, case
                        checked += 1
    assert checked == len(PRINCIPALS) * len(RATES) * len(TERMS) * len(METHODS) * len(RULES)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("rule", ["satang", "1 up", "10 half_up", "100 up"])
@pytest.mark.parametrize("principal, rate, months", [
    ("15075", "7.12", 24), ("999.99", "5.64", 7), ("1850000.55", "6.9", 132), ("150000", "0", 60),
    ("750000", "4.5", 120), ("1", "30", 2),
])
def test_schedule_matches_the_exact_reference(principal, rate, months, method, rule):
    # "10 half_up" is applied upward (issue 17: to 10 or 100 baht, cooperatives round upward only)
    step, mode = {"satang": ("0.01", "half_up"), "1 up": ("1", "up"), "10 half_up": ("10", "up"),
                  "100 up": ("100", "up")}[rule]
    schedule = build_schedule(D(principal), D(rate), months, method, RULES[rule])
    assert rows_of(schedule) == ref.schedule(principal, rate, months, method, step, mode)


def test_rounding_to_10_baht_never_leaves_a_huge_last_instalment():
    # Issue 17: 1,870,000 at 29.99% over 360 months, rounded to 10 half-up, ended with 301,007.94. Upward only, the
    # level instalment is the exact annuity rounded UP to 10 baht, and the last one is never larger than it.
    exact = ref.annuity_payment(1870000, "29.99", 360)
    level = ref.as_decimal(ref.round_up(exact, ref.Fraction(10)))
    schedule = build_schedule(D(1870000), D("29.99"), 360, rounding=RULES["10 half_up"])
    assert schedule.first_payment == level == D("46750.00")
    assert schedule.instalments[-1].payment <= level
    assert rows_of(schedule) == ref.schedule(1870000, "29.99", 360, step="10", mode="up")


def test_build_schedule_of_360_months_is_fast():
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        build_schedule(D("2450000"), D("4.5"), 360)
        runs.append(time.perf_counter() - start)
    assert min(runs) < 0.02  # seconds; measured about 1 ms
