"""Restructuring plans, the 30% rule at its edges, and the term suggestion (domain.md, "Debt cases")."""
import time
from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.affordability import AffordabilitySettings, assess, risk_group
from app.domain.money import RoundingRule
from app.domain.planner import (
    CaseFigures, DebtFigures, LoanTerms, PlanRejected, PlanSettings, PlanSpec, describe_situation, evaluate_plan,
    months_until_age_cap, suggest_term,
)
from app.domain.repayment import build_schedule, first_payment, remaining_interest
from tests.domain import exact_reference as ref

TODAY = date(2026, 11, 25)
SETTINGS = PlanSettings()


def figures(salary="45000", allowances="3500", deductions="3350", debts=(), birth=date(1975, 4, 1)):
    return CaseFigures(D(salary), D(allowances), D(deductions), tuple(debts), birth)


def debt(key, outstanding, rate, payment, months, status="normal"):
    return DebtFigures(key, f"creditor {key}", D(outstanding), D(rate), D(payment), months, status)


THREE = (debt(1, "1850000", "5.75", "21500", 132), debt(2, "600000", "6.90", "9000", 96),
         debt(3, "150000", "7.12", "4500", 40, "sued"))


# ---- the 30% rule at its edges -------------------------------------------------------------------

def test_the_verdict_uses_the_exact_floor_not_the_rounded_ratio():
    # floor 33.33% of 10,000.01 = 3,333.003333; net 3,333.00 is 0.003333 short.
    # The ratio 3,333.00 / 10,000.01 = 0.333299… shows as 0.3333, yet the floor is missed,
    # and the shortfall is rounded up to 0.01 so that it is never 0.00 while the floor is missed.
    result = assess(D("10000.01"), D("0"), D("0"), D("6667.01"), AffordabilitySettings(floor=D("0.3333")))
    assert result.net == D("3333.00") and result.ratio == D("0.3333")
    assert not result.meets_floor and result.shortfall == D("0.01")


def test_no_debt_is_green_and_a_sued_debt_is_red_even_above_the_floor():
    assert risk_group([], False, True) == "green"
    assert risk_group(["normal", "sued"], True, True) == "red"
    assert risk_group(["npl", "overdue"], True, True) == "yellow"
    assert risk_group(["npl"], True, False) == "orange"


def test_situation_before_any_plan_by_hand():
    # one debt: 1,000 at 12% (1%/month) paying 500 for 3 more months: interest 10.00, 5.10, 0.15 = 15.25
    case = figures(debts=(debt(1, "1000", "12", "500", 3),))
    before = describe_situation(case, SETTINGS)
    assert before.total_interest_remaining == D("15.25") and before.debt_service == D("500.00")
    assert before.risk_group == "yellow"
    assert before.as_dict()["total_interest_remaining"] == "15.25" and before.as_dict()["risk_group"] == "yellow"
    # net 48,500 − 3,350 − 500 = 44,650; 44,650 / 45,000 = 0.99222… → 0.9922
    assert before.as_dict()["net"] == "44650.00" and before.as_dict()["ratio"] == "0.9922"


# ---- evaluate_plan ---------------------------------------------------------------------------------

def test_after_figures_are_the_sum_of_their_parts():
    case = figures(debts=THREE)
    spec = PlanSpec(consolidate_keys=(2, 3), consolidate_terms=LoanTerms(D("4.50"), 120),
                    reschedule=((1, LoanTerms(D("5.00"), 240, "equal_principal")),))
    result = evaluate_plan(case, spec, SETTINGS, TODAY)
    new = build_schedule(D("750000"), D("4.50"), 120)
    moved = build_schedule(D("1850000"), D("5.00"), 240, "equal_principal")
    assert result.rescheduled == ((1, moved),)
    assert result.after.debt_service == new.first_payment + moved.first_payment
    assert result.after.total_interest_remaining == new.total_interest + moved.total_interest
    before_interest = sum((remaining_interest(d.outstanding, d.annual_rate, d.monthly_payment, d.remaining_months)
                           for d in THREE), D(0))
    assert result.before.total_interest_remaining == before_interest
    assert result.interest_saved == before_interest - result.after.total_interest_remaining
    # the sued debt was refinanced by the model cooperative: the case leaves the red group
    assert result.before.risk_group == "red" and result.after.risk_group != "red"


