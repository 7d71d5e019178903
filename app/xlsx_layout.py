"""How every XLSX the app writes shows its cells (issue 21, point 10): one place for the number formats, the Excel
value of a Python value and the column widths, shared by the openpyxl tables (app/exports.py) and the deduction
list's own streaming writer (app/services/deduction_xlsx.py).

- Money (Decimal) is a number shown #,##0.00; a count (int) a whole number shown #,##0; a fraction (float, an
  average of days) #,##0.0. Nothing numeric is written as text, so a column sums and sorts.
- A day is a real date cell, a moment a real date-time cell in Bangkok time (timestamps are kept as naive UTC).
  Both are shown in the Buddhist year with the day first: 25/11/2569. Excel has no "BE year" of its own for a real
  date: the number format asks for the Thai locale with the Buddhist calendar, [$-107041E] (LCID 041E Thai,
  calendar 07 Thai Buddhist: the code Thai Excel's own Buddhist-calendar formats carry; no Excel was at hand to
  check). Checked on LibreOffice Calc 7.4 (converted headless): it shows 25/11/2569 and keeps the code, and
  openpyxl reads the cell back as a datetime. The newer spelling [$-th-TH,107] was turned down: LibreOffice shows
  the bare serial number (46351) under it. The cell stays a Common-Era date underneath, so sorting, filtering and
  date arithmetic work as on any date; the CSV keeps ISO dates (machines read it, and the imports take it back).
- Widths come from the content: the header and the first WIDTH_SAMPLE_ROWS rows as shown, in characters (Thai
  vowel and tone marks above or below the line take no width), between MIN_WIDTH and MAX_WIDTH. A write-only
  (streaming) sheet writes its column widths before its first row, so the widths are measured on those rows only.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from app.domain.thai_text import to_bangkok

DATE_FORMAT = "[$-107041E]dd/mm/yyyy"
DATE_TIME_FORMAT = "[$-107041E]dd/mm/yyyy hh:mm"
MONTH_FORMAT = "[$-107041E]mm/yyyy"
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.0"
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, past its 1900 leap-year bug

MIN_WIDTH, MAX_WIDTH = 6, 60   # characters
PADDING = 2                    # characters beside the longest value (the filter button, a margin)
HEADER_FACTOR = 1.1            # headers are bold
WIDTH_SAMPLE_ROWS = 200        # below list_exports.CHUNK, so that a job's progress still follows written rows
_SHOWN_WIDTH = {date: len("25/11/2569"), datetime: len("25/11/2569 16:33")}


def excel_serial(day: date) -> int:
    """A day as Excel's serial number (what a date cell holds)."""
    return (day - EXCEL_EPOCH).days


def excel_value(value):
    """(value, number format) of a cell: the value as openpyxl writes it (None: General, or text)."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, Decimal):
        return value, MONEY_FORMAT
    if isinstance(value, int):
        return value, COUNT_FORMAT
    if isinstance(value, float):
        return value, FRACTION_FORMAT
    if isinstance(value, datetime):
        return to_bangkok(value).replace(tzinfo=None), DATE_TIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    return value, None


def text_width(text: str) -> int:
    """Characters as shown: combining marks (Thai vowels and tone marks above and below) take none, wide (East
    Asian) characters two; the longest line of a text that has several."""
    return max((sum(0 if unicodedata.category(ch) == "Mn" else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
                    for ch in line) for line in text.split("\n")), default=0)


def shown_width(value) -> int:
    """The characters a cell shows under excel_value's format."""
    if value is None or isinstance(value, bool):
        return 0 if value is None else 5
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    if isinstance(value, (date, datetime)):
        return _SHOWN_WIDTH[datetime if isinstance(value, datetime) else date]
    return text_width(str(value))


class ColumnWidths:
    """The widest value seen in each column, as a column width."""

    def __init__(self) -> None:
        self._widest: list[float] = []

    def add(self, row: Iterable, factor: float = 1.0) -> None:
        for index, value in enumerate(row):
            if index == len(self._widest):
                self._widest.append(0)
            self._widest[index] = max(self._widest[index], shown_width(value) * factor)

    def add_header(self, headers: Iterable) -> None:
        self.add(headers, HEADER_FACTOR)

    @property
    def widths(self) -> list[int]:
        return [min(MAX_WIDTH, max(MIN_WIDTH, round(widest) + PADDING)) for widest in self._widest]
