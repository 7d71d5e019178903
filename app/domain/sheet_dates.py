"""Dates read from a spreadsheet cell, in either era, saying which era was read (issue 21, point 3).

Thai offices write the Buddhist year (01/04/2518), systems and Excel's date cells the Common Era (1975-04-01), and an
Excel set to a Western locale keeps a typed 1/4/2518 as a date cell in the year 2518. So every form is taken, and
the year decides the era by the rule of the forms (app/domain/thai_text.py, BE_INPUT_MIN): a four-digit year of
2400 or more is Buddhist Era, anything below is Common Era. Day first for dd/mm/yyyy (the Thai order); ISO is
year-month-day whatever its era. What was read is told back (`era`), so that a dry run can show it.

Only spreadsheet input goes through here: the JSON API keeps its ISO Common-Era dates (api-v1.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.thai_text import ARABIC_DIGITS, BE_INPUT_MIN, BE_OFFSET, typed_date_text

BE, CE = "be", "ce"
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
# ISO, as typed or as a date cell reads (spreadsheet_reader.cell_text), with a time of day that may follow
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass(frozen=True)
class ReadDay:
    day: date  # always Common Era, as the database and the API keep it
    era: str   # BE or CE: the era of the year as it was written

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    @property
    def be_text(self) -> str:
        """01/04/2518: how the preview shows it, whatever era it was written in."""
        return typed_date_text(self.day)


def read_day(text: str | None) -> ReadDay | None:
    """The date a cell holds, or None when it holds no date (empty cells too): "01/04/2518", "1/4/1975",
    "2518-04-01", "1975-04-01", Thai digits, and a date cell's ISO text."""
    text = " ".join((text or "").translate(ARABIC_DIGITS).split())
    if (found := _DAY_FIRST.match(text)):
        day, month, year = (int(part) for part in found.groups())
    elif (found := _ISO.match(text)):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    era = BE if year >= BE_INPUT_MIN else CE
    try:  # the Common-Era year decides 29 February: 29/02/2567 is 2024's
        return ReadDay(date(year - BE_OFFSET if era == BE else year, month, day), era)
    except ValueError:
        return None