def test_a_rescheduled_debt_at_a_higher_rate_warns_and_a_short_term_stays_below_the_floor():
    case = figures(debts=THREE)
    result = evaluate_plan(case, PlanSpec(reschedule=((2, LoanTerms(D("7.50"), 12)),)), SETTINGS, TODAY)
    # 600,000 over 12 months is about 52,000 a month: far below the floor
    assert "rate_above_old" in result.warnings and "still_below_floor" in result.warnings
    assert result.after.risk_group == "red"  # debt 3 is still sued


def test_consolidation_at_the_weighted_average_rate_does_not_warn_but_above_it_does():
    # weighted average of debts 2 and 3: (600,000 × 6.90 + 150,000 × 7.12) / 750,000 = 6.944
    case = figures(debts=THREE)
    at = evaluate_plan(case, PlanSpec((2, 3), LoanTerms(D("6.944"), 120)), SETTINGS, TODAY)
    above = evaluate_plan(case, PlanSpec((2, 3), LoanTerms(D("6.9441"), 120)), SETTINGS, TODAY)
    assert "rate_above_old" not in at.warnings and "rate_above_old" in above.warnings


@pytest.mark.parametrize("spec, field", [
    (PlanSpec(consolidate_keys=(1,)), "consolidate.term_months"),                     # no terms for the new loan
    (PlanSpec(consolidate_terms=LoanTerms(D("4"), 60)), "consolidate.debt_ids"),       # nothing consolidated
    (PlanSpec((1, 1), LoanTerms(D("4"), 60)), "consolidate.debt_ids"),                 # listed twice
    (PlanSpec((7,), LoanTerms(D("4"), 60)), "consolidate.debt_ids"),                   # unknown debt
    (PlanSpec((1,), LoanTerms(D("4"), 0)), "consolidate.term_months"),
    (PlanSpec((1,), LoanTerms(D("4"), 60, "balloon")), "consolidate.method"),
    (PlanSpec((1,), LoanTerms(D("4"), 60), reschedule=((1, LoanTerms(D("4"), 60)),)), "reschedule[0].debt_id"),
    (PlanSpec(reschedule=((8, LoanTerms(D("4"), 60)),)), "reschedule[0].debt_id"),
    (PlanSpec(reschedule=((2, LoanTerms(D("4"), 361)),)), "reschedule[0].term_months"),
    (PlanSpec((1,), LoanTerms(D("4"), 60), pro_rata_keys=(1, 2)), "pro_rata.debt_ids"),
    (PlanSpec(pro_rata_keys=(2, 2)), "pro_rata.debt_ids"),
    (PlanSpec(pro_rata_keys=(9,)), "pro_rata.debt_ids"),
])
def test_plans_that_break_a_rule_are_rejected_with_the_field(spec, field):
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(figures(debts=THREE), spec, SETTINGS, TODAY)
    assert field in error.value.fields


def test_nothing_outstanding_cannot_be_consolidated():
    case = figures(debts=(debt(1, "0", "5", "0", 0), debt(2, "1000", "5", "100", 10)))
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(case, PlanSpec((1,), LoanTerms(D("4"), 12)), SETTINGS, TODAY)
    assert "consolidate.debt_ids" in error.value.fields


def test_term_cap_follows_the_setting():
    shorter = PlanSettings(max_term_months=120)
    with pytest.raises(PlanRejected) as error:
        evaluate_plan(figures(debts=THREE), PlanSpec((2,), LoanTerms(D("4"), 121)), shorter, TODAY)
    assert error.value.fields["consolidate.term_months"].startswith("term_cap")
    evaluate_plan(figures(debts=THREE), PlanSpec((2,), LoanTerms(D("4"), 120)), shorter, TODAY)


@pytest.mark.parametrize("birth, today, months", [
    # cap day 28 Feb 2050; 31 Jan 2026 + 289 months = 28 Feb 2050 (the month's end): the last allowed
    (date(1975, 2, 28), date(2026, 1, 31), 289),
    # born 29 Feb 1976: 75 on 28 Feb 2051; 1 Mar 2026 + 299 months = 1 Feb 2051, + 300 = 1 Mar 2051 (too late)
    (date(1976, 2, 29), date(2026, 3, 1), 299),
    # a birthday today: exactly 75 at the last of 12 × 24 = 288 instalments
    (date(1975, 11, 25), TODAY, 288),
    (date(1950, 1, 1), TODAY, 0),  # already 76
])
def test_months_until_the_age_cap(birth, today, months):
    assert months_until_age_cap(birth, today, 75) == months


