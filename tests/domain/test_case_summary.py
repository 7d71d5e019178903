"""The figures a debt case stores (domain/case_summary.py), against answers worked out here by hand or by a plain
loop written for this test, never by the code under test (domain.md, "The 30% rule", "Repayment maths")."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal as D

from app.domain.affordability import AffordabilitySettings
from app.domain.case_summary import PlanOutcome, summarise
from app.domain.planner import CaseFigures, DebtFigures, PlanSettings
from app.domain.references import debt_case_reference

DEFAULT = PlanSettings()


def debt(outstanding, rate, payment, months, legal="normal"):
    return DebtFigures(key=None, creditor_name="สหกรณ์", outstanding=D(outstanding), annual_rate=D(rate),
                       monthly_payment=D(payment), remaining_months=months, legal_status=legal)


def case(salary, allowances, deductions, *debts):
    return CaseFigures(salary=D(salary), allowances=D(allowances), non_debt_deductions=D(deductions), debts=debts)


def interest_by_hand(outstanding: D, annual_rate: D, payment: D, months: int) -> D:
    """Interest on the declining balance, each month rounded to the satang half-up, until the debt is cleared or
    its last remaining month."""
    balance, total, rate = outstanding, D("0"), annual_rate / 1200
    for month in range(1, months + 1):
        interest = (balance * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        total += interest
        if month == months or payment - interest >= balance:
            return total
        balance -= payment - interest
    return total


def test_a_teacher_above_the_floor_with_two_debts():
    # 1,200 at 12% a year (1% a month), 500 a month, 3 months left:
    #   month 1: 1% of 1,200.00 = 12.00, balance 1,200 − 488.00 = 712.00
    #   month 2: 1% of 712.00 = 7.12, balance 712 − 492.88 = 219.12
    #   month 3 (the last): 1% of 219.12 = 2.1912 → 2.19          interest 12.00 + 7.12 + 2.19 = 21.31
    # 10,000 at 0%: no interest. Overdue is not sued: the group stays yellow.
    summary = summarise(case("45000.00", "3500.00", "3350.00",
                             debt("1200.00", "12", "500.00", 3), debt("10000.00", "0", "1000.00", 10, "overdue")),
                        DEFAULT)
    columns = summary.columns()
    # receipts 48,500; debt service 1,500; net 48,500 − 3,350 − 1,500 = 43,650; ratio 43,650 / 45,000 = 0.97
    assert columns == {
        "non_debt_deductions": D("3350.00"), "debt_service": D("1500.00"), "net_income": D("43650.00"),
        "ratio": D("0.9700"), "meets_floor": True, "total_outstanding": D("11200.00"), "risk_group": "yellow",
        "interest_remaining": D("21.31"), "plan_interest_remaining": None, "plan_meets_floor": None}
    assert summary.affordability.receipts == D("48500.00") and summary.affordability.shortfall == D("0.00")
    assert summary.affordability.floor == D("0.3000")


def test_below_the_floor_is_orange_and_the_shortfall_restores_it():
    # net 20,000 − 2,000 − 13,000 = 5,000 = 25% of salary; 30% would be 6,000: short 1,000.00
    summary = summarise(case("20000.00", "0", "2000.00", debt("500000.00", "6", "13000.00", 60)), DEFAULT)
    assert (summary.affordability.ratio, summary.affordability.meets_floor) == (D("0.2500"), False)
    assert summary.affordability.shortfall == D("1000.00") and summary.before.risk_group == "orange"
    assert summary.before.total_interest_remaining == interest_by_hand(D("500000.00"), D("6"), D("13000.00"), 60)


def test_a_sued_debt_is_red_even_above_the_floor_and_no_debt_is_green():
    sued = summarise(case("45000.00", "0", "0", debt("50000.00", "5", "1000.00", 60, "sued")), DEFAULT)
    assert sued.affordability.meets_floor and sued.before.risk_group == "red"
    none = summarise(case("45000.00", "0", "1000.00"), DEFAULT).columns()
    assert (none["risk_group"], none["debt_service"], none["interest_remaining"], none["total_outstanding"]) == (
        "green", D("0.00"), D("0.00"), D("0.00"))
    assert none["ratio"] == D("0.9778")  # 44,000 / 45,000 = 0.97777… → 0.9778 (half-up)


def test_the_base_and_the_absolute_minimum_are_settings():
    receipts = PlanSettings(affordability=AffordabilitySettings(base="receipts", absolute_minimum=D("16000")))
    summary = summarise(case("40000.00", "10000.00", "0", debt("100000.00", "0", "35000.00", 3)), receipts)
    # net 50,000 − 35,000 = 15,000 = 30% of receipts (meets the floor), but below the 16,000 minimum: short 1,000
    assert summary.affordability.ratio == D("0.3000") and not summary.affordability.meets_floor
    assert summary.affordability.shortfall == D("1000.00") and summary.before.risk_group == "orange"


def test_the_chosen_plan_gives_the_figures_after_it():
    stored = {"after": {"total_interest_remaining": "123456.78", "meets_floor": True}, "before": {}}
    summary = summarise(case("20000.00", "0", "2000.00", debt("500000.00", "6", "13000.00", 60)), DEFAULT,
                        PlanOutcome.of_stored(stored))
    columns = summary.columns()
    assert (columns["plan_interest_remaining"], columns["plan_meets_floor"]) == (D("123456.78"), True)
    assert columns["meets_floor"] is False  # the figures before the plan stay as they are


def test_the_reference_is_the_buddhist_era_year_and_the_id():
    assert debt_case_reference(42, date(2026, 11, 25)) == "DC2569-000042"
    assert debt_case_reference(1234567, date(2027, 1, 1)) == "DC2570-1234567"
