"""Recording what was repaid (domain.md, "After approval" 4; api-v1.md v1.1 "Repayments"): the month's lines from
payroll or the cooperative, each matched by citizen ID, case and part to the case's instalments.

- A line matches when its case is active and in the caller's scope, its citizen ID is the teacher's, its part is
  one of the case's instalment parts (the new loan, a rescheduled debt; a case with one part may leave it blank),
  and its amount does not exceed what the part still owes. The amount is applied to the part's instalments oldest
  first (app/domain/instalments.py): partial payments are kept, an overpayment goes to the next instalment.
- Every other line is reported with its line number (from 1), the field and the reason; none is dropped silently.
- All or nothing: unless every line matches, nothing is recorded — or, with `accept_partial`, the matching lines
  are. A dry run reports the same and records nothing.
- Idempotent by reference (unique in the table): a line whose reference is already recorded with the same case,
  part, amount and day is counted as already recorded and changes nothing; with other values it is reported. Two
  imports of one file at once record it once: imports take one lock (PostgreSQL: an advisory lock for the
  transaction; SQLite: the write lock, taken before anything is read).

Lines are read BATCH at a time (a few indexed reads per batch), inserted as they match (PostgreSQL: through COPY),
and the cases they repaid assessed there and then from what matching read (arrears.assess_matched), in one
transaction undone at the end for a dry run or a refused import; so a million lines hold one batch in memory.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Iterable, Iterator

from sqlalchemy import or_, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from app.domain import clock
from app.domain.clock import utcnow
from app.domain.instalments import ZERO
from app.domain.money import MoneyError, parse_money
from app.domain.thai_id import is_valid_citizen_id, normalise_citizen_id
from app.domain.thai_text import parse_typed_month
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import DebtCase, Person, Repayment, User
from app.services import arrears, audit
from app.services.debt_cases import in_scope_of
from app.services.debt_input import money_message
from app.services.id_lists import among
from app.services.errors import Conflict, ValidationFailed
from app.services.instalments import paid_by_part, part_runs
from app.services.permissions import require

BATCH = 5000
MAX_REFERENCE = 100
SOURCES = ("api", "file", "form")
LOCK_KEY = 2020  # pg_advisory_xact_lock: one repayment import at a time
FIELDS = ("citizen_id", "case_id", "part", "amount", "paid_on", "reference")


@dataclass
class Unmatched:
    line: int
    reason: str
    field: str | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class Outcome:
    month: date
    lines: int = 0
    matched: int = 0
    amount_matched: Decimal = ZERO
    already_recorded: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    dry_run: bool = False
    recorded: bool = False
    cases: set[int] = field(default_factory=set)
    cooperatives: set[int] = field(default_factory=set)

    def as_dict(self) -> dict:
        """api-v1.md "Repayments" (matched, amount_matched, unmatched) and what this adds: whether anything was
        recorded, the lines already on file, the dry run."""
        return {"month": self.month.strftime("%Y-%m"), "lines": self.lines, "matched": self.matched,
                "amount_matched": f"{self.amount_matched:.2f}", "already_recorded": self.already_recorded,
                "unmatched": [u.as_dict() for u in self.unmatched], "recorded": self.recorded,
                "dry_run": self.dry_run}


@dataclass
class Parsed:
    line: int
    citizen_id: str
    case_key: int | str          # the case id, or its reference (DC2569-000005) in a file
    part: str | None
    amount: Decimal
    paid_on: date
    reference: str


def parse_month(raw) -> date:
    """The month the lines are for: "2027-02" (api-v1.md) or 02/2570 typed on a page; 422 otherwise, or for a month
    not begun yet."""
    try:
        year, month = parse_typed_month(str(raw or "").strip())
        value = date(year, month, 1)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"month": _("Enter a month as YYYY-MM (Common Era) or mm/yyyy (Buddhist Era).")}
                               ) from None
    if value > clock.today().replace(day=1):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"month": _("The month cannot be in the future.")})
    return value


def _parse(number: int, raw) -> Parsed | Unmatched:
    """One line's fields, or the first bad one."""
    if not isinstance(raw, dict):
        return Unmatched(number, _("Each line is an object with the fields %(fields)s.", fields=", ".join(FIELDS)))
    cid = normalise_citizen_id(str(raw.get("citizen_id") or ""))
    if not cid:
        return Unmatched(number, _("This field is required."), "citizen_id")
    if not is_valid_citizen_id(cid):
        return Unmatched(number, _("This is not a valid 13-digit citizen ID (check digit)."), "citizen_id")
    case_raw = raw.get("case_id")
    case_text = str(case_raw).strip() if case_raw not in (None, "") and not isinstance(case_raw, bool) else ""
    if not case_text:
        return Unmatched(number, _("This field is required."), "case_id")
    case_key: int | str = int(case_text) if case_text.isdigit() else case_text.upper()
    part_raw = raw.get("part")
    part = str(part_raw).strip() if part_raw not in (None, "") else None
    if part is not None and part != "new_loan" and not part.isdigit():
        return Unmatched(number, _("Enter new_loan or the number of a rescheduled debt."), "part")
    try:
        amount = parse_money(raw.get("amount") if raw.get("amount") is not None else "")
    except MoneyError as error:
        return Unmatched(number, money_message(error) if raw.get("amount") not in (None, "")
                         else _("This field is required."), "amount")
    if amount <= 0:
        return Unmatched(number, _("Enter an amount above zero."), "amount")
    try:
        paid_on = date.fromisoformat(str(raw.get("paid_on") or "").strip())
    except ValueError:
        return Unmatched(number, _("Enter a date as YYYY-MM-DD (Common Era)."), "paid_on")
    if paid_on > clock.today():
        return Unmatched(number, _("The date cannot be in the future."), "paid_on")
    reference = " ".join(str(raw.get("reference") or "").split())
    if not reference:
        return Unmatched(number, _("This field is required."), "reference")
    if len(reference) > MAX_REFERENCE:
        return Unmatched(number, _("Use at most %(n)d characters.", n=MAX_REFERENCE), "reference")
    return Parsed(number, cid, case_key, part, amount, paid_on, reference)


