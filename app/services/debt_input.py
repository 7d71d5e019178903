"""Reading a debt case from a request (API JSON or the web form, which is turned into the same shape).

One parser for both, so the web and the API refuse the same things with the same field-level messages.
Field paths follow api-v1.md: "teacher.citizen_id", "debts[0].annual_rate".
"""
from __future__ import annotations

import unicodedata

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.domain import clock
from app.domain import guarantors as typed_guarantors
from app.domain.guarantors import MAX_GUARANTORS, MAX_NAME, MAX_TITLE, Guarantor, LineError
from app.domain.money import DEBT_RATE_LIMIT, RATE_LIMIT, MoneyError, one_month_interest, parse_money, parse_rate
from app.domain.thai_id import is_valid_citizen_id, normalise_citizen_id
from app.i18n import gettext as _
from app.models.debt import CREDITOR_TYPES, DEDUCTION_KINDS, LEGAL_STATUSES
from app.services.errors import ValidationFailed

MAX_DEBTS = 50
MAX_DEDUCTIONS = 30
TERM_RANGE = (1, 600)  # months; issue 3: terms outside 1–600 months are refused
# Plausibility bounds (baht) that keep every derived figure inside its column: a month's salary or
# payment above ten million, or one debt above ten billion, is a typing mistake, not a teacher.
MAX_MONTHLY = Decimal("10000000")
MAX_OUTSTANDING = Decimal("10000000000")
MIN_SALARY = Decimal("100")  # also the least monthly pension of a retired teacher


@dataclass
class TeacherInput:
    citizen_id: str
    title: str
    first_name: str
    last_name: str
    birth_date: date | None
    position: str | None
    workplace: str | None


@dataclass
class DeductionInput:
    kind: str
    label: str | None
    monthly_amount: Decimal


@dataclass
class DebtInput:
    id: int | None
    creditor_name: str
    creditor_type: str
    outstanding: Decimal
    annual_rate: Decimal
    monthly_payment: Decimal
    remaining_months: int
    salary_deducted: bool
    legal_status: str
    # Who guarantees the debt (api-v1.md v1.1 debts[].guarantors; domain.md, "After approval" 6). None: not given,
    # so an existing debt keeps its guarantors and a new one has none; a list (maybe empty) replaces them.
    guarantors: list[Guarantor] | None = None
    # The free-text note (a v1.0 string, or v1.1 "guarantors_note"); only set on the debt when `note_given`.
    guarantors_note: str | None = None
    note_given: bool = False
    # api-v1.md v1.1: a creditor on file; creditor_name/creditor_type then come from it. Without it the typed name is
    # matched to a creditor on file, or one is created (services/creditors.resolve_for_debt, in the service).
    creditor_id: int | None = None


@dataclass
class CaseInput:
    """Only the keys present in the request are set (PATCH changes just those)."""

    present: set[str] = field(default_factory=set)
    teacher: TeacherInput | None = None
    cooperative_code: str | None = None
    monthly_salary: Decimal | None = None
    monthly_allowances: Decimal | None = None
    # api-v1.md v1.1: a retired teacher, whose monthly pension is receipts and base (domain.md, "The 30% rule"),
    # and the unit that pays the salary or pension (None in `paying_unit_code` with the key present: clear it).
    retired: bool | None = None
    monthly_pension: Decimal | None = None
    paying_unit_code: str | None = None
    deductions: list[DeductionInput] | None = None
    debts: list[DebtInput] | None = None
    version: int | None = None
    chosen_plan_id: int | None = None


def grouping_message() -> str:
    return _("Commas may only separate thousands, e.g. 12,345.67. Check the number.")


def money_message(error: MoneyError) -> str:
    return {
        "negative": _("Enter an amount of zero or more."),
        "too_many_decimals": _("Use at most two decimals (satang)."),
        "too_large": _("The amount is too large."),
        "bad_grouping": grouping_message(),
    }.get(error.code, _("Enter a number, e.g. 12500.00."))


