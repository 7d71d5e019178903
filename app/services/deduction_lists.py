"""The monthly deduction list (domain.md, "After approval" 3; api-v1.md v1.1 "Deduction lists"): for one month, per
teacher, what the paying unit deducts and for which creditor, in the legal order, marked new, changed, unchanged or
stopped against the month before.

Read from the runs of services/deduction_lines.py that cover month−1 or month — a few rows per case whatever the
term — joined to the case and the person and limited to the reader's scope (debt_cases.in_scope_of). Streamed: the
rows come from a server-side cursor (yield_per) in (paying unit code, case id, legal order, id) order and are grouped
into one Item per case and paying unit as they arrive, so memory stays flat for a nation's list. Lines are not
filtered on the case's status: a revision ends a case's runs (deduction_lines.end_lines), and the month after, the
case is listed as stopped — the paying unit must stop deducting.

The writers (write_csv, write_xlsx) and the page, the API and the audit of each read build on items().
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.thai_text import parse_typed_month
from app.exports import csv_chunks
from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtCase, DeductionLine, OrgUnit, Person, User
from app.services import audit, deduction_xlsx
from app.services.debt_cases import PAYING_UNIT_KINDS, in_scope_of
from app.services.deduction_lines import add_months
from app.services.errors import ValidationFailed

CHANGES = ("new", "changed", "unchanged", "stopped")
YIELD_PER = 5_000  # rows fetched from the cursor at a time
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    order: int       # the line's position within its item, from 1 (api-v1.md: line numbers count from 1)
    creditor: str
    part: str        # "new_loan" or a debt id
    amount: Decimal


@dataclass(frozen=True)
class Item:
    citizen_id: str  # the full ID: the paying unit acts on it (api-v1.md)
    name: str
    paying_unit_code: str
    paying_unit_name: str
    case_id: int
    case_reference: str
    lines: tuple[Line, ...]
    total: Decimal
    change: str      # one of CHANGES


# ---- reading the month ----------------------------------------------------------------------------------------

def parse_month(text: str | None) -> date:
    """"2027-02" (the API) or "02/2570" (typed, Buddhist year) → date(2027, 2, 1)."""
    try:
        year, month = parse_typed_month(text or "")
        return date(year, month, 1)
    except ValueError:
        raise ValidationFailed(_("Please correct the marked fields."), {"month": _(
            "Give the month as mm/yyyy in the Buddhist year (02/2570) or as 2027-02.")}) from None


def paying_unit(code: str | None) -> OrgUnit | None:
    """The paying unit a list is asked for, or None for every unit; 422 for a code that names no paying unit."""
    if not code:
        return None
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or unit.kind not in PAYING_UNIT_KINDS:
        raise ValidationFailed(_("Please correct the marked fields."), {"paying_unit_code": _(
            "No paying unit (area office or pension payer) with this code.")})
    return unit


def _statement(actor: User, month: date, unit: OrgUnit | None, province_code: str | None, columns):
    previous = add_months(month, -1)
    stmt = (select(*columns).select_from(DeductionLine)
            .join(DebtCase, DebtCase.id == DeductionLine.case_id)
            # runs covering month−1 or month (to_month, from_month inclusive)
            .where(DeductionLine.to_month >= previous, DeductionLine.from_month <= month))
    if unit is not None:
        stmt = stmt.where(DeductionLine.paying_unit_id == unit.id)
    if province_code:
        stmt = stmt.where(DeductionLine.province_code == province_code)
    return in_scope_of(stmt, actor)


def count(actor: User, month: date, paying_unit_code: str | None = None, province_code: str | None = None) -> int:
    """How many items items() yields (cases and paying units), for the audit row of a read."""
    unit = paying_unit(paying_unit_code)
    pairs = _statement(actor, month, unit, province_code,
                       (DeductionLine.case_id, DeductionLine.paying_unit_id)).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(pairs)) or 0


def items(actor: User, month: date, paying_unit_code: str | None = None,
          province_code: str | None = None) -> Iterator[Item]:
    """The list for `month` (a first day), ordered by paying unit code then case id. The paying unit is the one the
    runs were written for (copied at activation): a case whose runs move to another unit is stopped on the old
    unit's list and new on the other's — each payroll office sees what it must start or stop."""
    unit = paying_unit(paying_unit_code)
    month = month.replace(day=1)
    columns = (OrgUnit.code, OrgUnit.name, DeductionLine.case_id, DebtCase.reference, Person.citizen_id,
               Person.title, Person.first_name, Person.last_name, DeductionLine.part, DeductionLine.creditor,
               DeductionLine.amount, DeductionLine.from_month, DeductionLine.to_month)
    stmt = (_statement(actor, month, unit, province_code, columns)
            .join(Person, Person.id == DebtCase.person_id)
            .outerjoin(OrgUnit, OrgUnit.id == DeductionLine.paying_unit_id)
            # domain.md step 3: the legal order, then the order the runs were written in (oldest agreement first)
            .order_by(func.coalesce(OrgUnit.code, ""), DeductionLine.case_id, DeductionLine.legal_order,
                      DeductionLine.id))
    rows = db.session.execute(stmt.execution_options(yield_per=YIELD_PER))
    group: list = []
    for row in rows:
        if group and (row[0], row[2]) != (group[0][0], group[0][2]):
            yield _item(group, month)
            group = []
        group.append(row)
    if group:
        yield _item(group, month)


def _item(rows: list, month: date) -> Item:
    first = rows[0]
    current = [r for r in rows if r.from_month <= month <= r.to_month]
    before = [r for r in rows if r.from_month < month]   # the runs that covered month−1
    lines = tuple(Line(n, r.creditor, r.part, r.amount.quantize(ZERO)) for n, r in enumerate(current, 1))
    return Item(citizen_id=first.citizen_id, name=f"{first.title}{first.first_name} {first.last_name}",
                paying_unit_code=first.code or "", paying_unit_name=first.name or "", case_id=first.case_id,
                case_reference=first.reference or "", lines=lines, total=sum((l.amount for l in lines), ZERO),
                change=_change(before, current))


def _change(before: list, current: list) -> str:
    """domain.md step 3, against the month before: nothing then → new; nothing now → stopped; the same parts with the
    same amounts → unchanged; anything else → changed."""
    if not before:
        return "new"
    if not current:
        return "stopped"
    same = sorted((r.part, Decimal(r.amount)) for r in before) == sorted((r.part, Decimal(r.amount)) for r in current)
    return "unchanged" if same else "changed"


def log_read(actor: User, action: str, month: date, paying_unit_code: str | None, province_code: str | None,
             listed: int, fmt: str) -> None:
    """PDPA: the list carries full citizen IDs for the paying unit to act on — a use of personal data, logged once
    per read or download (like services/letters.py's "person.letter_use"), naming the month, the unit and how many
    people it held. Commits (the row must stand even if the download is broken off)."""
    audit.record(action, actor=actor, object_type="deduction_list", object_id=month.strftime("%Y-%m"),
                 org_path=actor.org_unit.path if actor.org_unit else "/",
                 after={"month": month.strftime("%Y-%m"), "paying_unit_code": paying_unit_code or None,
                        "province_code": province_code or None, "count": listed, "format": fmt,
                        "purpose": "full citizen ID for the paying unit to deduct"})
    db.session.commit()


# ---- labels and rows for the files ----------------------------------------------------------------------------

class Labels:
    """The Thai words of the files, looked up once per file (gettext per row would be most of the time it takes).
    Never an internal code: the new loan by name, a debt by its number on the case, a change by its word."""

    def __init__(self):
        self.change = {"new": _("New to the list"), "changed": _("Amount changed"),
                       "unchanged": _("Unchanged"), "stopped": _("Stop deducting")}
        self.new_loan = _("New loan")
        self.debt = _("Debt no. %(id)s", id="\x00")
        self.total = _("Total")

    def part(self, part: str) -> str:
        return self.new_loan if part == "new_loan" else self.debt.replace("\x00", part)


def headers() -> list[str]:
    return [_("Paying unit code"), _("Paying unit"), _("Citizen ID"), _("Full name"), _("Case reference"), _("Case ID"),
            _("Change"), _("Order"), _("Creditor"), _("Item"), _("Amount (baht)")]


def rows_of(item: Item, labels: Labels) -> Iterator[list]:
    """One row per line, the teacher's columns repeated, then the teacher's total row (a stopped teacher: the total
    row alone, 0)."""
    person = [item.paying_unit_code, item.paying_unit_name, item.citizen_id, item.name, item.case_reference,
              item.case_id, labels.change[item.change]]
    for line in item.lines:
        yield person + [line.order, line.creditor, labels.part(line.part), line.amount]
    yield person + [None, labels.total, "", item.total]


def csv_pieces(listed: Iterable[Item]) -> Iterator[bytes]:
    """The CSV (UTF-8 with BOM, app/exports.py) a piece at a time, for a streamed response: every row of every item."""
    labels = Labels()
    return csv_chunks(headers(), (row for item in listed for row in rows_of(item, labels)))


def write_csv(listed: Iterable[Item], out) -> None:
    for piece in csv_pieces(listed):
        out.write(piece)


def write_xlsx(listed: Iterable[Item], out, month: date) -> None:
    """A workbook with a sheet per paying unit (named by its code): the nation has more rows than one sheet holds.
    The rows of rows_of() with the month first, as a real date."""
    deduction_xlsx.write_workbook(listed, out, month, [_("Month"), *headers()], Labels())


def distinct_units(actor: User, month: date, province_code: str | None = None) -> list[OrgUnit]:
    """The paying units with lines in the reader's scope for month−1..month (the page's choice of unit)."""
    ids = _statement(actor, month, None, province_code, (DeductionLine.paying_unit_id,)).where(
        DeductionLine.paying_unit_id.is_not(None))
    return list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.code)))
