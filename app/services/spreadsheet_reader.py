"""Reading an uploaded XLSX or CSV row by row, with memory bounded by what the file really holds (issue 14).

openpyxl, even read-only, pads every row to the width and height the sheet declares in <dimension> (2 KB declaring
A1:XFD1048576 asks for 130 GB), and ElementTree builds each element whole before openpyxl sees it (one row of a
million empty cells: 22 KB zipped, 545 MB in memory; 1 MB of cell formats: 120 MB). So, before openpyxl opens it:
- the zip holds at most MAX_PARTS parts, unpacking to IMPORT_XLSX_MAX_UNPACKED_MB in all, and each part openpyxl
  reads whole (all but the sheets, which it streams) to IMPORT_XLSX_MAX_PART_MB; zipfile never inflates a part
  past the size it declares, so the declared sizes are a bound;
- every part is scanned with expat, in constant memory, for its shape (_Shape);
then the first sheet is read without its declared dimension, one row at a time, each row cut to the columns the
header row uses. Checks here are about the file; the template's own rules (headers, row cap) are debt_import_sheet's.
"""
from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import count
from xml.parsers import expat

from flask import current_app
from openpyxl import load_workbook

from app.i18n import gettext as _
from app.jobs.limits import checkpoint
from app.services.errors import ValidationFailed

LAST_ROW = 1_048_576           # the last row of an XLSX sheet (and of Excel)
MAX_CELL_CHARS = 32_767        # Excel's limit for one cell; a CSV field may be no longer either
MAX_PARTS = 1_000              # zip members (a plain workbook has about ten)
MAX_DEPTH = 32                 # XML nesting (a sheet needs six)
MAX_RECORD_ELEMENTS = 100_000  # one sheet row (16,384 cells with their values fit) or one shared string
MAX_OTHER_ELEMENTS = 150_000   # the rest of a part (Excel's 64,000 cell formats fit, with an alignment each)
CHECK_EVERY = 4096             # rows or elements between two time-limit checkpoints
MB = 1024 * 1024


class Unreadable(ValidationFailed):
    """A problem of the file itself, found at `row` (1 when it is the whole file's)."""
    def __init__(self, message: str, row: int = 1):
        super().__init__(_("Please correct the marked fields."), {"file": message})
        self.row = row


def not_xlsx() -> Unreadable:
    return Unreadable(_("This is not a readable XLSX file."))


