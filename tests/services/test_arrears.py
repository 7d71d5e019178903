"""Arrears (domain.md, "After approval" 5 and 7): a year of simulated months for 1,000 active cases with random missed
and partial payments, the sweep's buckets checked each month against a calculation made here, month by month, apart
from app/domain/instalments.py; closure once everything is paid; two imports of one file at once."""
from __future__ import annotations

import calendar
import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from app.domain import clock
from app.extensions import db
from app.models import (CaseTransition, DebtCase, DeductionLine, Notification, Person, Repayment, User)
from app.models.repayments import CaseDelinquency, DelinquencyChange
from app.services import arrears, repayments
from tests.factories import act, new_case, settle, user
from tests.helpers import at_once, at, citizen_id

CASES = 1000
FIRST_DUE = date(2025, 12, 1)
MONTHS = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]   # December 2025 … November 2026


def _active_case() -> int:
    """One case made active through the services on 5 November 2025 (the clock set then): its last two debts
    consolidated into a new loan (one part), first due in December 2025."""
    with at(date(2025, 11, 5)):
        case_id, plan_id = new_case()
        act("coop_officer", case_id, "submit", plan_id=plan_id)
        act("province_approver", case_id, "approve")
        settle(case_id, answered_on="2025-11-01", paid_on="2025-11-03")
        act("coop_officer", case_id, "activate", agreement_signed_on="2025-11-05", first_due_month="2025-12")
    return case_id


def _clones(case_id: int, count: int) -> list[int]:
    """`count` more active cases of other teachers, copied row by row from `case_id` (case, person, deduction
    runs): real rows in the real database, made without 1,000 trips through the workflow."""
    base = db.session.get(DebtCase, case_id)
    person_columns = [c.name for c in Person.__table__.columns if c.name not in ("id", "citizen_id")]
    case_columns = [c.name for c in DebtCase.__table__.columns if c.name not in ("id", "reference", "person_id")]
    line_columns = [c.name for c in DeductionLine.__table__.columns if c.name not in ("id", "case_id")]
    person_row = {c: getattr(base.person, c) for c in person_columns}
    case_row = {c: getattr(base, c) for c in case_columns}
    lines = db.session.execute(select(*(DeductionLine.__table__.c[c] for c in line_columns))
                               .where(DeductionLine.case_id == case_id)).mappings().all()
    ids = []
    for n in range(count):
        person_id = db.session.execute(insert(Person).values(citizen_id=citizen_id(9000 + n), **person_row)
                                       .returning(Person.id)).scalar_one()
        new_id = db.session.execute(insert(DebtCase).values(person_id=person_id, reference=f"SIM-{n:05d}", **case_row)
                                    .returning(DebtCase.id)).scalar_one()
        db.session.execute(insert(DeductionLine), [{**dict(row), "case_id": new_id} for row in lines])
        ids.append(new_id)
    return ids


def _schedule(case_id: int) -> list[tuple[date, Decimal]]:
    """The case's instalments month by month, read from its runs (the test's own expansion)."""
    months = []
    for amount, start, end in db.session.execute(
            select(DeductionLine.amount, DeductionLine.from_month, DeductionLine.to_month)
            .where(DeductionLine.case_id == case_id, DeductionLine.instalment.is_(True))
            .order_by(DeductionLine.from_month)):
        month = start
        while month <= end:
            months.append((month, amount))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def expected_bucket(schedule, paid: Decimal, as_of: date) -> tuple[str, int]:
    """Apply `paid` instalment by instalment; the first not fully covered is overdue once its month's last day has
    passed, and its days past due set the bucket (current, 1–30, 31–60, 61–90, 90+)."""
    left = paid
    for month, amount in schedule:
        if left >= amount:
            left -= amount
            continue
        last_day = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
        days = max((as_of - last_day).days, 0)
        break
    else:
        days = 0
    for limit, name in ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90")):
        if days <= limit:
            return name, days
    return "90+", days