def rate_message(error: MoneyError, limit: Decimal = RATE_LIMIT) -> str:
    """Rates have their own messages (issue 17, 5b): four decimals are allowed, and the bound depends on what the
    rate is of (domain/money.py: RATE_LIMIT for plans, DEBT_RATE_LIMIT for existing debts)."""
    if error.code == "too_many_decimals":
        return _("Use at most four decimals.")
    if error.code == "bad_grouping":
        return grouping_message()
    return _("Enter a rate from 0 to %(max)s percent a year.", max=f"{limit:f}")


def income_errors(retired: bool, salary: Decimal | None, pension: Decimal | None) -> dict[str, str]:
    """What a case's income must be once its fields are all known (on create, or after a PATCH merged them). A
    serving teacher needs a salary; a retired one a pension, which is then receipts and base, and the salary may be
    0 (domain.md, "The 30% rule"; api-v1.md v1.1). `None`: not given, or already refused by the parser."""
    errors = {}
    field, amount = ("monthly_pension", pension) if retired else ("monthly_salary", salary)
    if amount is None:
        errors[field] = _("This field is required.")
    elif amount <= 0:
        errors[field] = _("Enter an amount above zero.")
    elif amount < MIN_SALARY:
        errors[field] = _("At least %(min)s baht.", min=f"{MIN_SALARY:,.2f}")
    return errors


def clean_text(raw: str) -> str:
    """Text as typed, less control characters (a NUL, a bell, a terminal escape: none is ever meant, and PostgreSQL
    refuses NUL); runs of white space become one space."""
    return " ".join("".join(ch for ch in raw if ch.isspace() or unicodedata.category(ch) != "Cc").split())


