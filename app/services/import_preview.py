"""What a dry run shows of the rows it read (issue 21, point 2): the first PREVIEW_ROWS rows, each value as it was
read, so that an officer sees a shifted column, a misread amount or a year read in the wrong era before anything is
recorded — not only how many rows there were.

Each row is kept as plain JSON in the job (the debt import's summary, the repayment file's report), so it is what
the check read whatever worker ran it: citizen IDs masked (PDPA: the preview is a check, not a register), amounts
with separators as read (the cell's own text when it is no amount: the row's error says why), dates in the Buddhist
Era with the era they were written in (app/domain/sheet_dates.py). The page names the codes (templates).
"""
from __future__ import annotations

from app.domain.money import MoneyError, format_money, parse_money
from app.domain.sheet_dates import read_day
from app.domain.thai_id import mask_citizen_id, normalise_citizen_id

PREVIEW_ROWS = 20


def amount_text(text: str | None) -> str:
    """"1850000" → "1,850,000.00"; what is no amount stays as written."""
    try:
        return format_money(parse_money(text)) if text else ""
    except (MoneyError, ArithmeticError, ValueError, TypeError):
        return text


def date_cells(text: str | None) -> dict:
    """{"date": 01/04/2518, "era": "be" | "ce"}, or the text as written with no era when it is no date."""
    read = read_day(text)
    return {"date": read.be_text, "era": read.era} if read else {"date": text or "", "era": ""}


def masked_id(text: str | None) -> str:
    return mask_citizen_id(normalise_citizen_id(text or ""))


def debt_row(number: int, cells: dict) -> dict:
    """A row of the debt import (services/debt_import_sheet.py keys)."""
    birth = date_cells(cells.get("birth_date"))
    return {"row": number, "citizen_id": masked_id(cells.get("citizen_id")),
            "name": " ".join(filter(None, (cells.get(k) for k in ("title", "first_name", "last_name")))),
            "birth_date": birth["date"], "birth_era": birth["era"],
            "monthly_salary": amount_text(cells.get("monthly_salary")),
            "creditor_name": cells.get("creditor_name", ""), "creditor_type": cells.get("creditor_type", ""),
            "outstanding": amount_text(cells.get("outstanding")),
            "monthly_payment": amount_text(cells.get("monthly_payment")),
            "legal_status": cells.get("legal_status", "")}


def repayment_row(number: int, fields: dict, paid_on_text: str) -> dict:
    """A row of the repayment file (services/repayment_files.py keys); `paid_on_text` is the cell as written."""
    paid = date_cells(paid_on_text)
    return {"row": number, "citizen_id": masked_id(fields.get("citizen_id")), "case": fields.get("case_id", ""),
            "part": fields.get("part", ""), "amount": amount_text(fields.get("amount")),
            "paid_on": paid["date"], "paid_on_era": paid["era"], "reference": fields.get("reference", "")}
