"""Tables as CSV (UTF-8 with BOM, so Excel shows Thai) or XLSX (openpyxl), for every list and dashboard table.

Cells that a spreadsheet would run as a formula (=, +, -, @ at the start of text) are written as text, so a
name typed as "=HYPERLINK(...)" cannot act when an officer opens the export (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from flask import Response, abort, request
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.domain.thai_id import mask_citizen_id
from app.models import User
from app.services.permissions import can
from app.xlsx_layout import WIDTH_SAMPLE_ROWS, ColumnWidths, excel_value

FORMATS = ("csv", "xlsx")
MAX_EXPORT_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Werkzeug adds "; charset=utf-8" to a text/* mimetype itself (named here too, it was sent twice: issue 21, 11)
MIMETYPES = {"csv": "text/csv", "xlsx": XLSX}
CSV_ROWS_PER_PIECE = 1000


def _safe_text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(value) else value


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except ArithmeticError:
        return False
    return True


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return _safe_text(str(value))


def csv_chunks(headers: list[str], rows: Iterable) -> Iterator[bytes]:
    """The CSV (BOM, headers, rows) as pieces of CSV_ROWS_PER_PIECE rows, so a large export never sits whole in
    memory; joined, the pieces are exactly csv_bytes()."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(v) for v in row])
        if count % CSV_ROWS_PER_PIECE == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(headers: list[str], rows) -> bytes:
    return b"".join(csv_chunks(headers, rows))


def xlsx_bytes(headers: list[str], rows, title: str = "data") -> bytes:
    return _workbook([(title, headers, rows)])


def write_workbook(out, sheets) -> None:
    """Sheets of (title, headers, rows) saved into `out` (a path or a binary file): headers bold and frozen, cells
    as app/xlsx_layout.py shows them (money, counts and dates as numbers and real dates, Buddhist-year dates,
    widths from the content). The workbook is write-only: openpyxl streams each sheet's rows to a temporary file
    as they come, so memory stays flat however many rows there are; only the first WIDTH_SAMPLE_ROWS rows are held,
    to measure the widths, which a streamed sheet must declare before its first row."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31] or "data")
        rows = iter(rows)
        first = list(islice(rows, WIDTH_SAMPLE_ROWS))
        widths = ColumnWidths()
        widths.add_header(headers)
        for row in first:
            widths.add(row)
        for index, width in enumerate(widths.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, h, bold, WriteOnlyCell) for h in headers])
        for row in chain(first, rows):
            sheet.append([_xlsx_cell(sheet, v, WriteOnlyCell) for v in row])
    book.save(out)


def _workbook(sheets) -> bytes:
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out.getvalue()


def write_table(out, name: str, headers: list[str], rows: Iterable, fmt: str) -> None:
    """The file table_response() would send, written into the binary file `out` a piece at a time (a large export
    built by the job engine, app/services/list_exports.py)."""
    if fmt == "csv":
        for piece in csv_chunks(headers, rows):
            out.write(piece)
    elif fmt == "xlsx":
        write_workbook(out, [(name, headers, rows)])
    else:
        raise ValueError(f"not an export format: {fmt!r}")


def xlsx_workbook(name: str, sheets) -> Response:
    return Response(_workbook(sheets), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


def _header_cell(sheet, text, font, cell_class):
    cell = cell_class(sheet, value=text)
    cell.font = font
    return cell


def _xlsx_cell(sheet, value, cell_class):
    if isinstance(value, str):  # control characters cannot be stored in a worksheet
        return cell_class(sheet, value=_safe_text(ILLEGAL_CHARACTERS_RE.sub("", value)))
    value, number_format = excel_value(value)
    cell = cell_class(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def table_response(name: str, headers: list[str], rows, fmt: str) -> Response:
    """A download of `rows` under `headers` in `fmt` ("csv" or "xlsx"); 404 for any other format."""
    if fmt == "csv":
        return Response(csv_bytes(headers, rows), mimetype=MIMETYPES["csv"],
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        return Response(xlsx_bytes(headers, rows, name), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    abort(404)


def requested_format() -> str | None:
    """"csv" or "xlsx" when the list page was asked for a download (?format=...), else None."""
    fmt = request.args.get("format", "")
    return fmt if fmt in FORMATS else None


def citizen_id_for_export(citizen_id: str | None, user: User | None = None) -> str:
    """PDPA: the full ID only for roles that work with the person (see_full_citizen_ids), masked otherwise. `user`
    is whoever the export is for: the signed-in user unless named (a job builds its file for its requester)."""
    if not citizen_id:
        return ""
    reader = user if user is not None else current_user
    return citizen_id if can(reader, "see_full_citizen_ids") else mask_citizen_id(citizen_id)