def test_a_year_of_months_for_a_thousand_cases(app):
    first = _active_case()
    ids = [first] + _clones(first, CASES - 1)
    db.session.commit()
    schedule = _schedule(first)   # every clone has the same runs
    assert schedule[0][0] == FIRST_DUE and len(schedule) == 120
    officer = user("coop_officer")
    rng = random.Random(2569)
    teacher = dict(db.session.execute(select(DebtCase.id, Person.citizen_id).join(Person)
                                      .where(DebtCase.id.in_(ids))).all())
    paid = dict.fromkeys(ids, Decimal("0.00"))
    # the buckets each case was seen in, month by month; the first case's stay in "current" began at activation,
    # the clones' (copied rows, never activated) at their first assessment
    seen: dict[int, list[str]] = {case_id: [] for case_id in ids}
    seen[first].append("current")
    for month in MONTHS:
        lines = []
        for case_id in ids:
            due = schedule[MONTHS.index(month)][1]
            roll = rng.random()
            amount = due if roll < 0.80 else (due / 2).quantize(Decimal("0.01")) if roll < 0.88 else \
                due * 2 if roll < 0.92 else None    # 80% pay, 8% half, 4% double (catching up), 8% miss
            if amount is None:
                continue
            lines.append({"citizen_id": teacher[case_id], "case_id": case_id, "part": "new_loan", "amount": str(amount),
                          "paid_on": month.replace(day=25).isoformat(), "reference": f"{month:%Y%m}-{case_id}"})
            paid[case_id] += amount
        as_of = date(month.year + month.month // 12, month.month % 12 + 1, 5)   # the 5th of the next month
        with at(as_of):
            outcome = repayments.record(officer, month, lines, source="file")
            assert (outcome.recorded, outcome.matched, outcome.unmatched) == (True, len(lines), [])
            arrears.assess(as_of, report_month=month)
            db.session.commit()
        stored = dict(db.session.execute(select(CaseDelinquency.case_id, CaseDelinquency.bucket)).all())
        days = dict(db.session.execute(select(CaseDelinquency.case_id, CaseDelinquency.days_past_due)).all())
        for case_id in ids:
            bucket, past_due = expected_bucket(schedule, paid[case_id], as_of)
            assert (stored[case_id], days[case_id]) == (bucket, past_due), (case_id, month)
            seen[case_id].append(bucket)
    # every change of bucket is a closed stay and a new one; each case has exactly one open stay
    stays = dict(db.session.execute(select(DelinquencyChange.case_id, func.count())
                                    .group_by(DelinquencyChange.case_id)).all())
    runs = {case_id: sum(1 for i, b in enumerate(buckets) if i == 0 or buckets[i - 1] != b)
            for case_id, buckets in seen.items()}
    assert stays == runs
    last_bucket = {case_id: buckets[-1] for case_id, buckets in seen.items()}
    assert db.session.scalar(select(func.count()).select_from(DelinquencyChange)
                             .where(DelinquencyChange.to_day.is_(None))) == CASES
    spread = {b for b in last_bucket.values()}
    assert {"current", "1-30"} <= spread and len(spread) >= 3   # the random year reaches several buckets
    # 90+ cases are flagged for re-restructuring, and their officers were told
    flagged = set(db.session.scalars(select(CaseDelinquency.case_id).where(CaseDelinquency.needs_restructuring)))
    assert {c for c, b in last_bucket.items() if b == "90+"} <= flagged


def test_the_case_closes_when_every_instalment_is_paid(app):
    case_id = _active_case()
    case = db.session.get(DebtCase, case_id)
    total = sum((amount for _month, amount in _schedule(case_id)), Decimal("0.00"))
    officer = user("coop_officer")
    # the manual close is refused while something is owed (409 naming what is left)
    from app.services.errors import Conflict
    with pytest.raises(Conflict):
        act("coop_officer", case_id, "close")
    paid = repayments.record(officer, date(2026, 11, 1), [{
        "citizen_id": case.person.citizen_id, "case_id": case_id, "part": "new_loan", "amount": str(total),
        "paid_on": "2026-11-20", "reference": "EARLY-PAYOFF"}])
    assert paid.recorded and paid.matched == 1, paid
    # the repayment's own assessment (as the sweep's would) finds everything paid and closes the case
    db.session.refresh(case)
    assert case.status == "closed"
    closing = db.session.scalar(select(CaseTransition).where(CaseTransition.case_id == case_id,
                                                             CaseTransition.action == "close"))
    assert closing.actor_id is None and closing.actor_username == "system"
    # deductions stop after the month under way
    assert db.session.scalar(select(func.max(DeductionLine.to_month)).where(DeductionLine.case_id == case_id)) == \
        clock.today().replace(day=1)
    # more than is owed is refused now (the case is no longer active)
    late = repayments.record(officer, date(2026, 11, 1), [{
        "citizen_id": case.person.citizen_id, "case_id": case_id, "part": "new_loan", "amount": "1.00",
        "paid_on": "2026-11-20", "reference": "LATE"}])
    assert late.recorded is False and late.unmatched[0].field == "case_id"


def test_entering_31_60_tells_the_officer(app):
    case_id = _active_case()
    link = f"%/{case_id}#repayments"
    arrears.assess(date(2026, 1, 10))        # December's instalment 10 days late: 1-30, no notice
    assert not db.session.scalars(select(Notification).where(Notification.link.like(link))).all()
    arrears.assess(date(2026, 2, 5))         # 36 days: 31-60
    notices = db.session.scalars(select(Notification).where(Notification.link.like(link))).all()
    assert notices and {n.user_id for n in notices} >= {user("coop_officer").id}
    history = db.session.scalars(select(DelinquencyChange).where(DelinquencyChange.case_id == case_id)
                                 .order_by(DelinquencyChange.id)).all()
    assert [(h.bucket, h.from_day, h.to_day) for h in history] == [
        ("current", date(2025, 11, 5), date(2026, 1, 10)),   # from the activation
        ("1-30", date(2026, 1, 10), date(2026, 2, 5)), ("31-60", date(2026, 2, 5), None)]
    arrears.assess(date(2026, 4, 1))         # 91 days: 90+, flagged for re-restructuring
    assert db.session.get(CaseDelinquency, case_id).needs_restructuring


@pytest.mark.commits  # threads, each with its own connection
def test_two_imports_of_one_file_at_once_record_it_once(app):
    case_id = _active_case()
    db.session.commit()
    case = db.session.get(DebtCase, case_id)
    officer_id, teacher = user("coop_officer").id, case.person.citizen_id
    lines = [{"citizen_id": teacher, "case_id": case_id, "part": "new_loan", "amount": "100.00",
              "paid_on": "2026-11-25", "reference": f"TWICE-{n}"} for n in range(50)]

    def send(_i):
        outcome = repayments.record(db.session.get(User, officer_id), date(2026, 11, 1), lines, source="file")
        return outcome.matched, outcome.already_recorded, len(outcome.unmatched)

    outcomes = at_once(app, 2, send)
    # one records the file; the other waited for it and found every line already recorded — or, on SQLite when
    # the wait outlasted the busy timeout, was told to try again (a 409), recording nothing
    assert (50, 0, 0) in outcomes
    other = outcomes[1 - outcomes.index((50, 0, 0))]
    assert other == (0, 50, 0) or (isinstance(other, str) and other.startswith("Conflict")), other
    assert db.session.scalar(select(func.count(Repayment.id)).where(Repayment.case_id == case_id)) == 50
    assert db.session.scalar(select(func.sum(Repayment.amount)).where(Repayment.case_id == case_id)) == Decimal("5000.00")
