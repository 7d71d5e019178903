"""Property-based tests (hypothesis) on the money and rule functions: invariants that must hold for every input,
not only the known answers elsewhere."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.money import RoundingRule, money_str, parse_money
from app.domain.repayment import build_schedule
from app.domain.thai_text import baht_text, integer_words

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2)


@settings(max_examples=300, deadline=None)
@given(principal=money, rate=rates, months=st.integers(1, 360), method=st.sampled_from(["annuity", "equal_principal"]),
       step=st.sampled_from(["0.01", "1", "10", "100"]))
def test_every_schedule_repays_exactly_the_principal(principal, rate, months, method, step):
    schedule = build_schedule(principal, rate, months, method, RoundingRule(step=Decimal(step)))
    assert sum(i.principal for i in schedule.instalments) == principal
    assert schedule.instalments[-1].balance == 0
    assert all(i.payment == i.principal + i.interest and i.interest >= 0 for i in schedule.instalments)
    assert len(schedule.instalments) <= months


@given(amount=money)
def test_money_text_round_trips(amount):
    assert parse_money(money_str(amount)) == amount


@given(amount=st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2))
def test_baht_words_are_well_formed(amount):
    words = baht_text(amount)
    assert words.endswith("บาทถ้วน") == (amount == amount.to_integral_value())
    assert "สิบหนึ่ง" not in words and "หนึ่งสิบ" not in words and "สองสิบ" not in words  # สิบเอ็ด, สิบ, ยี่สิบ


@given(number=st.integers(0, 10 ** 15))
def test_integer_words_use_only_thai_number_words(number):
    words = integer_words(number)
    allowed = set("ศูนย์หนึ่งสองสามสี่ห้าหกเจ็ดแปดเก้าสิบร้อยพันหมื่นแสนล้านยี่เอ็ด")
    assert words and set(words) <= allowed
