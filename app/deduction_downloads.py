"""The deduction list as a download or a streamed JSON body (api-v1.md v1.1 "Deduction lists"), shared by the API
and the officers' page (app/debt/deduction_views.py). Each read is logged first, once (PDPA: the list carries full
citizen IDs), then the list streams from services/deduction_lists.items(): a nation's list never sits whole in
memory. CSV streams as it is written; XLSX is written into a temporary file first (a zip is whole only at its end)
and then sent a piece at a time."""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flask import Response, stream_with_context

from app.domain.money import money_str
from app.exports import MIMETYPES, XLSX
from app.models import User
from app.services import deduction_lists as lists
from app.web import file_response

PIECE = 1 << 20  # bytes sent at a time from the spooled workbook
ACTIONS = {"json": "deduction_list.view", "html": "deduction_list.view", "csv": "deduction_list.download",
           "xlsx": "deduction_list.download"}


def logged(actor: User, month: date, paying_unit_code: str | None, fmt: str) -> int:
    """Check the unit (422), count the list and log its read; the count."""
    listed = lists.count(actor, month, paying_unit_code)
    lists.log_read(actor, ACTIONS[fmt], month, paying_unit_code, None, listed, fmt)
    return listed


def file_name(month: date, paying_unit_code: str | None, fmt: str) -> str:
    return f"deductions-{month:%Y-%m}{'-' + paying_unit_code if paying_unit_code else ''}.{fmt}"


def download(actor: User, month: date, paying_unit_code: str | None, fmt: str) -> Response:
    """The list as CSV or XLSX (fmt), logged as a download."""
    logged(actor, month, paying_unit_code, fmt)
    listed = lists.items(actor, month, paying_unit_code)
    name = file_name(month, paying_unit_code, fmt)
    if fmt == "csv":
        return file_response(lists.csv_pieces(listed), MIMETYPES["csv"], name)
    spool = tempfile.TemporaryFile()
    try:
        lists.write_xlsx(listed, spool, month)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return file_response(_pieces(spool), XLSX, name)


def _pieces(spool) -> Iterator[bytes]:
    with spool:
        yield from iter(lambda: spool.read(PIECE), b"")


def item_json(item: lists.Item) -> dict:
    return {"citizen_id": item.citizen_id, "name": item.name, "paying_unit_code": item.paying_unit_code or None,
            "case_id": item.case_id,
            "lines": [{"order": line.order, "creditor": line.creditor, "part": line.part,
                       "amount": money_str(line.amount)} for line in item.lines],
            "total": money_str(item.total), "change": item.change}


def json_response(actor: User, month: date, paying_unit_code: str | None) -> Response:
    """{"month", "items": [...], "total"} streamed an item at a time (no paging fields in the contract)."""
    logged(actor, month, paying_unit_code, "json")
    listed = lists.items(actor, month, paying_unit_code)

    def body() -> Iterator[str]:
        yield '{"month": "%s", "items": [' % month.strftime("%Y-%m")
        total = Decimal("0")
        for n, item in enumerate(listed):
            total += item.total
            yield ("," if n else "") + json.dumps(item_json(item), ensure_ascii=False)
        yield '], "total": "%s"}' % money_str(total)

    return Response(stream_with_context(piece.encode("utf-8") for piece in body()), mimetype="application/json")