def cell_text(value) -> str:
    """A cell as text: a date (or date-time) ISO, a whole float without its ".0", runs of white space as one."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split())


def open_table(filename: str, content: bytes) -> Table:
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _Workbook(content)
    return _Csv(content)


class Table:
    """`header`: row 1's values (None for an empty file); rows(width): (row number, values) for rows 2… that hold
    a value, each cut to `width` values."""

    header: Sequence | None = None

    def rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _filled(values: Sequence) -> bool:
    return any(v is not None and v != "" for v in values)


def _cells_fit(values: Sequence, number: int, message) -> None:
    if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
        raise Unreadable(message(number), row=number)


# ---- CSV -----------------------------------------------------------------------------------------

def _csv_unreadable(number: int) -> str:
    return _("Row %(row)d cannot be read: a cell is longer than %(n)d characters, or a quote is not closed.",
             row=number, n=MAX_CELL_CHARS)


class _Csv(Table):
    def __init__(self, content: bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"file": _("Save the CSV file as UTF-8 (Excel: CSV UTF-8).")}) from None
        self._reader = csv.reader(io.StringIO(text))
        self.header = self._next(1)

    def _next(self, number: int) -> list | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error:  # a field past csv's own limit (131,072), which an unclosed quote also runs into
            raise Unreadable(_csv_unreadable(number), row=number) from None

    def rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        for number in count(2):
            values = self._next(number)
            if values is None:
                return
            if number % CHECK_EVERY == 0:
                checkpoint()
            values = values[:width]
            if _filled(values):
                _cells_fit(values, number, _csv_unreadable)
                yield number, values


# ---- XLSX ----------------------------------------------------------------------------------------

class _Workbook(Table):
    def __init__(self, content: bytes):
        _check_zip(content)
        try:
            self._book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            self._sheet = self._book.worksheets[0]
        except Exception:  # noqa: BLE001 — any unreadable workbook is the user's file, not our error
            raise not_xlsx() from None
        self._sheet.reset_dimensions()  # the declared <dimension> is a claim: rows come back with their real cells
        self.header = self._next(self._sheet.iter_rows(min_row=1, max_row=1, values_only=True), 0)

    @staticmethod
    def _next(values: Iterator, last: int):
        try:
            return next(values)
        except StopIteration:
            return None
        except Exception:  # noqa: BLE001 — broken XML or cell references further into the user's file
            if not last:
                raise not_xlsx() from None
            raise Unreadable(_("The workbook cannot be read after row %(row)d.", row=last), row=last + 1) from None

    def rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        # openpyxl yields one item per row number from min_row, filling gaps with empty rows, so the count is the
        # row number; max_col cuts each row to the columns the header uses (the rest could only be unknown columns).
        values = self._sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True)
        for number in count(2):
            row = self._next(values, number - 1)
            if row is None:
                return
            if number > LAST_ROW:  # _Shape refuses this first; a sheet's rows stop here whatever the file says
                raise Unreadable(_past_last_row(number), row=number)
            if number % CHECK_EVERY == 0:
                checkpoint()
            if _filled(row):
                _cells_fit(row, number, lambda n: _("Row %(row)d: a cell holds more than %(n)d characters.",
                                                     row=n, n=MAX_CELL_CHARS))
                yield number, row

    def close(self) -> None:
        self._book.close()


def _past_last_row(number: int) -> str:
    return _("Row %(row)d is past the last row a spreadsheet can have (%(last)d).", row=number, last=LAST_ROW)


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_xlsx() from None
    total_mb = current_app.config["IMPORT_XLSX_MAX_UNPACKED_MB"]
    if len(parts) > MAX_PARTS:
        raise Unreadable(_too_complex("zip"))
    if sum(part.file_size for part in parts) > total_mb * MB:
        raise Unreadable(_("The workbook unpacks to more than %(mb)d MB. Split it into smaller files, or save it "
                           "as CSV UTF-8.", mb=total_mb))
    for part in parts:
        shape = _Shape(part, current_app.config["IMPORT_XLSX_MAX_PART_MB"])
        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = shape.start, shape.end
        try:
            with archive.open(part) as stream:
                parser.ParseFile(stream)
        except expat.ExpatError:
            pass  # not XML (an image), or broken there: openpyxl, if it reads the part, stops at the same place
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise not_xlsx() from None


def _too_complex(where: str) -> str:
    return _("The workbook is built in a way that cannot be read safely (%(part)s). Save it again from Excel as a "
             "new workbook, or save it as CSV UTF-8.", part=where)


class _Shape:
    """One part's elements counted as expat streams them: what ElementTree would build at once stays bounded.
    Records are a sheet's rows (a <row> in <sheetData>) and shared strings (an <si> in <sst>): at most
    MAX_RECORD_ELEMENTS each, and at most LAST_ROW rows; everything else in the part counts towards
    MAX_OTHER_ELEMENTS. A part other than a sheet is read whole by openpyxl, so its size is capped too."""

    def __init__(self, part: zipfile.ZipInfo, part_mb: int):
        self.part, self.part_mb = part, part_mb
        self.path: list[str] = []   # the open elements' local names
        self.record_depth = 0       # the depth of the open record; 0: none
        self.in_record = self.other = self.rows = self.row = self.seen = 0

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        self.path.append(local)
        depth = len(self.path)
        self.seen += 1
        if self.seen % CHECK_EVERY == 0:
            checkpoint()
        if depth > MAX_DEPTH:
            raise Unreadable(_too_complex(self.part.filename))
        if depth == 1 and local != "worksheet" and self.part.file_size > self.part_mb * MB:
            raise Unreadable(_("A part of the workbook (%(part)s) unpacks to more than %(mb)d MB. Save the workbook "
                               "again from Excel, or save it as CSV UTF-8.", part=self.part.filename, mb=self.part_mb))
        if self.record_depth:
            self.in_record += 1
            if self.in_record > MAX_RECORD_ELEMENTS and self.path[0] == "worksheet":
                raise Unreadable(_("Row %(row)d has more cells than a spreadsheet row can hold.", row=self.row),
                                 row=self.row)
            if self.in_record > MAX_RECORD_ELEMENTS:
                raise Unreadable(_too_complex(self.part.filename))
        elif depth == 3 and local == "row" and self.path[:2] == ["worksheet", "sheetData"]:
            self._open_record(depth)
            self.rows += 1
            try:  # openpyxl numbers a row by its r attribute, or as the one after the last
                self.row = int(attrs["r"]) if "r" in attrs else self.row + 1
            except ValueError:
                raise not_xlsx() from None
            if self.row > LAST_ROW or self.rows > LAST_ROW:
                raise Unreadable(_past_last_row(max(self.row, self.rows)), row=max(self.row, self.rows))
        elif depth == 2 and local == "si" and self.path[0] == "sst":
            self._open_record(depth)
        else:
            self.other += 1
            if self.other > MAX_OTHER_ELEMENTS:
                raise Unreadable(_too_complex(self.part.filename))

    def _open_record(self, depth: int) -> None:
        self.record_depth, self.in_record = depth, 1

    def end(self, name: str) -> None:
        if self.record_depth == len(self.path):
            self.record_depth = 0
        self.path.pop()
