from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.affordability import AffordabilitySettings, assess, debt_weights, risk_group
from app.domain.planner import (
    CaseFigures, DebtFigures, LoanTerms, PlanRejected, PlanSettings, PlanSpec, evaluate_plan,
    months_until_age_cap, suggest_term,
)
from app.domain.repayment import build_schedule, first_payment

TODAY = date(2026, 11, 25)


def test_affordability_of_the_api_example():
    result = assess(D("45000"), D("3500"), D("3350"), D("21500"))
    assert result.as_dict() == {"receipts": "48500.00", "non_debt_deductions": "3350.00", "debt_service": "21500.00",
                                "net": "23650.00", "base": "45000.00", "ratio": "0.5256", "floor": "0.3000",
                                "meets_floor": True, "shortfall": "0.00"}


def test_exactly_at_the_floor_meets_it():
    # net 13,500 of a 45,000 salary is exactly 30%
    result = assess(D("45000"), D("0"), D("0"), D("31500"))
    assert result.net == D("13500.00") and result.meets_floor and result.shortfall == D("0.00")
    below = assess(D("45000"), D("0"), D("0"), D("31500.01"))
    assert not below.meets_floor and below.shortfall == D("0.01")


def test_base_receipts_and_absolute_minimum():
    receipts = assess(D("40000"), D("10000"), D("0"), D("36000"), AffordabilitySettings(base="receipts"))
    # net 14,000; floor 30% of 50,000 = 15,000 → short 1,000; ratio 14,000/50,000 = 0.28
    assert receipts.ratio == D("0.2800") and receipts.shortfall == D("1000.00") and not receipts.meets_floor
    minimum = assess(D("20000"), D("0"), D("0"), D("12000"), AffordabilitySettings(absolute_minimum=D("9000")))
    # 8,000 left is 40% (above the floor) but below the 9,000 minimum
    assert not minimum.meets_floor and minimum.shortfall == D("1000.00")


@pytest.mark.parametrize("statuses, has_debt, meets, group", [
    (["normal", "sued"], True, True, "red"), (["enforced"], True, False, "red"), (["npl"], True, False, "orange"),
    (["normal"], True, True, "yellow"), ([], False, True, "green"),
])
def test_risk_groups(statuses, has_debt, meets, group):
    assert risk_group(statuses, has_debt, meets) == group


def test_debt_weights():
    assert debt_weights({"a": D("1000"), "b": D("3000")}) == [("b", D("0.7500")), ("a", D("0.2500"))]


def case(**changes):
    base = dict(salary=D("45000"), allowances=D("3500"), non_debt_deductions=D("3350"), birth_date=date(1975, 4, 1),
                debts=(DebtFigures(1, "สหกรณ์", D("1850000"), D("5.75"), D("21500"), 132),
                       DebtFigures(2, "ออมสิน", D("600000"), D("6.90"), D("9000"), 96),
                       DebtFigures(3, "กรุงไทย", D("150000"), D("7.12"), D("4500"), 40)))
    base.update(changes)
    return CaseFigures(**base)


def test_consolidation_replaces_the_chosen_debts_only():
    spec = PlanSpec(consolidate_keys=(2, 3), consolidate_terms=LoanTerms(D("4.50"), 120))
    result = evaluate_plan(case(), spec, PlanSettings(), TODAY)
    new = build_schedule(D("750000"), D("4.50"), 120)
    assert result.new_loan == new
    assert result.after.debt_service == D("21500") + new.first_payment
    assert result.before.debt_service == D("35000.00")
    assert result.interest_saved == result.before.total_interest_remaining - result.after.total_interest_remaining
    assert "rate_above_old" not in result.warnings


def test_a_higher_rate_warns():
    spec = PlanSpec(consolidate_keys=(3,), consolidate_terms=LoanTerms(D("8.00"), 60))
    assert "rate_above_old" in evaluate_plan(case(), spec, PlanSettings(), TODAY).warnings


def test_caps_reject_with_the_field_named():
    settings = PlanSettings()
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(case(), PlanSpec((1,), LoanTerms(D("4"), 361)), settings, TODAY)
    assert error.value.fields["consolidate.term_months"].startswith("term_cap")
    # born 1 April 1975, 51 years 7 months old: 75 is reached after 280 more monthly instalments
    assert months_until_age_cap(date(1975, 4, 1), TODAY, 75) == 280
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(case(), PlanSpec((1,), LoanTerms(D("4"), 281)), settings, TODAY)
    assert error.value.fields["consolidate.term_months"].startswith("age_cap")
    evaluate_plan(case(), PlanSpec((1,), LoanTerms(D("4"), 280)), settings, TODAY)  # the last allowed term


def test_unknown_and_doubled_debts_are_rejected():
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(case(), PlanSpec((1, 9), LoanTerms(D("4"), 60), reschedule=((1, LoanTerms(D("4"), 60)),)),
                      PlanSettings(), TODAY)
    assert "consolidate.debt_ids" in error.value.fields and "reschedule[0].debt_id" in error.value.fields


def test_pro_rata_shares_sum_exactly_to_the_repayable_amount():
    figures = case(debts=(DebtFigures(1, "ก", D("100000"), D("6"), D("9000"), 60),
                          DebtFigures(2, "ข", D("200000"), D("6"), D("9000"), 60),
                          DebtFigures(3, "ค", D("33333.33"), D("6"), D("9000"), 60)))
    result = evaluate_plan(figures, PlanSpec(pro_rata_keys=(1, 2, 3)), PlanSettings(), TODAY)
    # repayable = 48,500 − 3,350 − 30% × 45,000 = 31,650, shared 100000 : 200000 : 33333.33
    shares = {key: payment for key, payment, _months in result.pro_rata}
    assert sum(shares.values()) == D("31650.00")
    assert shares[1] == D("9495.00") and shares[3] == D("3164.99")  # rounded down; the remainder goes to debt 2
    assert shares[2] == D("18990.01")
    assert result.after.affordability.meets_floor and result.after.affordability.shortfall == D("0.00")


def test_suggest_gives_the_shortest_feasible_term():
    heavy = case(debts=(DebtFigures(1, "ก", D("1850000"), D("5.75"), D("30000"), 132),
                        DebtFigures(2, "ข", D("600000"), D("6.90"), D("9000"), 96)))
    settings = PlanSettings()
    found = suggest_term(heavy, (1, 2), D("4.50"), "annuity", settings, TODAY)
    assert found.feasible and found.after.affordability.meets_floor
    n = found.term_months
    assert found.monthly_payment == first_payment(D("2450000"), D("4.50"), n)

    def ok(months):
        payment = first_payment(D("2450000"), D("4.50"), months)
        return payment <= D("48500") - D("3350") - D("13500")  # net must stay ≥ 30% of 45,000

    assert ok(n) and not ok(n - 1)


def test_infeasible_suggest_reports_best_and_gap():
    poor = case(salary=D("15000"), allowances=D("0"), non_debt_deductions=D("0"),
                debts=(DebtFigures(1, "ก", D("1850000"), D("5.75"), D("14000"), 132),))
    found = suggest_term(poor, (1,), D("4.50"), "annuity", PlanSettings(), TODAY)
    assert not found.feasible and found.best_term_months == 280  # the age cap binds before 360
    payment = first_payment(D("1850000"), D("4.50"), 280)
    assert found.monthly_gap == D("4500.00") - (D("15000") - payment)


def test_no_month_left_before_the_age_cap():
    old = case(birth_date=date(1951, 1, 1))
    found = suggest_term(old, (1,), D("4.50"), "annuity", PlanSettings(), TODAY)
    assert not found.feasible and found.best_term_months == 0