class FieldReader:
    """Collects every bad field instead of stopping at the first."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def text(self, data: dict, key: str, path: str, *, required=True, max_length=200) -> str | None:
        raw = data.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.errors[path] = _("This field is required.")
            return None
        if not isinstance(raw, str):
            self.errors[path] = _("Enter text.")
            return None
        cleaned = clean_text(raw)
        if len(cleaned) > max_length:
            self.errors[path] = _("Use at most %(n)d characters.", n=max_length)
            return None
        return cleaned

    def money(self, data: dict, key: str, path: str, *, required=True, positive=False,
              maximum: Decimal | None = MAX_MONTHLY, minimum: Decimal | None = None) -> Decimal | None:
        raw = data.get(key)
        if raw is None or raw == "":
            if required:
                self.errors[path] = _("This field is required.")
            return None
        try:
            amount = parse_money(raw)
        except MoneyError as error:
            self.errors[path] = money_message(error)
            return None
        if positive and amount <= 0:
            self.errors[path] = _("Enter an amount above zero.")
            return None
        if maximum is not None and amount > maximum:
            self.errors[path] = _("At most %(max)s baht.", max=f"{maximum:,.2f}")
            return None
        if minimum is not None and amount < minimum:
            self.errors[path] = _("At least %(min)s baht.", min=f"{minimum:,.2f}")
            return None
        return amount

    def rate(self, data: dict, key: str, path: str, limit: Decimal = RATE_LIMIT) -> Decimal | None:
        raw = data.get(key)
        if raw is None or raw == "":
            self.errors[path] = _("This field is required.")
            return None
        try:
            return parse_rate(raw, limit)
        except MoneyError as error:
            self.errors[path] = rate_message(error, limit)
            return None

    def integer(self, data: dict, key: str, path: str, low: int, high: int) -> int | None:
        raw = data.get(key)
        if isinstance(raw, bool) or raw is None or raw == "":
            self.errors[path] = _("This field is required.")
            return None
        try:
            number = int(str(raw).strip()) if not isinstance(raw, float) or raw.is_integer() else None
        except ValueError:
            number = None
        if number is None:
            self.errors[path] = _("Enter a whole number.")
            return None
        if not low <= number <= high:
            self.errors[path] = _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
            return None
        return number

    def choice(self, data: dict, key: str, path: str, options, default=None) -> str | None:
        raw = data.get(key, default)
        if raw not in options:
            self.errors[path] = _("Choose one of: %(options)s.", options=", ".join(options))
            return None
        return raw

    def boolean(self, data: dict, key: str, default: bool) -> bool:
        raw = data.get(key, default)
        if isinstance(raw, str):
            return raw.lower() in ("1", "true", "y", "yes", "on")
        return bool(raw)

    def day(self, data: dict, key: str, path: str, *, required=False, allow_future=False) -> date | None:
        raw = data.get(key)
        if raw in (None, ""):
            if required:
                self.errors[path] = _("This field is required.")
            return None
        try:
            value = date.fromisoformat(str(raw))
        except ValueError:
            self.errors[path] = _("Enter a date as YYYY-MM-DD (Common Era).")
            return None
        if value > clock.today() and not allow_future:
            self.errors[path] = _("The date cannot be in the future.")
            return None
        if value.year < 1900:
            self.errors[path] = _("Enter a date after 1900.")
            return None
        return value


def _teacher(reader: FieldReader, data) -> TeacherInput | None:
    if not isinstance(data, dict):
        reader.errors["teacher"] = _("Enter the teacher's details.")
        return None
    citizen_id = data.get("citizen_id")
    cid = normalise_citizen_id(citizen_id) if isinstance(citizen_id, str) else ""
    if not cid:
        reader.errors["teacher.citizen_id"] = _("This field is required.")
    elif not is_valid_citizen_id(cid):
        reader.errors["teacher.citizen_id"] = _("This is not a valid 13-digit citizen ID (check digit).")
    return TeacherInput(
        citizen_id=cid,
        title=reader.text(data, "title", "teacher.title", max_length=40),
        first_name=reader.text(data, "first_name", "teacher.first_name", max_length=100),
        last_name=reader.text(data, "last_name", "teacher.last_name", max_length=100),
        birth_date=reader.day(data, "birth_date", "teacher.birth_date"),
        position=reader.text(data, "position", "teacher.position", required=False),
        workplace=reader.text(data, "workplace", "teacher.workplace", required=False),
    )


def _deductions(reader: FieldReader, rows) -> list[DeductionInput]:
    if not isinstance(rows, list):
        reader.errors["deductions"] = _("Enter a list of deductions.")
        return []
    if len(rows) > MAX_DEDUCTIONS:
        reader.errors["deductions"] = _("At most %(n)d rows.", n=MAX_DEDUCTIONS)
        return []
    parsed = []
    for i, row in enumerate(rows):
        path = f"deductions[{i}]"
        if not isinstance(row, dict):
            reader.errors[path] = _("Enter the deduction's kind and amount.")
            continue
        kind = reader.choice(row, "kind", f"{path}.kind", DEDUCTION_KINDS)
        label = reader.text(row, "label", f"{path}.label", required=(kind == "other"))
        amount = reader.money(row, "monthly_amount", f"{path}.monthly_amount")
        parsed.append(DeductionInput(kind=kind, label=label, monthly_amount=amount))
    return parsed


def _debts(reader: FieldReader, rows, teacher_id: str | None = None) -> list[DebtInput]:
    if not isinstance(rows, list):
        reader.errors["debts"] = _("Enter a list of debts.")
        return []
    if len(rows) > MAX_DEBTS:
        reader.errors["debts"] = _("At most %(n)d rows.", n=MAX_DEBTS)
        return []
    parsed: list[DebtInput] = []
    seen: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        path = f"debts[{i}]"
        if not isinstance(row, dict):
            reader.errors[path] = _("Enter the debt's creditor and amounts.")
            continue
        raw_id = row.get("id")
        creditor_id = _creditor_id(reader, row, path)
        on_file = creditor_id is not None or f"{path}.creditor_id" in reader.errors
        debt = DebtInput(
            id=raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else (
                int(raw_id) if isinstance(raw_id, str) and raw_id.isdecimal() else None),
            # With a creditor on file the name and type come from it (api-v1.md), so they are not required.
            creditor_name=reader.text(row, "creditor_name", f"{path}.creditor_name", required=not on_file),
            creditor_type=(row.get("creditor_type") if row.get("creditor_type") in CREDITOR_TYPES else None)
            if on_file else reader.choice(row, "creditor_type", f"{path}.creditor_type", CREDITOR_TYPES),
            creditor_id=creditor_id,
            outstanding=reader.money(row, "outstanding", f"{path}.outstanding", maximum=MAX_OUTSTANDING),
            # An existing debt may carry an informal lender's rate (issue 17, 7c); above 15% it is flagged, not refused.
            annual_rate=reader.rate(row, "annual_rate", f"{path}.annual_rate", DEBT_RATE_LIMIT),
            monthly_payment=reader.money(row, "monthly_payment", f"{path}.monthly_payment"),
            remaining_months=reader.integer(row, "remaining_months", f"{path}.remaining_months", *TERM_RANGE),
            salary_deducted=reader.boolean(row, "salary_deducted", True),
            legal_status=reader.choice(row, "legal_status", f"{path}.legal_status", LEGAL_STATUSES, "normal"),
        )
        _guarantors(reader, row, path, debt, teacher_id)
        _check_payment(reader, debt, path)
        # The same debt typed twice would double the debt service: refuse the repeat, name the first.
        if (debt.creditor_id or debt.creditor_name) and debt.outstanding is not None:
            key = (debt.creditor_id or debt.creditor_name.casefold(), debt.outstanding, debt.monthly_payment)
            if key in seen:
                reader.errors[f"{path}.creditor_name"] = _(
                    "This debt repeats row %(row)d (same creditor and amounts).", row=seen[key] + 1)
            else:
                seen[key] = i
        parsed.append(debt)
    return parsed


# ---- guarantors (issue 20; api-v1.md v1.1 debts[].guarantors; domain.md, "After approval" 6) ------------------------

# The typed shapes, one guarantor per line on the web form (app/debt/forms.py) and per ";" in the import's cell
# (services/debt_import_rows.py): the key, the separator, and how a message names the entry.
TYPED_KEYS = {"guarantor_lines": "\n", "guarantor_entries": ";"}
NOTE_LENGTH = 500


def _guarantors(reader: FieldReader, row: dict, path: str, debt: DebtInput, teacher_id: str | None) -> None:
    """A debt's guarantors, in one of three shapes:
    - the API's list of {citizen_id, title, first_name, last_name} (null: none), checked field by field
      ("debts[0].guarantors[1].citizen_id");
    - a plain string, as v1.0 took it: kept as the debt's note (guarantors_note), the structured list untouched;
    - typed text (TYPED_KEYS), read strictly, with one message on the field naming each refused line.
    `guarantors_note` (v1.1) sets the note on its own. Every shape refuses more than MAX_GUARANTORS, the same person
    twice, and the teacher (`teacher_id`, when the request names the teacher; the service checks the case as saved:
    debt_cases.check_guarantors) — one cannot guarantee one's own debt."""
    typed = next((key for key in TYPED_KEYS if key in row), None)
    if typed is not None:
        debt.guarantors = _typed(reader, row[typed], f"{path}.{typed}", TYPED_KEYS[typed], teacher_id)
    elif "guarantors" in row:
        raw = row["guarantors"]
        if raw is None:
            debt.guarantors = []
        elif isinstance(raw, list):
            debt.guarantors = _listed(reader, raw, f"{path}.guarantors", teacher_id)
        elif isinstance(raw, str):  # v1.0: free text
            debt.guarantors_note = reader.text(row, "guarantors", f"{path}.guarantors", required=False,
                                               max_length=NOTE_LENGTH)
            debt.note_given = True
        else:
            reader.errors[f"{path}.guarantors"] = _(
                "Send a list of guarantors, each with citizen_id, title, first_name and last_name.")
    if "guarantors_note" in row:
        debt.guarantors_note = reader.text(row, "guarantors_note", f"{path}.guarantors_note", required=False,
                                           max_length=NOTE_LENGTH)
        debt.note_given = True


