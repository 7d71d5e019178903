from datetime import date, datetime

import pytest

from app.domain.passwords import password_problems
from app.domain.thai_text import be_year, format_be_date, format_be_datetime, thai_digits


def test_buddhist_era_is_common_era_plus_543():
    assert be_year(date(2026, 11, 25)) == 2569
    assert be_year(date(1957, 1, 1)) == 2500


@pytest.mark.parametrize("value, style, expected", [
    (date(2026, 11, 25), "long", "25 พฤศจิกายน 2569"),
    (date(2026, 11, 25), "short", "25 พ.ย. 2569"),
    (date(2024, 2, 29), "long", "29 กุมภาพันธ์ 2567"),
    (date(2027, 1, 1), "short", "1 ม.ค. 2570"),
])
def test_thai_dates(value, style, expected):
    assert format_be_date(value, style) == expected


def test_english_dates_keep_the_buddhist_year():
    assert format_be_date(date(2026, 11, 25), lang="en") == "25 Nov 2569 BE"


def test_timestamps_are_shown_in_bangkok_time():
    # 2026-12-31 20:30 UTC is already 1 January 2570 (2027) 03:30 in Bangkok (UTC+7).
    assert format_be_datetime(datetime(2026, 12, 31, 20, 30)) == "1 ม.ค. 2570 03:30 น."
    assert format_be_date(datetime(2026, 12, 31, 20, 30), "long") == "1 มกราคม 2570"


def test_empty_dates_render_as_nothing():
    assert format_be_date(None) == "" and format_be_datetime(None) == ""


def test_thai_digits():
    assert thai_digits("ศธ 0206.3/1234") == "ศธ ๐๒๐๖.๓/๑๒๓๔"


@pytest.mark.parametrize("password, problems", [
    ("short1", ["too_short"]),
    ("onlyletterslong", ["no_digit"]),
    ("12345678901", ["no_letter"]),
    ("somchai-2569x", ["contains_username"]),
    ("password123", ["common"]),
    ("ครูไทย2569สู้ๆ", []),
    ("good-pass-2569", []),
])
def test_password_rules(password, problems):
    assert password_problems(password, username="somchai") == problems


# ---- amounts in words (thai-documents.md) ---------------------------------------------------------
import random  # noqa: E402
from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402

from app.domain.thai_text import amount_with_words, baht_text, integer_words  # noqa: E402


@pytest.mark.parametrize("amount, words", [
    ("1234.50", "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์"),  # the example in thai-documents.md
    ("0", "ศูนย์บาทถ้วน"),
    ("1", "หนึ่งบาทถ้วน"),
    ("11", "สิบเอ็ดบาทถ้วน"),
    ("21", "ยี่สิบเอ็ดบาทถ้วน"),
    ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
    ("120", "หนึ่งร้อยยี่สิบบาทถ้วน"),
    ("1000000", "หนึ่งล้านบาทถ้วน"),
    ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
    ("2065000", "สองล้านหกหมื่นห้าพันบาทถ้วน"),
    ("13344.52", "หนึ่งหมื่นสามพันสามร้อยสี่สิบสี่บาทห้าสิบสองสตางค์"),
    ("0.25", "ยี่สิบห้าสตางค์"),
    ("0.01", "หนึ่งสตางค์"),
    ("21000000", "ยี่สิบเอ็ดล้านบาทถ้วน"),
    ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
])
def test_baht_text_known_answers(amount, words):
    assert baht_text(Decimal(amount)) == words


def test_baht_text_agrees_with_pythainlp_on_whole_baht_amounts():
    """An independent implementation (PyThaiNLP's bahttext, float in) on 2,000 random amounts ≥ 1 baht;
    the two differ only in how satang-only amounts read, which the known answers above fix."""
    from pythainlp.util import bahttext

    rng = random.Random(2569)
    for _ in range(2000):
        amount = Decimal(rng.randint(100, 10 ** 11)) / 100
        assert baht_text(amount) == bahttext(float(amount)), amount


def test_baht_text_refuses_fractions_of_a_satang():
    with pytest.raises(ValueError):
        baht_text(Decimal("1.005"))


def test_amount_with_words_is_the_official_form():
    assert amount_with_words(Decimal("1234.5")) == "1,234.50 บาท (หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์)"
    assert integer_words(0) == "ศูนย์"


def test_a_payroll_month_in_the_buddhist_era():
    from datetime import date

    from app.domain.thai_text import format_be_month

    assert format_be_month(date(2027, 1, 1)) == "มกราคม 2570"
    assert format_be_month(date(2026, 12, 15), "short") == "ธ.ค. 2569"
    assert format_be_month(date(2027, 2, 1), lang="en") == "Feb 2570 BE"
