"""The repayment report (issue 20; domain.md, "After approval" 4–5; api-v1.md v1.1, `GET /reports/repayment`): for a
month and the caller's scope (or a unit inside it), how many cases are active, what was due and what was collected,
how many cases due paid on time, and how many stand in each delinquency bucket; per unit below the scope (the
cooperatives of a province, the provinces of a region or of the nation, as the funnel breaks down: services/funnel
.breakdown_units) and as a trend over the twelve months up to the month.

The report reads only the monthly figures per cooperative (models/repayments.RepaymentMonth), which the daily sweep
writes for the month under way and each repayment import for its month (services/arrears.assess, write_month) —
never the cases: the nation is a few thousand rows whatever the number of cases (bench/bench_repayment_report.py).
Definitions, per month:
- active_cases: cases active when the figures were computed; by_bucket: the same cases by days past due (current,
  1–30, 31–60, 61–90, 90+), so the buckets add up to active_cases;
- due_cases / amount_due: cases with an instalment due in the month, and what was due in it;
- on_time_cases: of those, the cases whose repayments for months up to this one cover every instalment due through
  it; on_time_rate = on_time_cases / due_cases, four decimals (api-v1.md, Conventions: ratios), rounded half up.
  With nothing due in the month there is no rate: null in the API ("0.0000" would read as "nobody paid"), a dash
  on the page;
- amount_collected: what repayments recorded for the month brought in (catching up on earlier months included);
- computed_at: when the figures were computed — the oldest of the rows summed (every figure is at least that
  fresh), with the newest beside it (computed_until), since an import refreshes only its cooperatives.

Scope is said as services/debt_cases.in_unit says it for cases: a cooperative by its id, a province by its code,
a region by the codes of its provinces, the nation whole (_in_unit); a unit outside the caller's scope is missing
(404, services/reports.report_unit).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from app.domain import clock
from app.extensions import db
from app.i18n import gettext as _
from app.models import OrgUnit, User
from app.models.org import UnitKind
from app.models.repayments import BUCKET_COLUMNS, BUCKETS, RepaymentMonth
from app.services.deduction_lines import add_months
from app.services.deduction_lists import parse_month as _parse_typed
from app.services.errors import ValidationFailed
from app.services.funnel import breakdown_units
from app.services.reports import money, report_unit
from app.services.scope import prefix_match

RATIO = Decimal("0.0001")
TREND_MONTHS = 12
# The months a report can be asked for (Common Era): wide enough for every round of the programme, narrow enough
# that twelve months back never leaves the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2200


def ratio(part, whole) -> Decimal | None:
    """part / whole to four decimals, or None when there is no whole (nothing due: no rate)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The sums of RepaymentMonth rows (one month, or one month of one unit)."""

    active_cases: int = 0
    due_cases: int = 0
    on_time_cases: int = 0
    amount_due: Decimal = Decimal("0.00")
    amount_collected: Decimal = Decimal("0.00")
    by_bucket: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    computed_at: datetime | None = None      # the oldest row summed
    computed_until: datetime | None = None   # the newest

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.on_time_cases, self.due_cases)

    @property
    def collection_rate(self) -> Decimal | None:
        """Collected against due (above 1 when arrears of earlier months were caught up)."""
        return ratio(self.amount_collected, self.amount_due)

    def add(self, other: Figures) -> None:
        self.active_cases += other.active_cases
        self.due_cases += other.due_cases
        self.on_time_cases += other.on_time_cases
        self.amount_due += other.amount_due
        self.amount_collected += other.amount_collected
        for bucket, n in other.by_bucket.items():
            self.by_bucket[bucket] += n
        if other.computed_at is not None:
            self.computed_at = min(filter(None, (self.computed_at, other.computed_at)))
            self.computed_until = max(filter(None, (self.computed_until, other.computed_until)))

    def as_json(self) -> dict:
        """api-v1.md's fields (money as two-decimal strings, the rate as a four-decimal string or null) and, added,
        the counts the rate is made of and the freshness of the figures."""
        rate = self.on_time_rate
        return {"active_cases": self.active_cases, "amount_due": f"{self.amount_due:.2f}",
                "amount_collected": f"{self.amount_collected:.2f}",
                "on_time_rate": None if rate is None else f"{rate}",
                "by_bucket": dict(self.by_bucket),
                "due_cases": self.due_cases, "on_time_cases": self.on_time_cases,
                "computed_at": _iso(self.computed_at), "computed_until": _iso(self.computed_until)}


def _iso(moment: datetime | None) -> str | None:
    """Stored timestamps are naive UTC (domain/clock.utcnow): said so to an API client."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


RM = RepaymentMonth
SUMS = (func.sum(RM.active_cases), func.sum(RM.due_cases), func.sum(RM.on_time_cases), func.sum(RM.amount_due),
        func.sum(RM.amount_collected), *(func.sum(getattr(RM, BUCKET_COLUMNS[b])) for b in BUCKETS),
        func.min(RM.computed_at), func.max(RM.computed_at))