def _listed(reader: FieldReader, items: list, path: str, teacher_id: str | None) -> list[Guarantor]:
    if len(items) > MAX_GUARANTORS:
        reader.errors[path] = _("At most %(n)d guarantors for one debt.", n=MAX_GUARANTORS)
        return []
    found: list[Guarantor] = []
    seen: dict[str, int] = {}
    for j, item in enumerate(items):
        at = f"{path}[{j}]"
        if not isinstance(item, dict):
            reader.errors[at] = _("Enter the guarantor's citizen ID, title, first name and last name.")
            continue
        raw = item.get("citizen_id")
        citizen_id = normalise_citizen_id(raw) if isinstance(raw, str) else ""
        if not citizen_id:
            reader.errors[f"{at}.citizen_id"] = _("This field is required.")
        elif not is_valid_citizen_id(citizen_id):
            reader.errors[f"{at}.citizen_id"] = _("This is not a valid 13-digit citizen ID (check digit).")
        elif citizen_id == teacher_id:
            reader.errors[f"{at}.citizen_id"] = own_debt_message()
        elif citizen_id in seen:
            reader.errors[f"{at}.citizen_id"] = _("This person is already guarantor %(n)d of this debt.",
                                                  n=seen[citizen_id] + 1)
        else:
            seen[citizen_id] = j
        title = reader.text(item, "title", f"{at}.title", required=False, max_length=MAX_TITLE)
        first = reader.text(item, "first_name", f"{at}.first_name", max_length=MAX_NAME)
        last = reader.text(item, "last_name", f"{at}.last_name", max_length=MAX_NAME)
        if citizen_id and first and last and not any(key.startswith(at + ".") for key in reader.errors):
            found.append(Guarantor(citizen_id, title, first, last))
    return found