def record(actor: User, month: date, lines: Iterable, *, dry_run: bool = False, accept_partial: bool = False,
           source: str = "api", numbered: bool = False, as_of: date | None = None) -> Outcome:
    """Match and record the lines (see the module's docstring); commits, or undoes everything it wrote. `lines`
    are the API's objects, numbered from 1 here, or (`numbered`) (number, fields) pairs: a file's own rows. The cases
    touched are assessed as of `as_of` (today unless told: a replay of past months, the benchmark)."""
    require(actor, "record_repayments")
    outcome = Outcome(month=month, dry_run=dry_run)
    db.session.commit()   # the import is its own transaction, begun under the lock
    batch_key = uuid.uuid4().hex
    try:
        _take_lock()
        pairs: Iterator = iter(lines) if numbered else enumerate(lines, start=1)
        officers: dict = {}   # arrears' cache of each unit's officers, kept over the import
        while chunk := list(islice(pairs, BATCH)):
            outcome.lines += len(chunk)
            repaid = _record_batch(actor, month, chunk, outcome, batch_key, source)
            # their buckets change at once (api-v1.md "delinquency"), from what matching read; not when nothing
            # will be kept
            if repaid.cases and not dry_run and (accept_partial or not outcome.unmatched):
                arrears.assess_matched(repaid.cases, as_of, repaid.runs, repaid.paid, officers)
        outcome.unmatched.sort(key=lambda u: u.line)   # the report in the order of the lines
        refused = bool(outcome.unmatched) and not accept_partial
        if dry_run or refused or not outcome.matched:
            db.session.rollback()
            return outcome
        audit.record("repayments.record", actor=actor, object_type="repayment_batch", object_id=batch_key,
                     org_path=actor.org_unit.path, after={
                         "month": month.strftime("%Y-%m"), "source": source, "lines": outcome.lines,
                         "matched": outcome.matched, "amount_matched": f"{outcome.amount_matched:.2f}",
                         "already_recorded": outcome.already_recorded, "unmatched": len(outcome.unmatched),
                         "cases": len(outcome.cases)})
        background.submit(arrears.MONTH_KIND, {"month": month.isoformat(), "as_of": (as_of or clock.today()).isoformat(),
                                               "cooperative_ids": sorted(outcome.cooperatives)},
                          actor=actor)
        db.session.commit()
        outcome.recorded = True
        return outcome
    except OperationalError as error:
        db.session.rollback()
        if "locked" in str(error).lower():
            raise Conflict(_("Another repayment import is being recorded. Try again in a moment.")) from None
        raise
    except BaseException:
        db.session.rollback()
        raise