def _figures(sums) -> Figures:
    active, due, on_time, amount_due, collected, *rest = sums
    buckets, (oldest, newest) = rest[:len(BUCKETS)], rest[len(BUCKETS):]
    return Figures(active_cases=int(active or 0), due_cases=int(due or 0), on_time_cases=int(on_time or 0),
                   amount_due=money(amount_due), amount_collected=money(collected),
                   by_bucket={b: int(n or 0) for b, n in zip(BUCKETS, buckets)},
                   computed_at=_moment(oldest), computed_until=_moment(newest))


def _moment(value) -> datetime | None:
    """MIN/MAX of a timestamp: a datetime on PostgreSQL, its text on SQLite (an aggregate loses the column type)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _in_unit(stmt, unit: OrgUnit):
    """The rows of the cooperatives under `unit`, as services/debt_cases.in_unit picks their cases. A cooperative
    hangs only under a province (models/org.ALLOWED_PARENT_KINDS), so above a province the rows are those of the
    provinces under the unit — by their codes, an indexed equality, never a join on a path pattern: PostgreSQL's
    generic plan for a prepared `path LIKE $1 || '%'` join once took 0.9 s for the nation's twelve months (a nested
    loop over every cooperative × every row, measured with bench/bench_repayment_report.py). The top of the tree
    holds every row and needs no filter."""
    if unit.kind == UnitKind.COOPERATIVE.value:
        return stmt.where(RM.cooperative_id == unit.id)
    if unit.kind == UnitKind.PROVINCE.value and unit.province_code:
        return stmt.where(RM.province_code == unit.province_code)
    if unit.parent_id is None:
        return stmt
    codes = db.session.scalars(select(OrgUnit.province_code).where(
        prefix_match(OrgUnit.path, unit.path), OrgUnit.kind == UnitKind.PROVINCE.value,
        OrgUnit.province_code.is_not(None))).all()
    return stmt.where(RM.province_code.in_(sorted(codes)))


def parse_month(text: str | None) -> date:
    """The month asked for: "2027-02" (the API) or "02/2570" (typed, Buddhist year); this month in Bangkok when
    none is given (domain/clock.today). 422 naming the field `month` otherwise."""
    if text is None or not str(text).strip():
        return clock.today().replace(day=1)
    month = _parse_typed(str(text)[:20])
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise ValidationFailed(_("Please correct the marked fields."), {"month": _(
            "Give a month from %(first)s to %(last)s.", first=f"01/{FIRST_YEAR + 543}", last=f"12/{LAST_YEAR + 543}")})
    return month


@dataclass
class RepaymentReport:
    unit: OrgUnit
    month: date
    figures: Figures
    rows: list[tuple[OrgUnit, Figures]]

    def as_json(self) -> dict:
        """GET /api/v1/reports/repayment (api-v1.md): the contract's fields, and beside them the scope, the month
        and the units below the scope (as the funnel's by_unit)."""
        return {"scope": {"code": self.unit.code, "name": self.unit.name, "kind": self.unit.kind},
                "month": self.month.strftime("%Y-%m"), **self.figures.as_json(),
                "by_unit": [{"code": u.code, "name": u.name, "kind": u.kind, **f.as_json()} for u, f in self.rows]}


def report(actor: User, month: date | None = None, province_code: str | None = None) -> RepaymentReport:
    """The month's figures at the caller's scope, or at the unit `province_code` names inside it (any unit code, as
    the summary and the funnel take it), and per unit below: one GROUP BY over the month's rows."""
    unit = report_unit(actor, province_code)
    month = month or clock.today().replace(day=1)
    children, _key = breakdown_units(unit)
    by_cooperative = unit.kind == UnitKind.PROVINCE.value
    key = RM.cooperative_id if by_cooperative else RM.province_code
    stmt = _in_unit(select(key, *SUMS).where(RM.month == month), unit).group_by(key)
    total, per_key = Figures(), {}
    for group, *sums in db.session.execute(stmt):
        figures = _figures(sums)
        total.add(figures)
        per_key[group] = figures
    rows = [(u, per_key.get(u.id if by_cooperative else u.province_code, Figures())) for u in children]
    return RepaymentReport(unit=unit, month=month, figures=total, rows=rows)


def trend_months(month: date, months: int = TREND_MONTHS) -> list[date]:
    """The `months` months up to and including `month`, oldest first."""
    return [add_months(month, offset) for offset in range(1 - months, 1)]


def trend(actor: User, month: date | None = None, months: int = TREND_MONTHS,
          province_code: str | None = None) -> list[tuple[date, Figures]]:
    """(month, figures) for the `months` months up to `month` at the same scope, oldest first; a month with no
    figures computed is all zeros (computed_at None). One GROUP BY over at most `months` × cooperatives rows."""
    unit = report_unit(actor, province_code)
    month = month or clock.today().replace(day=1)
    wanted = trend_months(month, months)
    stmt = _in_unit(select(RM.month, *SUMS).where(RM.month >= wanted[0], RM.month <= wanted[-1]), unit)
    found = {_day(row[0]): _figures(row[1:]) for row in db.session.execute(stmt.group_by(RM.month))}
    return [(m, found.get(m, Figures())) for m in wanted]


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))
