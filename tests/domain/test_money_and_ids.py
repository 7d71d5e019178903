from decimal import Decimal as D

import pytest

from app.domain.money import MoneyError, RoundingRule, format_money, money_str, parse_money, parse_rate
from app.domain.thai_id import format_citizen_id, is_valid_citizen_id, mask_citizen_id, normalise_citizen_id


@pytest.mark.parametrize("text, valid", [
    ("1101700230708", True),          # domain.md's example
    ("1-1017-00230-70-8", True),      # as printed on the card
    ("3100100123451", True),
    ("1101700230709", False),         # wrong check digit
    ("110170023070", False),          # 12 digits
    ("11017002307081", False),        # 14 digits
    ("110170023070x", False),
    ("๑๑๐๑๗๐๐๒๓๐๗๐๘", False),       # Thai digits are not accepted as an ID
    ("", False),
])
def test_citizen_id_checksum(text, valid):
    assert is_valid_citizen_id(text) is valid


def test_checksum_by_hand():
    # 1101700230708: Σ d_i·(14−i) = 1·13+1·12+0·11+1·10+7·9+0·8+0·7+2·6+3·5+0·4+7·3+0·2 = 146;
    # 146 mod 11 = 3; (11 − 3) mod 10 = 8 = the last digit.
    digits = [1, 1, 0, 1, 7, 0, 0, 2, 3, 0, 7, 0]
    assert sum(d * (13 - i) for i, d in enumerate(digits)) == 146
    assert is_valid_citizen_id("1101700230708")


def test_formats_and_masks():
    assert normalise_citizen_id(" 1-1017-00230-70-8 ") == "1101700230708"
    assert format_citizen_id("1101700230708") == "1-1017-00230-70-8"
    assert mask_citizen_id("1101700230708") == "1-1017-xxxxx-70-8"


@pytest.mark.parametrize("given, expected", [
    ("12345.67", D("12345.67")), ("12,345.67", D("12345.67")), (" 45000 ", D("45000.00")),
    (45000, D("45000.00")), (45000.5, D("45000.50")), (D("1.1"), D("1.10")), ("0", D("0.00")),
    ("1,000", D("1000.00")), ("1,234,567.5", D("1234567.50")), ("999", D("999.00")),
])
def test_parse_money(given, expected):
    assert parse_money(given) == expected


@pytest.mark.parametrize("given, code", [
    ("-1", "negative"), ("12.345", "too_many_decimals"), ("abc", "not_a_number"), ("NaN", "not_a_number"),
    ("Infinity", "not_a_number"), (True, "not_a_number"), (None, "not_a_number"), ("", "not_a_number"),
    ("1000000000000", "too_large"), (0.001, "too_many_decimals"),
    # commas only between thousands (issue 21, 8): "1,2,3" was saved as 123.00, "1,5" as 15.00
    ("1,2,3", "bad_grouping"), ("1,5", "bad_grouping"), ("12,3456", "bad_grouping"), ("1234,567", "bad_grouping"),
    (",500", "bad_grouping"), ("1,00,000", "bad_grouping"), ("1,000,00", "bad_grouping"),
])
def test_parse_money_refuses(given, code):
    with pytest.raises(MoneyError) as error:
        parse_money(given)
    assert error.value.code == code


@pytest.mark.parametrize("given, expected", [("5.75", D("5.75")), ("0", D("0")), ("30", D("30")), (5.64, D("5.64")),
                                             ("4.1234", D("4.1234"))])
def test_parse_rate(given, expected):
    assert parse_rate(given) == expected


@pytest.mark.parametrize("given, code", [("30.01", "out_of_range"), ("-0.5", "out_of_range"),
                                         ("4.12345", "too_many_decimals"), ("x", "not_a_number")])
def test_parse_rate_refuses(given, code):
    with pytest.raises(MoneyError) as error:
        parse_rate(given)
    assert error.value.code == code


@pytest.mark.parametrize("step, mode, amount, expected", [
    ("0.01", "half_up", "8606.6432", "8606.64"), ("0.01", "half_up", "0.005", "0.01"),
    ("1", "up", "8606.01", "8607.00"), ("10", "up", "8606.64", "8610.00"), ("100", "up", "8600.00", "8600.00"),
    ("100", "up", "8600.01", "8700.00"), ("100", "half_up", "8650.00", "8700.00"),
    # issue 17: to 10 or 100 baht, upward only, whatever the mode says (half-up would give 8,600.00 and 8,600.00)
    ("100", "half_up", "8600.01", "8700.00"), ("10", "half_up", "8606.64", "8610.00"),
    ("1", "half_up", "8606.40", "8606.00"),  # to the baht, half-up still rounds down below 0.50
])
def test_rounding_rule(step, mode, amount, expected):
    assert RoundingRule(D(step), mode).apply(D(amount)) == D(expected)


@pytest.mark.parametrize("step", ["10", "100"])
def test_rounding_to_10_or_100_baht_is_upward_only(step):
    assert RoundingRule(D(step), "half_up").mode == "up"
    assert RoundingRule(D(step), "half_up") == RoundingRule(D(step), "up")


def test_money_text():
    assert format_money(D("1234567.5")) == "1,234,567.50"
    assert money_str(D("45000")) == "45000.00"


def test_huge_amounts_with_decimals_are_too_large_not_a_crash():
    # 29 digits before the point: quantizing to the satang would exceed Decimal's 28-digit context
    with pytest.raises(MoneyError) as error:
        parse_money("12345678901234567890123456789.123")
    assert error.value.code == "too_large"


def test_the_largest_amount_below_a_trillion_is_accepted():
    assert parse_money("999,999,999,999.99") == D("999999999999.99")


def test_floats_that_are_short_decimals_are_accepted():
    assert parse_money(0.1) == D("0.10") and parse_money(45000.5) == D("45000.50")
    with pytest.raises(MoneyError) as error:
        parse_money(float("nan"))
    assert error.value.code == "not_a_number"


def test_negative_zero_is_never_shown():
    assert money_str(parse_money("-0", allow_negative=True)) == "0.00"
    assert money_str(D("-0.001")) == "0.00" and format_money(D("-0.004")) == "0.00"
    assert money_str(D("-1.005")) == "-1.01"  # half-up, away from zero


@pytest.mark.parametrize("step, mode", [(D("5"), "up"), (D("0.1"), "half_up"), (D("1"), "down"), (D("100"), "")])
def test_rounding_rule_refuses_steps_and_modes_outside_the_rule(step, mode):
    # domain.md: to the satang half-up by default; cooperatives may round up to 1, 10 or 100 baht
    with pytest.raises(ValueError):
        RoundingRule(step, mode)


def test_formatting_accepts_a_printed_id():
    assert format_citizen_id("1 1017 00230 70 8") == "1-1017-00230-70-8"
    assert mask_citizen_id("1-1017-00230-70-8") == "1-1017-xxxxx-70-8"
