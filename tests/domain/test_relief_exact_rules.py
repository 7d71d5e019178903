"""Issue 17, relief: known answers for exact heir shares, the undergraduate's scholarship, the first year of a monthly
stipend, funeral welfare by membership and the notes for rules without an amount. Every expected figure is worked
out here from the rule (Fraction arithmetic, month counting), not copied from the app's output."""
from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from app.domain.relief_rules import Heir, Rule, child_schedule, compute, notes, split, stipend_months

SINCE_2004 = date(2004, 1, 1)
REMEDY = Rule("sbpac.remedy.death", "sbpac", "remedy", ("death",), None, "heirs", SINCE_2004, amount=D(500000))
WELFARE = Rule("moe.welfare.death", "moe", "welfare", ("death",), ("civil_servant_teacher",), "heirs", SINCE_2004,
               amount=D(4000000), offset_codes=("sbpac.remedy.death",))
SCHOLARSHIP = Rule("moe.scholarship", "moe", "scholarship", ("death",), None, "each_child", SINCE_2004,
                   period="annual", rates={"primary": D(6000), "lower_secondary": D(10000),
                                           "upper_secondary": D(10000), "higher": D(20000)}, until_bachelor=True)
STIPEND = Rule("sbpac.child_stipend", "sbpac", "stipend", ("death",), None, "each_child", SINCE_2004,
               period="monthly", rates={"kindergarten": D(1000), "primary": D(1000)}, end_age=25, until_bachelor=True)
INCIDENT = date(2024, 6, 14)  # academic year 2567 opened on 16 May 2024


def satang(value: Fraction) -> D:
    return D(value.numerator) / D(value.denominator) / 100 if value.denominator == 1 else None


# ---- 1. heir shares as exact fractions ------------------------------------------------------------------------

