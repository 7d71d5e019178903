from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.relief_rules import Heir, Rule, child_schedule, compute, rules_in_force, split

REMEDY = Rule("sbpac.remedy.death", "sbpac", "remedy", ("death",), None, "heirs", date(2004, 1, 1), amount=D(500000))
WELFARE = Rule("moe.welfare.death", "moe", "welfare", ("death",), ("civil_servant_teacher",), "heirs", date(2004, 1, 1),
               amount=D(4000000), offset_codes=("sbpac.remedy.death",))


def heirs(*relationships):
    return [Heir(i, r) for i, r in enumerate(relationships)]


def test_equal_split_sums_exactly_with_a_named_remainder():
    shares = split(D("100000.00"), heirs("child", "spouse", "child"), "equal")
    # 100,000 / 3 = 33,333.33 each, 0.01 left over: it goes to the spouse, visibly
    assert [s.amount for s in shares] == [D("33333.33"), D("33333.34"), D("33333.33")]
    assert [s.remainder for s in shares] == [False, True, False]
    assert sum(s.amount for s in shares) == D("100000.00")


def test_pension_heirs_pattern():
    # spouse 1 share, two children 2 shares between them, parents 1 share between them: 4 shares
    shares = split(D("500000"), heirs("spouse", "child", "child", "father", "mother"), "pension_heirs")
    amounts = [s.amount for s in shares]
    assert amounts == [D("125000.00"), D("125000.00"), D("125000.00"), D("62500.00"), D("62500.00")]
    # three or more children share 3 shares: spouse 1 + children 3 + parents 1 = 5 shares of 100,000.01,
    # 20,000.002 each: children 20,000.00 each, spouse 20,000.00, father and mother 10,000.00 each,
    # and the satang left over goes to the spouse
    shares = split(D("100000.01"), heirs("spouse", "child", "child", "child", "father", "mother"), "pension_heirs")
    assert [s.amount for s in shares] == [D("20000.01"), D("20000.00"), D("20000.00"), D("20000.00"),
                                          D("10000.00"), D("10000.00")]
    assert shares[0].remainder and sum(s.amount for s in shares) == D("100000.01")


@pytest.mark.parametrize("total", ["0.01", "1.00", "999999.99", "3500000.00", "7.77"])
@pytest.mark.parametrize("family", [("spouse",), ("child",) * 4, ("spouse", "child", "mother"), ("dependant", "dependant")])
@pytest.mark.parametrize("method", ["equal", "pension_heirs"])
def test_shares_always_sum_to_the_total(total, family, method):
    shares = split(D(total), heirs(*family), method)
    assert sum(s.amount for s in shares) == D(total)
    assert all(s.amount >= 0 for s in shares) and sum(s.remainder for s in shares) <= 1


def test_rule_versions_follow_the_incident_date():
    raised = Rule("sbpac.remedy.death", "sbpac", "remedy", ("death",), None, "heirs", date(2025, 1, 1),
                  amount=D(700000))
    old = Rule(**{**REMEDY.__dict__, "effective_to": date(2024, 12, 31)})
    assert rules_in_force([old, raised], "death", "student", date(2024, 6, 14))[0].amount == D(500000)
    assert rules_in_force([old, raised], "death", "student", date(2025, 3, 1))[0].amount == D(700000)
    assert rules_in_force([old, raised], "death", "student", date(2003, 12, 31)) == []


def test_welfare_is_net_of_the_remedy_and_only_for_teachers():
    family = heirs("spouse", "child")
    teacher = compute([WELFARE, REMEDY], "death", "civil_servant_teacher", date(2024, 6, 14), family, "equal", "v", 2567)
    assert {e.rule.code: e.amount for e in teacher} == {"sbpac.remedy.death": D(500000),
                                                         "moe.welfare.death": D(3500000)}
    assert next(e for e in teacher if e.rule.code == "moe.welfare.death").offset == D(500000)
    student = compute([WELFARE, REMEDY], "death", "student", date(2024, 6, 14), family, "equal", "v", 2567)
    assert [e.rule.code for e in student] == ["sbpac.remedy.death"]


def test_child_schedule_runs_until_the_bachelor_or_age_limit():
    scholarship = Rule("moe.scholarship", "moe", "scholarship", ("death",), None, "each_child", date(2004, 1, 1),
                       period="annual", rates={"primary": D(6000), "lower_secondary": D(10000),
                                               "upper_secondary": D(10000), "higher": D(20000)}, until_bachelor=True)
    child = Heir("c", "child", birth_date=date(2015, 3, 1), education_level="primary")
    items = child_schedule(scholarship, child, 2567)
    # 16 May 2024 (2567) the child is 9: primary until 2569 (age 11), secondary from 2570 (12) to 2575 (17),
    # higher education 2576–2579 (18–21); at 22 (2580) the bachelor's degree is done.
    assert [i.period for i in items] == [str(y) for y in range(2567, 2580)]
    assert [i.amount for i in items] == [D(6000)] * 3 + [D(10000)] * 6 + [D(20000)] * 4
    stipend = Rule("sbpac.child_stipend", "sbpac", "stipend", ("death",), None, "each_child", date(2004, 1, 1),
                   period="monthly", rates={"kindergarten": D(1000), "primary": D(1000)}, end_age=25, until_bachelor=True)
    monthly = child_schedule(stipend, child, 2567)
    assert [i.amount for i in monthly] == [D(12000)] * 3  # rates are set for kindergarten and primary only