def _take_lock() -> None:
    """One import at a time: PostgreSQL holds an advisory lock to the end of the transaction; SQLite takes its
    write lock now (a write that changes nothing), so that what this import reads is what it writes against."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        db.session.execute(text("UPDATE repayments SET id = id WHERE 1 = 0"))


@dataclass
class Repaid:
    """What a batch repaid, for arrears.assess_matched: the cases (as arrears reads them), their instalment runs and
    what each part has repaid now."""

    cases: list = field(default_factory=list)
    runs: dict = field(default_factory=dict)
    paid: dict = field(default_factory=dict)


def _cases(actor: User, parsed: list[Parsed]) -> dict[int | str, object]:
    """The cases the lines name, in the caller's scope, by id and by reference."""
    ids = sorted({p.case_key for p in parsed if isinstance(p.case_key, int)})
    refs = sorted({p.case_key for p in parsed if isinstance(p.case_key, str)})
    if not ids and not refs:
        return {}
    stmt = in_scope_of(select(DebtCase.id, DebtCase.reference, DebtCase.status, DebtCase.plan_version,
                              DebtCase.cooperative_id, DebtCase.province_code, DebtCase.org_path, DebtCase.version,
                              Person.citizen_id).join(Person, Person.id == DebtCase.person_id), actor)
    stmt = stmt.where(or_(among(DebtCase.id, ids), DebtCase.reference.in_(refs)) if refs else among(DebtCase.id, ids))
    found = {}
    for row in db.session.execute(stmt):
        found[row.id] = found[row.reference] = row
    return found


def _record_batch(actor: User, month: date, chunk, outcome: Outcome, batch_key: str, source: str) -> Repaid:
    parsed = []
    for number, raw in chunk:
        item = _parse(number, raw)
        (outcome.unmatched if isinstance(item, Unmatched) else parsed).append(item)
    cases = _cases(actor, parsed)
    case_ids = sorted({found.id for found in cases.values()})
    runs = part_runs(case_ids) if case_ids else {}
    paid = paid_by_part(case_ids) if case_ids else {}
    taken: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)   # what earlier lines of the batch took
    rows, by_reference = [], {}
    for p in parsed:
        found = cases.get(p.case_key)
        if found is None:
            outcome.unmatched.append(Unmatched(p.line, _("No such case in your scope."), "case_id"))
            continue
        case_id, status, version = found.id, found.status, found.plan_version
        if found.citizen_id != p.citizen_id:
            outcome.unmatched.append(Unmatched(p.line, _("The citizen ID is not that of this case's teacher."),
                                               "citizen_id"))
            continue
        if status != "active":
            outcome.unmatched.append(Unmatched(p.line, _("The case is not being repaid (it is not active)."),
                                               "case_id"))
            continue
        parts = runs.get(case_id, {})
        part = p.part if p.part is not None else (next(iter(parts)) if len(parts) == 1 else None)
        if part is None:
            outcome.unmatched.append(Unmatched(p.line, _("Name the part: this case repays %(parts)s.",
                                                         parts=", ".join(sorted(parts))), "part"))
            continue
        if part not in parts:
            outcome.unmatched.append(Unmatched(p.line, _("This case has no instalments for part %(part)s.",
                                                         part=part), "part"))
            continue
        owed = sum((r.amount * r.months for r in parts[part]), ZERO) - paid.get((case_id, part), ZERO) \
            - taken[(case_id, part)]
        if p.amount > owed:
            outcome.unmatched.append(Unmatched(p.line, _("More than the part still owes (%(owed)s baht).",
                                                         owed=f"{max(owed, ZERO):,.2f}"), "amount"))
            continue
        if p.reference in by_reference:
            outcome.unmatched.append(Unmatched(p.line, _("The reference is repeated from line %(line)d.",
                                                         line=by_reference[p.reference]["line"]), "reference"))
            continue
        taken[(case_id, part)] += p.amount
        row = {"reference": p.reference, "case_id": case_id, "plan_version": version, "part": part,
               "month": month, "amount": p.amount, "paid_on": p.paid_on, "source": source,
               "recorded_by_id": actor.id, "batch": batch_key, "line": p.line}
        by_reference[p.reference] = row
        rows.append(row)
    if not rows:
        return Repaid()
    inserted = _insert(rows, outcome, batch_key)
    for row in inserted:
        key = (row["case_id"], row["part"])
        paid[key] = paid.get(key, ZERO) + row["amount"]
    repaid_ids = {row["case_id"] for row in inserted}
    outcome.cooperatives.update(cases[case_id].cooperative_id for case_id in repaid_ids)
    return Repaid([cases[case_id] for case_id in sorted(repaid_ids)], runs, paid)