def test_spouse_and_seven_children_get_whole_shares_of_the_net_welfare():
    family = [Heir("spouse", "spouse")] + [Heir(f"child{i}", "child") for i in range(7)]
    result = compute([REMEDY, WELFARE], "death", "civil_servant_teacher", INCIDENT, family, "pension_heirs", "v")
    welfare = next(e for e in result if e.rule.code == "moe.welfare.death")
    # The rule: 4,000,000 less the 500,000 remedy; spouse 1 share, three or more children 3 shares between them.
    net = Fraction(4_000_000 * 100 - 500_000 * 100)
    spouse_share, child_share = net * Fraction(1, 4), net * Fraction(3, 4) / 7
    assert (spouse_share.denominator, child_share.denominator) == (1, 1)  # both are whole satang amounts
    assert welfare.amount == D("3500000.00")
    shares = {s.key: s for s in welfare.shares}
    assert shares["spouse"].amount == satang(spouse_share) == D("875000.00")
    assert all(shares[f"child{i}"].amount == satang(child_share) == D("375000.00") for i in range(7))
    assert not any(s.remainder for s in welfare.shares)  # nothing to round, nobody takes a remainder
    remedy = next(e for e in result if e.rule.code == "sbpac.remedy.death")
    # 500,000: the spouse's quarter is exactly 125,000; each child 3/4 × 500,000 / 7 = 53,571.428571… → 53,571.42;
    # the 0.06 left goes to the first child (an heir whose exact share was not whole), never to the spouse
    exact_child = Fraction(500_000 * 100) * Fraction(3, 4) / 7
    floor_child = D(exact_child.numerator // exact_child.denominator) / 100
    left = D(500000) - D(125000) - 7 * floor_child
    assert [s.amount for s in remedy.shares] == [D(125000), floor_child + left] + [floor_child] * 6
    assert [s.remainder for s in remedy.shares] == [False, True] + [False] * 6 and left == D("0.06")


def test_a_remainder_never_lands_on_a_whole_share():
    # 1,000.00 to a spouse and seven children: the spouse's quarter is exactly 250.00; each child's 3/4 ÷ 7 is
    # 107.142857… → 107.14, leaving 0.02 — which goes to the first child, never onto the spouse's whole share.
    family = [Heir("s", "spouse")] + [Heir(i, "child") for i in range(7)]
    shares = split(D("1000.00"), family, "pension_heirs")
    spouse, child = Fraction(100_000, 4), Fraction(100_000) * Fraction(3, 4) / 7
    floor = D(child.numerator // child.denominator) / 100
    left = D("1000.00") - satang(spouse) - 7 * floor
    assert shares[0].amount == satang(spouse) == D("250.00") and not shares[0].remainder
    assert [s.amount for s in shares[1:]] == [floor + left] + [floor] * 6 and left == D("0.02")
    assert [s.remainder for s in shares] == [False, True] + [False] * 6
    # 90.00 among spouse (1), father (1) and one child (2): 22.50, 22.50, 45.00 — all whole, no remainder
    exact = split(D("90.00"), [Heir("s", "spouse"), Heir("f", "father"), Heir("c", "child")], "pension_heirs")
    assert [s.amount for s in exact] == [D("22.50"), D("22.50"), D("45.00")] and not any(s.remainder for s in exact)


def test_equal_shares_are_exact_fractions_too():
    # 3,500,000 among 7 heirs is exactly 500,000 each; among 3, 1,166,666.666… → 1,166,666.66 and 0.02 to the spouse
    seven = split(D("3500000.00"), [Heir(i, "child") for i in range(7)], "equal")
    assert [s.amount for s in seven] == [satang(Fraction(350_000_000, 7))] * 7
    three = split(D("3500000.00"), [Heir("c1", "child"), Heir("s", "spouse"), Heir("c2", "child")], "equal")
    floor = D(350_000_000 // 3) / 100
    assert [s.amount for s in three] == [floor, D("3500000.00") - 2 * floor, floor]
    assert [s.remainder for s in three] == [False, True, False]


# ---- 2. the MOE scholarship has no age cap --------------------------------------------------------------------

def test_a_23_year_old_undergraduate_gets_the_scholarship():
    student = Heir("u", "child", birth_date=date(2001, 3, 1), education_level="higher")  # 23 on 16 May 2024
    items = child_schedule(SCHOLARSHIP, student, 2567, INCIDENT)
    assert [(i.period, i.amount, i.education_level) for i in items] == [("2567", SCHOLARSHIP.rates["higher"], "higher")]
    # Computed again in 2569 (a revision), a student still recorded at "higher" is projected to that year
    extended = child_schedule(SCHOLARSHIP, student, 2567, INCIDENT, extend_through_be=2569)
    assert [i.period for i in extended] == ["2567", "2568", "2569"]
    assert all(i.needs_continuation for i in extended)  # each year still needs its proof of enrolment


def test_an_undergraduate_is_projected_for_the_rest_of_a_four_year_degree():
    # 19 on 16 May 2024: entered at 18, so in the second of four years: 2567, 2568 and 2569 remain
    student = Heir("u", "child", birth_date=date(2005, 3, 1), education_level="higher")
    assert [i.period for i in child_schedule(SCHOLARSHIP, student, 2567, INCIDENT)] == ["2567", "2568", "2569"]
    # A child at school is projected into higher education at 18, for four years, whatever the age then
    pupil = Heir("p", "child", birth_date=date(2008, 1, 10), education_level="upper_secondary")  # 16 in May 2024
    items = child_schedule(SCHOLARSHIP, pupil, 2567, INCIDENT)
    higher = [i.period for i in items if i.education_level == "higher"]
    assert higher == ["2569", "2570", "2571", "2572"]  # 18 on 16 May 2026 (2569) → four years


def test_the_sbpac_stipend_keeps_its_age_25_limit():
    # A stipend rule with a rate for higher education (an administrator's), for a student who turns 25 on
    # 20 Sep 2025: the year 2568 pays the months whose first day finds them under 25: May–September 2025.
    stipend = Rule(**{**STIPEND.__dict__, "rates": {"higher": D(1000)}})
    student = Heir("u", "child", birth_date=date(2000, 9, 20), education_level="higher")
    items = child_schedule(stipend, student, 2567, INCIDENT, extend_through_be=2570)
    june_to_april = 11
    assert [(i.period, i.months, i.amount) for i in items] == [("2567", june_to_april, D(1000) * june_to_april),
                                                               ("2568", 5, D(5000))]


# ---- 3. the first year of a monthly stipend counts from the incident --------------------------------------------

def months_from(incident: date, be_year: int) -> int:
    """Counted here by hand: calendar months from the incident's month to April closing academic year `be_year`."""
    closing_april = (be_year - 543 + 1, 4)
    count, year, month = 0, incident.year, incident.month
    while (year, month) <= closing_april:
        count, month = count + 1, month + 1
        if month == 13:
            year, month = year + 1, 1
    return count


@pytest.mark.parametrize("incident, first_year", [(date(2024, 6, 14), 2567), (date(2025, 1, 20), 2567),
                                                  (date(2024, 5, 20), 2567), (date(2024, 4, 30), 2566)])
def test_the_first_year_pays_only_the_months_from_the_incident(incident, first_year):
    child = Heir("k", "child", birth_date=date(2019, 8, 1), education_level="kindergarten")
    items = child_schedule(STIPEND, child, first_year, incident)
    months = months_from(incident, first_year)
    assert items[0].period == str(first_year) and items[0].months == months
    assert items[0].amount == STIPEND.rates["kindergarten"] * months
    assert items[0].due == max(incident, date(first_year - 543, 5, 16))  # never due before the incident
    assert all(i.months == 12 and i.amount == D(12000) for i in items[1:])


def test_an_incident_early_in_may_leaves_nothing_of_the_closing_year():
    # 10 May 2025 is still academic year 2567 (school opens 16 May); its months run May 2024–April 2025, all before.
    assert stipend_months(2567, date(2019, 8, 1), 25, date(2025, 5, 10)) == []
    child = Heir("k", "child", birth_date=date(2019, 8, 1), education_level="kindergarten")
    items = child_schedule(STIPEND, child, 2567, date(2025, 5, 10))
    assert items[0].period == "2568" and items[0].months == 12  # May 2025, the incident's month, is paid there


def test_the_annual_scholarship_is_a_whole_year_even_mid_year():
    child = Heir("c", "child", birth_date=date(2015, 3, 1), education_level="primary")
    first = child_schedule(SCHOLARSHIP, child, 2567, date(2025, 1, 20))[0]
    assert (first.period, first.amount, first.months) == ("2567", SCHOLARSHIP.rates["primary"], None)


# ---- 4. funeral welfare by membership; 5. rules without an amount -------------------------------------------------

CHPK = Rule("chpk.funeral", "otep", "funeral", ("death",), None, "heirs", SINCE_2004, amount=D("123456.78"),
            membership="chpk", title="ช.พ.ค.")
CHPS_UNSET = Rule("chps.funeral", "otep", "funeral", ("death",), None, "heirs", SINCE_2004, membership="chps",
                  title="ช.พ.ส.")
PROPERTY_UNSET = Rule("sbpac.property_damage", "sbpac", "property_damage", ("property_damage",), None, "victim",
                      SINCE_2004, title="ทรัพย์สิน")


def test_funeral_welfare_only_for_a_member_and_split_among_heirs():
    family = [Heir("s", "spouse"), Heir("a", "child"), Heir("b", "child")]
    member = compute([CHPK, CHPS_UNSET], "death", "temporary_staff", INCIDENT, family, "equal", "v",
                     memberships={"chpk"})
    funeral = next(e for e in member if e.rule.code == "chpk.funeral")
    exact = Fraction(12_345_678, 3)  # satang each
    floor = D(exact.numerator // exact.denominator) / 100
    assert [s.amount for s in funeral.shares] == [D("123456.78") - 2 * floor, floor, floor]
    assert compute([CHPK], "death", "temporary_staff", INCIDENT, family, "equal", "v") == []  # not a member
    assert compute([CHPK], "serious_injury", "temporary_staff", INCIDENT, family, "equal", "v",
                   memberships={"chpk"}) == []
    # A member of ช.พ.ส., whose amount is not set: nothing computed, and a note names the rule
    assert [e.rule.code for e in compute([CHPS_UNSET], "death", "student", INCIDENT, family, "equal", "v",
                                         memberships={"chps"})] == []
    said = notes([CHPK, CHPS_UNSET], "death", "student", INCIDENT, {"chps"})
    assert [(n.reason, n.rule.code) for n in said] == [("amount_not_set", "chps.funeral")]
    assert notes([CHPK, CHPS_UNSET], "death", "student", INCIDENT, set()) == []  # not a member: nothing to say


def test_property_damage_says_plainly_when_no_rule_has_an_amount():
    assert [(n.reason, n.rule) for n in notes([], "property_damage", "student", INCIDENT)] == [("no_rule", None)]
    assert [n.reason for n in notes([PROPERTY_UNSET], "property_damage", "student", INCIDENT)] == ["no_rule"]
    set_rule = Rule(**{**PROPERTY_UNSET.__dict__, "amount": D("30000.00"), "effective_from": date(2024, 1, 1)})
    assert notes([PROPERTY_UNSET, set_rule], "property_damage", "student", INCIDENT) == []
    got = compute([PROPERTY_UNSET, set_rule], "property_damage", "student", INCIDENT, [], "equal", "v")
    assert [(e.rule.code, e.amount, e.shares[0].key) for e in got] == [("sbpac.property_damage", D("30000.00"), "v")]
    # An incident before the administrator's version: still no figure, and the case says so
    assert [n.reason for n in notes([PROPERTY_UNSET, set_rule], "property_damage", "student", date(2023, 5, 1))] \
        == ["no_rule"]
