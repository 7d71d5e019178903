"""Deduction runs (services/deduction_lines.py): months with one amount, known answers worked by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.services.deduction_lines import add_months, runs_of


def test_add_months_crosses_years_both_ways():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2027, 1, 1), 24) == date(2029, 1, 1)


def test_an_annuity_is_one_run_and_its_last_instalment():
    amounts = [Decimal("9700.00")] * 177 + [Decimal("5234.16")]
    runs = runs_of(amounts, date(2027, 1, 1))
    # 177 months from January 2027 end in September 2041 (2027-01 + 176 months); the last alone in October 2041
    assert runs == [(Decimal("9700.00"), date(2027, 1, 1), date(2041, 9, 1)),
                    (Decimal("5234.16"), date(2041, 10, 1), date(2041, 10, 1))]


def test_equal_principal_is_a_run_a_month_and_equal_neighbours_merge():
    amounts = [Decimal("3"), Decimal("2"), Decimal("2"), Decimal("1")]
    assert runs_of(amounts, date(2027, 11, 1)) == [
        (Decimal("3"), date(2027, 11, 1), date(2027, 11, 1)),
        (Decimal("2"), date(2027, 12, 1), date(2028, 1, 1)),
        (Decimal("1"), date(2028, 2, 1), date(2028, 2, 1))]
