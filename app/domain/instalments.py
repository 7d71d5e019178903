"""Instalments, what was paid against them, and arrears (domain.md, "After approval" 4–5). Pure Python.

A part of an active case (the new loan, or a rescheduled debt) is due as runs of months with one amount each (the
deduction runs marked `instalment`); instalment n is the n-th month from the part's first month. What has been
repaid for the part is applied to its instalments oldest first: a partial payment stays on the instalment it
reached, and an overpayment goes on to the next (api-v1.md "Repayments").

An instalment is due in its month and is overdue once that month has ended unpaid: its due day is the last day of
the month (payroll deducts from that month's pay), and on the first day of the next month it is 1 day past due. The
case's days past due are those of its oldest instalment not fully paid, across its parts, and set its bucket.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Sequence

ZERO = Decimal("0.00")

# domain.md step 5: current, 1–30, 31–60, 61–90, over 90 days (NPL).
BUCKET_LIMITS = ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90"))
OVER_90 = "90+"


def bucket_of(days_past_due: int) -> str:
    for limit, name in BUCKET_LIMITS:
        if days_past_due <= limit:
            return name
    return OVER_90


def month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_after(day: date) -> date:
    """The first day of the month after `day`: instalments start in the month after approval (deductions are set up
    for the next payroll)."""
    return month_of(month_index(day) + 1)


def due_day(month: date) -> date:
    """The last day of the instalment's month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Run:
    amount: Decimal
    from_month: date   # first days of months, inclusive
    to_month: date

    @property
    def months(self) -> int:
        return month_index(self.to_month) - month_index(self.from_month) + 1


@dataclass(frozen=True)
class Instalment:
    part: str
    n: int
    due_month: date
    amount_due: Decimal
    amount_paid: Decimal
    status: str          # due | paid | partial | overdue
    days_past_due: int


def _months(runs: Sequence[Run]) -> Iterable[tuple[date, Decimal]]:
    for run in sorted(runs, key=lambda r: r.from_month):
        start = month_index(run.from_month)
        for offset in range(run.months):
            yield month_of(start + offset), run.amount


def instalments(part: str, runs: Sequence[Run], paid: Decimal, as_of: date) -> list[Instalment]:
    """Every instalment of a part with what `paid` covers of it, oldest first, as of a day."""
    left = paid
    items = []
    for n, (month, amount) in enumerate(_months(runs), start=1):
        covered = min(amount, max(left, ZERO))
        left -= covered
        past = due_day(month) < as_of
        if covered >= amount:
            status = "paid"
        elif past:
            status = "overdue"
        elif covered > 0:
            status = "partial"
        else:
            status = "due"
        days = (as_of - due_day(month)).days if status == "overdue" else 0
        items.append(Instalment(part, n, month, amount, covered, status, days))
    return items


@dataclass(frozen=True)
class Standing:
    """Where a part (or a whole case) stands on a day, worked out from its runs without listing its months."""

    total_due: Decimal          # the whole schedule
    due_before: Decimal         # instalments whose month has ended
    oldest_unpaid_due: date | None   # the due day of the oldest instalment not fully paid, if it has passed
    paid: Decimal

    @property
    def amount_overdue(self) -> Decimal:
        return max(self.due_before - self.paid, ZERO)

    @property
    def settled(self) -> bool:
        return self.total_due > 0 and self.paid >= self.total_due

    def days_past_due(self, as_of: date) -> int:
        return (as_of - self.oldest_unpaid_due).days if self.oldest_unpaid_due else 0


def due_through(runs: Sequence[Run], month: date) -> Decimal:
    """What the runs ask for in every month up to and including `month`."""
    last = month_index(month)
    total = ZERO
    for run in runs:
        months = min(month_index(run.to_month), last) - month_index(run.from_month) + 1
        if months > 0:
            total += run.amount * months
    return total


def due_in(runs: Sequence[Run], month: date) -> Decimal:
    return sum((run.amount for run in runs if run.from_month <= month <= run.to_month), ZERO)


def standing(runs: Sequence[Run], paid: Decimal, as_of: date) -> Standing:
    """One part's standing: the oldest month whose instalment `paid` does not cover, found run by run."""
    ended = month_of(month_index(as_of) - 1)   # the last month whose due day is before as_of
    total = sum((run.amount * run.months for run in runs), ZERO)
    oldest = None
    before = ZERO
    for run in sorted(runs, key=lambda r: r.from_month):
        span = run.amount * run.months
        if oldest is None and before + span > paid:
            # paid covers (paid - before) // amount whole instalments of this run; the next one is the oldest unpaid
            covered = int((paid - before) // run.amount) if run.amount > 0 else run.months
            month = month_of(month_index(run.from_month) + covered)
            if month <= ended:
                oldest = due_day(month)
            else:
                oldest = date.max   # not yet due: marks "found" without a past due day
        before += span
    return Standing(total, due_through(runs, ended), None if oldest in (None, date.max) else oldest, paid)


@dataclass(frozen=True)
class CaseStanding:
    bucket: str
    days_past_due: int
    amount_overdue: Decimal
    oldest_unpaid_due: date | None
    settled: bool


def case_standing(parts: dict[str, tuple[Sequence[Run], Decimal]], as_of: date) -> CaseStanding:
    """The case over its parts (part → (runs, paid)): the oldest unpaid due day of any part, the overdue amounts
    summed, settled when every part is."""
    standings = [standing(runs, paid, as_of) for runs, paid in parts.values()]
    dues = [s.oldest_unpaid_due for s in standings if s.oldest_unpaid_due]
    oldest = min(dues) if dues else None
    days = (as_of - oldest).days if oldest else 0
    return CaseStanding(bucket_of(days), days, sum((s.amount_overdue for s in standings), ZERO), oldest,
                        bool(standings) and all(s.settled for s in standings))
