"""Dates in spreadsheet cells (issue 21, point 3): either era, day first or ISO, the era read told back."""
from datetime import date

import pytest

from app.domain.sheet_dates import BE, CE, read_day


@pytest.mark.parametrize("text, day, era", [
    ("01/04/2518", date(1975, 4, 1), BE),
    ("1/4/2518", date(1975, 4, 1), BE),
    ("01.04.2518", date(1975, 4, 1), BE),
    ("๐๑/๐๔/๒๕๑๘", date(1975, 4, 1), BE),      # Thai digits
    ("2518-04-01", date(1975, 4, 1), BE),      # ISO with a Buddhist year
    ("01/04/1975", date(1975, 4, 1), CE),
    ("1975-04-01", date(1975, 4, 1), CE),      # ISO, and what a date cell reads as (cell_text)
    ("1975-04-01T00:00:00", date(1975, 4, 1), CE),
    (" 12/09/2503 ", date(1960, 9, 12), BE),
    ("29/02/2567", date(2024, 2, 29), BE),     # the Common-Era year decides the leap day
    ("2567-02-29", date(2024, 2, 29), BE),
    ("01/01/2400", date(1857, 1, 1), BE),      # the threshold of thai_text.BE_INPUT_MIN
    ("31/12/2399", date(2399, 12, 31), CE),
])
def test_a_date_is_read_in_the_era_its_year_says(text, day, era):
    read = read_day(text)
    assert (read.day, read.era) == (day, era)
    assert read.iso == day.isoformat() and read.be_text == f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.mark.parametrize("text", ["", None, "1 เมษายน 2518", "01/04/18", "31/02/2569", "29/02/2566", "2518-13-01",
                                  "04/2518", "lots"])
def test_what_is_no_date_is_none(text):
    assert read_day(text) is None