INSERTED = ("reference", "case_id", "plan_version", "part", "month", "amount", "paid_on", "source", "recorded_by_id",
            "batch")


def _insert_copied(values: list[dict]) -> set[str]:
    """PostgreSQL: the batch is COPied into a temporary table, then inserted from it in one statement (ON CONFLICT
    DO NOTHING RETURNING the references inserted). A multi-row INSERT of 5,000 lines is 55,000 parameters, which
    psycopg and the server parse again for every batch: the COPY took a third of an import's time off
    (bench/bench_repayments.py)."""
    connection = db.session.connection()
    connection.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS repayments_incoming "
                            "(LIKE repayments INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"))
    connection.execute(text("TRUNCATE repayments_incoming"))
    stamp = utcnow()
    cursor = connection.connection.driver_connection.cursor()
    columns = ", ".join((*INSERTED, "created_at"))
    with cursor.copy(f"COPY repayments_incoming ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row((*(row[column] for column in INSERTED), stamp))
    cursor.close()
    return set(connection.execute(text(
        f"INSERT INTO repayments ({columns}) SELECT {columns} FROM repayments_incoming ORDER BY reference "
        "ON CONFLICT (reference) DO NOTHING RETURNING reference")).scalars())


def _insert(rows: list[dict], outcome: Outcome, batch_key: str) -> list[dict]:
    """Insert what matched, and return the rows inserted; a reference already on file is skipped by the database
    (ON CONFLICT DO NOTHING), then told apart: the same repayment again (already recorded), a line earlier in this
    import, or another payment."""
    values = [{c: row[c] for c in INSERTED} for row in rows]
    if db.session.get_bind().dialect.name == "postgresql":
        inserted = _insert_copied(values)
    else:
        stmt = sqlite_insert(Repayment.__table__).on_conflict_do_nothing(index_elements=["reference"]) \
            .returning(Repayment.__table__.c.reference)
        inserted = set(db.session.connection().execute(stmt, values).scalars())
    skipped = [row for row in rows if row["reference"] not in inserted]
    done = [row for row in rows if row["reference"] in inserted]
    for row in done:
        outcome.matched += 1
        outcome.amount_matched += row["amount"]
        outcome.cases.add(row["case_id"])
    if not skipped:
        return done
    existing = {r.reference: r for r in db.session.execute(
        select(Repayment.reference, Repayment.case_id, Repayment.part, Repayment.amount, Repayment.paid_on,
               Repayment.batch).where(Repayment.reference.in_([row["reference"] for row in skipped])))}
    for row in skipped:
        on_file = existing.get(row["reference"])
        if on_file is not None and on_file.batch == batch_key:
            outcome.unmatched.append(Unmatched(row["line"], _("The reference is repeated from an earlier line."),
                                               "reference"))
        elif on_file is not None and (on_file.case_id, on_file.part, on_file.amount, on_file.paid_on) == (
                row["case_id"], row["part"], row["amount"], row["paid_on"]):
            outcome.already_recorded += 1
        else:
            outcome.unmatched.append(Unmatched(row["line"], _("This reference is already recorded for another "
                                                              "repayment."), "reference"))
    return done
