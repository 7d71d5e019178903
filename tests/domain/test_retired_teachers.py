"""Issue 17: the 30% rule for retired teachers (the pension is receipts and base), the rate bounds and the legal-rate
flag, and the payment bound's month of interest. Every expected figure is worked out here by hand."""
from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.affordability import AffordabilitySettings, assess
from app.domain.money import (
    DEBT_RATE_LIMIT, LEGAL_RATE_LIMIT, RATE_LIMIT, MoneyError, above_legal_rate, one_month_interest, parse_rate,
)
from app.domain.planner import (
    CaseFigures, DebtFigures, LoanTerms, PlanRejected, PlanSettings, PlanSpec, describe_situation, evaluate_plan,
    suggest_term,
)


def test_the_pension_is_receipts_and_base_and_salary_and_allowances_do_not_count():
    # pension 28,000; deductions 1,000; debt service 12,000 → net 15,000; ratio 15,000 / 28,000 = 0.53571… → 0.5357
    for base in ("salary", "receipts"):
        result = assess(D("45000"), D("3500"), D("1000"), D("12000"), AffordabilitySettings(base=base),
                        pension=D("28000"))
        assert (result.receipts, result.base, result.net, result.ratio) == (D("28000"), D("28000"), D("15000"),
                                                                           D("0.5357"))
        assert result.meets_floor and result.shortfall == 0


def test_a_retired_teacher_below_the_floor_has_the_shortfall_of_the_pension():
    # net 26,000 − 800 − 20,000 = 5,200; floor 0.30 × 26,000 = 7,800; shortfall 2,600; ratio 0.2000
    result = assess(D("0"), D("0"), D("800"), D("20000"), pension=D("26000"))
    assert (result.net, result.ratio, result.meets_floor, result.shortfall) == (D("5200"), D("0.2000"), False,
                                                                               D("2600.00"))


def test_a_serving_teacher_is_assessed_as_before():
    # api-v1.md's example: receipts 48,500, base 45,000, net 23,650
    result = assess(D("45000"), D("3500"), D("3350"), D("21500"))
    assert (result.receipts, result.base, result.net, result.ratio) == (D("48500"), D("45000"), D("23650"),
                                                                       D("0.5256"))


def _retired(birth_date: date, pension="26000") -> CaseFigures:
    debts = (DebtFigures(key=1, creditor_name="GSB", outstanding=D("900000"), annual_rate=D("6.90"),
                         monthly_payment=D("14000"), remaining_months=96),
             DebtFigures(key=2, creditor_name="Coop", outstanding=D("300000"), annual_rate=D("5.75"),
                         monthly_payment=D("6000"), remaining_months=60))
    return CaseFigures(salary=D("0"), allowances=D("0"), non_debt_deductions=D("800"), debts=debts,
                       birth_date=birth_date, retired=True, pension=D(pension))


def test_the_planner_reads_a_retired_case_from_its_pension():
    situation = describe_situation(_retired(date(1958, 11, 20)), PlanSettings())
    assert situation.affordability.receipts == D("26000") and situation.affordability.net == D("5200")
    assert situation.risk_group == "orange"


def _months_to_age(birth: date, today: date, age: int) -> int:
    """Instalment k falls on today + k months; the last may fall no later than the day the borrower turns `age`
    (counted here month by month, independently of the planner)."""
    cap = date(birth.year + age, birth.month, birth.day)
    k = 0
    while True:
        year, month = divmod(today.month - 1 + k + 1, 12)
        day = date(today.year + year, month + 1, min(today.day, 28))
        if day > cap:
            return k
        k += 1


def test_the_age_cap_still_applies_to_a_retired_teacher():
    # issue 17, item 6: plans of retired teachers keep the age cap (75 at the last instalment, domain.md)
    today, birth = date(2026, 12, 1), date(1958, 11, 20)
    allowed = _months_to_age(birth, today, 75)
    assert allowed == 83  # 1 Dec 2026 + 83 months = 1 Nov 2033, before the 75th birthday on 20 Nov 2033
    case = _retired(birth)
    ok = PlanSpec(consolidate_keys=(1, 2), consolidate_terms=LoanTerms(D("4.50"), allowed))
    assert evaluate_plan(case, ok, PlanSettings(), today).new_loan.term_months == allowed
    too_long = PlanSpec(consolidate_keys=(1, 2), consolidate_terms=LoanTerms(D("4.50"), allowed + 1))
    with pytest.raises(PlanRejected) as refused:
        evaluate_plan(case, too_long, PlanSettings(), today)
    assert refused.value.fields["consolidate.term_months"].startswith("age_cap")
    # and the suggestion searches no further than the cap
    suggestion = suggest_term(case, (1, 2), D("4.50"), "annuity", PlanSettings(), today)
    assert (suggestion.term_months or suggestion.best_term_months) <= allowed


def test_the_suggestion_for_a_retired_teacher_meets_the_floor_of_the_pension():
    # A younger pensioner (born 1966: 75 in 2041), pension 31,500; what is left for the new loan is
    # 31,500 − 800 − 0.30 × 31,500 = 21,250; 1,200,000 at 4.5% needs at least 70 months for an instalment under it.
    case = _retired(date(1966, 1, 1), pension="31500")
    result = suggest_term(case, (1, 2), D("4.50"), "annuity", PlanSettings(), date(2026, 12, 1))
    assert result.feasible and result.after.affordability.base == D("31500")
    assert result.monthly_payment <= D("21250")
    r = D("4.50") / 1200
    shorter = (D("1200000") * r / (1 - (1 + r) ** -(result.term_months - 1))).quantize(D("0.01"))
    assert shorter > D("21250")  # one month shorter would break the floor: the term is the shortest


def test_debt_rates_go_to_200_plan_rates_stay_at_30():
    assert (RATE_LIMIT, DEBT_RATE_LIMIT, LEGAL_RATE_LIMIT) == (D(30), D(200), D(15))
    assert parse_rate("120", DEBT_RATE_LIMIT) == D("120") and parse_rate("200", DEBT_RATE_LIMIT) == D("200")
    for given, limit in (("200.0001", DEBT_RATE_LIMIT), ("60", RATE_LIMIT)):
        with pytest.raises(MoneyError) as error:
            parse_rate(given, limit)
        assert error.value.code == "out_of_range"
    with pytest.raises(MoneyError) as error:
        parse_rate("60.12345", DEBT_RATE_LIMIT)
    assert error.value.code == "too_many_decimals"


def test_above_the_legal_rate_means_strictly_above_15_percent():
    assert not above_legal_rate(D("15")) and not above_legal_rate(D("5.75"))
    assert above_legal_rate(D("15.0001")) and above_legal_rate(D("60"))


@pytest.mark.parametrize("balance, rate, expected", [
    ("50000", "60", "2500.00"),       # 50,000 × 60 / 1,200
    ("1850000", "5.75", "8864.58"),   # 1,850,000 × 5.75 / 1,200 = 8,864.583…
    ("0.01", "5.75", "0.00"),         # 0.0000479… rounds to nothing
    ("1000", "0.06", "0.05"),         # 0.05 exactly
    ("1000", "0.066", "0.06"),        # 0.055 rounds half up
])
def test_one_month_of_interest_is_rounded_half_up_to_the_satang(balance, rate, expected):
    assert one_month_interest(D(balance), D(rate)) == D(expected)
