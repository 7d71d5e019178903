"""Dates people type in forms (dd/mm/Buddhist year), known answers computed by hand: BE = CE + 543."""
from datetime import date

import pytest

from app.domain.thai_text import parse_typed_date, parse_typed_month, typed_date_text, typed_month_text


@pytest.mark.parametrize("text, expected", [
    ("25/11/2569", date(2026, 11, 25)), ("1/1/2570", date(2027, 1, 1)), ("๒๕/๑๑/๒๕๖๙", date(2026, 11, 25)),
    ("25.11.2569", date(2026, 11, 25)), (" 29/02/2567 ", date(2024, 2, 29)), ("2026-11-25", date(2026, 11, 25)),
    ("25/11/2026", date(2026, 11, 25)),  # a Common-Era year is never shifted by 543
])
def test_typed_dates(text, expected):
    assert parse_typed_date(text) == expected


@pytest.mark.parametrize("text", ["", "31/02/2569", "29/02/2568", "25/13/2569", "11/2569", "hello", "25/11/69"])
def test_what_is_no_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_typed_date(text)


def test_months_and_the_way_back():
    assert parse_typed_month("12/2569") == (2026, 12) and parse_typed_month("2026-12") == (2026, 12)
    for bad in ("13/2569", "0/2569", "2026-13", "12-69"):
        with pytest.raises(ValueError):
            parse_typed_month(bad)
    assert typed_date_text(date(2026, 11, 5)) == "05/11/2569" and typed_month_text(2026, 12) == "12/2569"
