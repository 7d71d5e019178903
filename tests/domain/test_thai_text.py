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