def own_debt_message() -> str:
    return _("The teacher cannot guarantee their own debt.")


def _line_message(error: LineError) -> str:
    return {
        "no_id": _("start with the guarantor's 13-digit citizen ID."),
        "bad_id": _("%(id)s is not a valid 13-digit citizen ID (check digit).", id=error.word),
        "title": _("“%(word)s” is not a title; write the citizen ID, a title (นาย, นาง, นางสาว, …) or none, the first "
                   "name and the last name.", word=error.word),
        "names": _("write the citizen ID, then the title (optional), the first name and the last name, "
                   "separated by spaces."),
        "run_in": _("write the title “%(title)s” apart from the first name, with a space.", title=error.word),
        "too_long": _("a name is longer than %(n)d characters.", n=MAX_NAME),
    }[error.code]


def _typed(reader: FieldReader, raw, path: str, separator: str, teacher_id: str | None) -> list[Guarantor]:
    """Typed text read strictly: every refused entry is named ("Line 2: …"), nothing is guessed."""
    if raw is None:
        return []
    if not isinstance(raw, str):
        reader.errors[path] = _("Enter text.")
        return []
    name = (lambda n: _("Line %(n)d", n=n)) if separator == "\n" else (lambda n: _("Guarantor %(n)d", n=n))
    problems: list[str] = []
    found: list[Guarantor] = []
    seen: dict[str, int] = {}
    for n, entry in typed_guarantors.entries(clean_multiline(raw), separator):
        try:
            guarantor = typed_guarantors.parse_line(entry)
        except LineError as error:
            problems.append(f"{name(n)}: {_line_message(error)}")
            continue
        if guarantor.citizen_id == teacher_id:
            problems.append(f"{name(n)}: {own_debt_message()}")
        elif guarantor.citizen_id in seen:
            other = name(seen[guarantor.citizen_id])
            problems.append(f"{name(n)}: " + _("the same citizen ID as %(other)s.", other=other))
        else:
            seen[guarantor.citizen_id] = n
            found.append(guarantor)
    if len(found) > MAX_GUARANTORS:
        problems.append(_("At most %(n)d guarantors for one debt.", n=MAX_GUARANTORS))
    if problems:
        reader.errors[path] = " ".join(problems)
    return found


def clean_multiline(raw: str) -> str:
    """Typed text less control characters, its line breaks kept (clean_text would join the lines)."""
    return "\n".join("".join(ch for ch in line if ch.isspace() or unicodedata.category(ch) != "Cc")
                     for line in raw.splitlines())


def _creditor_id(reader: FieldReader, row: dict, path: str) -> int | None:
    """`creditor_id` (api-v1.md v1.1): a whole number, or absent/null/empty for a typed name. Whether it names a
    creditor on file is the service's check (services/creditors.resolve_for_debt)."""
    raw = row.get("creditor_id")
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2**31:
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdecimal() and 0 < int(raw.strip()) < 2**31:
        return int(raw.strip())
    reader.errors[f"{path}.creditor_id"] = _("No creditor with this number on file; choose one from the list.")
    return None