# ---- pro rata ------------------------------------------------------------------------------------

def test_pro_rata_pays_no_more_than_the_floor_allows_when_the_floor_has_a_fraction_of_a_satang():
    # 30% of 45,000.05 = 13,500.015: at most 45,000.05 − 13,500.015 = 31,500.035 → 31,500.03 can be repaid
    case = figures(salary="45000.05", allowances="0", deductions="0",
                   debts=(debt(1, "500000", "6", "30000", 60), debt(2, "250000", "6", "20000", 60)))
    result = evaluate_plan(case, PlanSpec(pro_rata_keys=(1, 2)), SETTINGS, TODAY)
    shares = {key: payment for key, payment, _months in result.pro_rata}
    assert sum(shares.values()) == D("31500.03")
    # shared 2 : 1 — 31,500.03 × 2/3 = 21,000.02 and × 1/3 = 10,500.01, nothing left over
    assert shares == {1: D("21000.02"), 2: D("10500.01")}
    # net 45,000.05 − 31,500.03 = 13,500.02 ≥ 13,500.015: the floor is met (rounding half-up would have missed it)
    assert result.after.affordability.net == D("13500.02") and result.after.affordability.meets_floor
    assert "still_below_floor" not in result.warnings


def test_pro_rata_respects_the_absolute_minimum_and_other_payments():
    # available 48,500 − 3,350 = 45,150; 30% floor leaves 31,650, the 20,000 minimum leaves 25,150 (the lower);
    # debt 3 (not shared) keeps its 4,500, so 20,650 is shared between debts 1 and 2 in proportion 1,850 : 600
    settings = PlanSettings(affordability=AffordabilitySettings(absolute_minimum=D("20000")))
    result = evaluate_plan(figures(debts=THREE), PlanSpec(pro_rata_keys=(1, 2)), settings, TODAY)
    shares = {key: payment for key, payment, _months in result.pro_rata}
    # 20,650 × 600,000 / 2,450,000 = 5,057.1428… → 5,057.14; debt 1 takes the rest: 20,650 − 5,057.14 = 15,592.86
    assert shares == {1: D("15592.86"), 2: D("5057.14")}
    assert result.after.affordability.net == D("20000.00") and result.after.affordability.meets_floor


def test_pro_rata_months_and_a_share_that_cannot_repay():
    # repayable 48,500 − 3,350 − 13,500 = 31,650 for one debt of 10,000,000 at 6%: interest alone is 50,000 a month
    hopeless = figures(debts=(debt(1, "10000000", "6", "60000", 360),))
    result = evaluate_plan(hopeless, PlanSpec(pro_rata_keys=(1,)), SETTINGS, TODAY)
    assert result.pro_rata == ((1, D("31650.00"), 0),) and "pro_rata_not_repayable" in result.warnings
    # 100,000 at 12% (1%/month) with the whole 31,650 a month:
    #   month 1: interest 1,000.00, balance 100,000 − 30,650.00 = 69,350.00
    #   month 2: interest   693.50, balance 69,350 − 30,956.50 = 38,393.50
    #   month 3: interest   383.935 → 383.94, balance 38,393.50 − 31,266.06 = 7,127.44
    #   month 4: interest    71.2744 → 71.27, and 7,127.44 + 71.27 < 31,650 clears it
    small = figures(debts=(debt(1, "100000", "12", "5000", 24),))
    result = evaluate_plan(small, PlanSpec(pro_rata_keys=(1,)), SETTINGS, TODAY)
    assert result.pro_rata == ((1, D("31650.00"), 4),) and result.warnings == ()
    assert result.after.total_interest_remaining == D("1000.00") + D("693.50") + D("383.94") + D("71.27")


# ---- suggest ---------------------------------------------------------------------------------------

def _meets_with(case, keys, rate, months, method, settings):
    others = sum((d.monthly_payment for d in case.debts if d.key not in keys), D(0))
    principal = sum((d.outstanding for d in case.debts if d.key in keys), D(0))
    payment = first_payment(principal, rate, months, method, settings.rounding)
    return assess(case.salary, case.allowances, case.non_debt_deductions, others + payment,
                  settings.affordability).meets_floor


