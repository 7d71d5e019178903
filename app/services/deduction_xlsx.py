"""The deduction list as an XLSX workbook, written straight as SpreadsheetML into a zip, a row at a time.

Why not openpyxl's write-only workbook (app/exports.py): measured on this server, it writes about 13,000 rows a
second and XlsxWriter (constant_memory) about 24,000; a nation's list — 1,000,000 active cases, three or four rows
each — must be written in 60 seconds (issue 19). Writing the XML text ourselves, about 200,000 rows a second on the
same server (a teacher's columns rendered once for all their rows), with memory flat (each sheet streams into its
zip entry). What the file holds is the minimum Excel,
LibreOffice and openpyxl read: inline strings, numbers with the #,##0.00 format, months as real dates (Excel serial
numbers, shown in the Buddhist year: app/xlsx_layout.py, which every other XLSX of the app follows too), bold frozen
headers and column widths (each column's fixed width for its content, widened to its header). A sheet per paying
unit, named by its code (sheet names are at most 31 characters); a unit with more rows than a sheet holds
(1,048,576) continues on a sheet of its own, "CODE-2".
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

from app.i18n import gettext as _
from app.xlsx_layout import HEADER_FACTOR, MAX_WIDTH, MONTH_FORMAT, PADDING, excel_serial, text_width

MAX_ROWS = 1_048_576
ROWS_PER_WRITE = 2_000
# characters, per column (month first, then headers()): what the content needs, measured once on a national list;
# a longer header widens its column (_Book.widths)
WIDTHS = (10, 14, 40, 16, 30, 18, 9, 16, 7, 40, 18, 16)
# cellXfs below: 0 text, 1 money, 2 month, 3 bold header, 4 bold text, 5 bold money
MONEY, MONTH, HEADER, BOLD, BOLD_MONEY = 1, 2, 3, 4, 5
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


# Cells carry no reference (r is optional in SpreadsheetML: a cell without one is the next in its row), so a
# teacher's cells are rendered once and repeated on each of their rows; an empty cell is written as <c/>.
EMPTY = "<c/>"


def _text(value: str, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    return f'<c{styled} t="inlineStr"><is><t xml:space="preserve">{escape(_ILLEGAL.sub("", value))}</t></is></c>'


_cached_text = lru_cache(maxsize=4096)(_text)  # creditors, labels, unit names: they repeat on most rows


def _number(value, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    return f"<c{styled}><v>{value}</v></c>"


class _Book:
    """The zip and its sheets, one open at a time."""

    def __init__(self, out, headers: list[str]):
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.names: list[str] = []
        self.entry = None
        self.rows = 0
        self.buffer: list[str] = []
        self.headers = headers
        self.widths = [min(MAX_WIDTH, max(width, round(text_width(header) * HEADER_FACTOR) + PADDING))
                       for width, header in zip(WIDTHS, headers)]

    def sheet(self, code: str) -> None:
        self.close_sheet()
        base = _SHEET_NAME_BAD.sub("-", code)[:31] or _("No paying unit")[:31]
        name, n = base, 1
        while name.lower() in {x.lower() for x in self.names}:
            n += 1
            name = f"{base[:31 - len(str(n)) - 1]}-{n}"
        self.names.append(name)
        self.entry = self.zip.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w", force_zip64=True)
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, 1))
        self.entry.write((
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            f'state="frozen"/></sheetView></sheetViews><cols>{cols}</cols><sheetData>'
            + '<row r="1">' + "".join(_text(h, HEADER) for h in self.headers) + "</row>").encode("utf-8"))
        self.rows = 1

    def add(self, cells: str) -> None:
        self.rows += 1
        self.buffer.append(f'<row r="{self.rows}">{cells}</row>')
        if len(self.buffer) >= ROWS_PER_WRITE:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.entry.write("".join(self.buffer).encode("utf-8"))
            self.buffer = []

    def close_sheet(self) -> None:
        if self.entry is not None:
            self.flush()
            self.entry.write(b"</sheetData></worksheet>")
            self.entry.close()
            self.entry = None

    def close(self) -> None:
        if not self.names:
            self.sheet(_("No paying unit"))
        self.close_sheet()
        sheets = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self.names, 1))
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(self.names) + 1))
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                            for i in range(1, len(self.names) + 1))
        n = len(self.names) + 1
        self.zip.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        self.zip.writestr("_rels/.rels", _ROOT_RELS)
        self.zip.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=sheets))
        self.zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(rels=rels, n=n))
        self.zip.writestr("xl/styles.xml", _STYLES)
        self.zip.close()


def write_workbook(listed: Iterable, out, month: date, headers: list[str], labels) -> None:
    """Items (deduction_lists.Item) in paying-unit order, as deduction_lists.items() yields them: a sheet per unit, a
    row per line and a bold total row per teacher — the rows of deduction_lists.rows_of with the month first (under
    `headers`), each teacher's columns rendered once; `labels` is a deduction_lists.Labels."""
    book = _Book(out, headers)
    month_cell = _number(excel_serial(month), MONTH)
    code = None
    for item in listed:
        if item.paying_unit_code != code or book.rows + len(item.lines) + 1 > MAX_ROWS:
            book.sheet(item.paying_unit_code)
            code = item.paying_unit_code
        # the columns of headers(), with the month first
        person = (f"{month_cell}{_cached_text(item.paying_unit_code)}{_cached_text(item.paying_unit_name)}"
                  f"{_text(item.citizen_id)}{_text(item.name)}{_text(item.case_reference)}{_number(item.case_id)}"
                  f"{_cached_text(labels.change[item.change])}")
        for line in item.lines:  # this loop is most of a nation's file
            book.add(f"{person}{_number(line.order)}{_cached_text(line.creditor)}"
                     f"{_cached_text(labels.part(line.part))}{_number(line.amount, MONEY)}")
        book.add(f"{person}{EMPTY}{_cached_text(labels.total, BOLD)}{EMPTY}{_number(item.total, BOLD_MONEY)}")
    book.close()


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{overrides}</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_REL}"><sheets>{{sheets}}</sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
    f'<Relationship Id="rId{{n}}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{MONTH_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Tahoma"/></font>'
    '<font><b/><sz val="11"/><name val="Tahoma"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