def _check_payment(reader: FieldReader, debt: DebtInput, path: str) -> None:
    """Issue 17, 5a. Nothing outstanding is a paid-off debt, which is left out rather than entered (it would count as
    a debt, with months left and a line on the deduction list). A monthly payment may not exceed what is owed plus
    one month's interest: that clears the debt in one instalment, and more (2,000 a month on 0.01 baht) is a typing
    mistake that would inflate the debt service and hide a teacher's room under the 30% floor."""
    if debt.outstanding is None:
        return
    if debt.outstanding == 0:
        reader.errors[f"{path}.outstanding"] = _(
            "Nothing is outstanding: a paid-off debt is left out of the case. Remove this row.")
        return
    if debt.annual_rate is None or debt.monthly_payment is None:
        return
    bound = debt.outstanding + one_month_interest(debt.outstanding, debt.annual_rate)
    if debt.monthly_payment > bound:
        reader.errors[f"{path}.monthly_payment"] = _(
            "The monthly payment cannot exceed what is outstanding plus one month's interest (%(max)s baht).",
            max=f"{bound:,.2f}")


def parse_case(data, *, partial: bool = False) -> CaseInput:
    """Parse and check a debt case; raise ValidationFailed listing every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    reader = FieldReader()
    result = CaseInput(present={k for k in data if k in {
        "teacher", "cooperative_code", "monthly_salary", "monthly_allowances", "deductions", "debts",
        "chosen_plan_id", "retired", "monthly_pension", "paying_unit_code"}})
    if "retired" in data:
        result.retired = reader.boolean(data, "retired", False)
    # A retired teacher's salary may be 0 or left out (api-v1.md v1.1); whether the salary or the pension is
    # enough is checked once the case's fields are all known (income_errors, here or after a PATCH).
    required = set() if partial else ({"teacher"} | (set() if result.retired else {"monthly_salary"}))
    for key in required - set(data):
        reader.errors[key] = _("This field is required.")
    if "teacher" in data:
        result.teacher = _teacher(reader, data["teacher"])
    if "cooperative_code" in data:
        result.cooperative_code = reader.text(data, "cooperative_code", "cooperative_code", max_length=32)
    if "monthly_salary" in data:
        result.monthly_salary = reader.money(data, "monthly_salary", "monthly_salary",
                                             required=not result.retired)
        if result.monthly_salary is None and result.retired and "monthly_salary" not in reader.errors:
            result.monthly_salary = Decimal("0")
    elif result.retired and not partial:
        result.monthly_salary = Decimal("0")
    if "monthly_pension" in data:
        result.monthly_pension = reader.money(data, "monthly_pension", "monthly_pension", required=False)
    if "paying_unit_code" in data:
        result.paying_unit_code = reader.text(data, "paying_unit_code", "paying_unit_code", required=False,
                                              max_length=32)
    if "monthly_allowances" in data:
        result.monthly_allowances = reader.money(data, "monthly_allowances", "monthly_allowances",
                                                 required=False) or Decimal("0")
    if "deductions" in data:
        result.deductions = _deductions(reader, data["deductions"])
    if "debts" in data:
        result.debts = _debts(reader, data["debts"], result.teacher.citizen_id if result.teacher else None)
    if "chosen_plan_id" in data and data["chosen_plan_id"] is not None:
        result.chosen_plan_id = reader.integer(data, "chosen_plan_id", "chosen_plan_id", 1, 2**31 - 1)
    if "version" in data:
        result.version = reader.integer(data, "version", "version", 1, 2**31 - 1)
    elif partial:
        reader.errors["version"] = _("Send the version you last read, so that no one's change is lost.")
    if not partial:
        for path, message in income_errors(bool(result.retired), result.monthly_salary,
                                           result.monthly_pension).items():
            reader.errors.setdefault(path, message)  # a parser's message on the same field comes first
    if reader.errors:
        raise ValidationFailed(_("Please correct the marked fields."), reader.errors)
    return result