@pytest.mark.parametrize("method", ["annuity", "equal_principal"])
@pytest.mark.parametrize("rounding", [RoundingRule(), RoundingRule(D("100"), "up")])
@pytest.mark.parametrize("keys, rate, salary", [
    ((1, 2, 3), "4.50", "45000"), ((2, 3), "5.00", "45000"), ((1,), "3.00", "60000"), ((3,), "0", "45000"),
])
def test_suggest_agrees_with_a_month_by_month_search(method, rounding, keys, rate, salary):
    case = figures(salary=salary, debts=THREE)
    settings = PlanSettings(rounding=rounding)
    found = suggest_term(case, keys, D(rate), method, settings, TODAY)
    longest = min(settings.max_term_months, months_until_age_cap(case.birth_date, TODAY, 75))
    feasible = [n for n in range(1, longest + 1) if _meets_with(case, set(keys), D(rate), n, method, settings)]
    if feasible:
        assert found.feasible and found.term_months == feasible[0]
        result = evaluate_plan(case, PlanSpec(keys, LoanTerms(D(rate), found.term_months, method)), settings, TODAY)
        assert result.after == found.after and found.monthly_payment == result.new_loan.first_payment
        if found.term_months > 1:  # one month shorter must miss the floor
            shorter = evaluate_plan(case, PlanSpec(keys, LoanTerms(D(rate), found.term_months - 1, method)),
                                    settings, TODAY)
            assert not shorter.after.affordability.meets_floor
    else:
        assert not found.feasible and found.best_term_months == longest


def test_suggested_term_against_exact_fractions():
    # all three debts (2,600,000) at 4.5%; the other payments are none, so the instalment may be at most
    # 48,500 − 3,350 − 30% × 45,000 = 31,650. The shortest term is the first n whose exact annuity,
    # rounded half-up to the satang, is ≤ 31,650.
    case = figures(debts=THREE)
    found = suggest_term(case, (1, 2, 3), D("4.50"), "annuity", SETTINGS, TODAY)

    def fits(n):
        return ref.half_up(ref.annuity_payment(2600000, "4.5", n)) <= 31650

    assert fits(found.term_months) and not fits(found.term_months - 1)
    assert found.monthly_payment == ref.as_decimal(ref.half_up(ref.annuity_payment(2600000, "4.5", found.term_months)))


def test_infeasible_suggest_reports_the_best_ratio_and_the_gap_at_the_longest_term():
    case = figures(salary="20000", allowances="0", deductions="2000", birth=None, debts=THREE)
    found = suggest_term(case, (1, 2, 3), D("4.50"), "annuity", SETTINGS, TODAY)
    # no birth date: only the 360-month cap. Exact payment at 360 months, by fractions:
    payment = ref.as_decimal(ref.half_up(ref.annuity_payment(2600000, "4.5", 360)))
    net = D("20000") - D("2000") - payment
    assert not found.feasible and found.term_months is None and found.after is None
    assert found.best_term_months == 360
    assert found.monthly_gap == D("6000") - net  # 30% of 20,000 − net
    assert found.best_ratio == (net / D("20000")).quantize(D("0.0001"))


def test_suggest_refuses_unknown_or_no_debts_and_caps_at_600_months():
    case = figures(debts=THREE, birth=None)
    for keys in ((), (4,), (1, 1)):
        with pytest.raises(PlanRejected):
            suggest_term(case, keys, D("4"), "annuity", SETTINGS, TODAY)
    # 30% of 12,000 leaves at most 8,400 a month; 2,600,000 at 4% costs 8,666.67 a month in interest alone
    poor = figures(salary="12000", allowances="0", deductions="0", birth=None, debts=THREE)
    found = suggest_term(poor, (1, 2, 3), D("4"), "annuity", PlanSettings(max_term_months=900), TODAY)
    assert not found.feasible and found.best_term_months == 600  # build_schedule's limit


def test_suggest_is_fast():
    case = figures(debts=THREE)
    runs = []
    for _ in range(20):
        start = time.perf_counter()
        suggest_term(case, (1, 2), D("4.50"), "annuity", SETTINGS, TODAY)
        runs.append(time.perf_counter() - start)
    assert min(runs) < 0.02  # seconds (domain brief: well under 20 ms)
