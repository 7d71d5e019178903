"""Arrears (domain.md, "After approval" 5 and 7; api-v1.md "delinquency"): how far behind each active case is, the
history of its buckets, the notices, the flag for re-restructuring, closure when everything is paid, and the
repayment report's figures for a month.

assess() works through active cases in batches of BATCH ids (a few indexed reads per batch, whatever the number of
cases), so the daily sweep of a nation holds a batch in memory, never the nation:
- the standing of each case from its instalment runs and repayments (app/domain/instalments.py);
- a stored row per case (CaseDelinquency), written only when something in it changed;
- a change of bucket closes the stay in the old bucket and opens one in the new (DelinquencyChange);
- entering 31–60 or 90+ tells the case's cooperative officers (domain.md step 5); 90+ flags the case for
  re-restructuring until it is revised;
- a case whose every instalment is paid closes, by the system, audited (step 7), and its deduction runs end after
  the month under way;
- with `report_month`, the month's figures per cooperative (RepaymentMonth) for the report.

Activation and each repayment assess the cases they touch at once; the daily run (app/jobs/schedule.py) records what
the passing of time changes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import bindparam, delete, func, insert, select, update

from app.domain import clock
from app.domain import instalments as arithmetic
from app.domain.clock import utcnow
from app.domain.instalments import ZERO
from app.extensions import db
from app.i18n import gettext as _
from app.jobs import background
from app.models import BackgroundJob, CaseTransition, DebtCase, Repayment
from app.models.repayments import BUCKET_COLUMNS, CaseDelinquency, DelinquencyChange, RepaymentMonth
from app.services import audit, deduction_lines, notify
from app.services.id_lists import among
from app.services.instalments import all_paid_after, less, paid_after, paid_by_part, part_runs

BATCH = 2000
LATER_AT_ONCE = 50_000   # repayments for months after the report's, read in one go up to this many
KIND = "arrears_sweep"
# domain.md step 5: the officer hears of a case entering these buckets.
NOTICE_BUCKETS = ("31-60", "90+")
RESTRUCTURE_BUCKET = "90+"
OFFICER_ROLES = ("cooperative_officer",)
STATE_COLUMNS = ("bucket", "oldest_unpaid_due", "days_past_due", "amount_overdue", "since", "needs_restructuring")


@dataclass
class MonthFigures:
    province_code: str | None = None
    active_cases: int = 0
    due_cases: int = 0
    on_time_cases: int = 0
    amount_due: Decimal = ZERO
    buckets: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKET_COLUMNS, 0))


@dataclass
class Summary:
    cases: int = 0
    changed: int = 0
    bucket_changes: int = 0
    notices: int = 0
    closed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"cases": self.cases, "changed": self.changed, "bucket_changes": self.bucket_changes,
                "notices": self.notices, "closed": len(self.closed)}


def _active_batches(case_ids, cooperative_ids):
    """Active cases (id, cooperative, province, path, reference, version) in id order, BATCH at a time."""
    columns = (DebtCase.id, DebtCase.cooperative_id, DebtCase.province_code, DebtCase.org_path, DebtCase.reference,
               DebtCase.version)
    if case_ids is not None:
        ordered = sorted(set(case_ids))
        for start in range(0, len(ordered), BATCH):
            rows = db.session.execute(select(*columns).where(among(DebtCase.id, ordered[start:start + BATCH]),
                                                             DebtCase.status == "active")
                                      .order_by(DebtCase.id)).all()
            if rows:
                yield rows
        return
    last = 0
    while True:
        stmt = select(*columns).where(DebtCase.status == "active", DebtCase.id > last)
        if cooperative_ids is not None:
            stmt = stmt.where(DebtCase.cooperative_id.in_(sorted(cooperative_ids)))
        rows = db.session.execute(stmt.order_by(DebtCase.id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def assess(as_of: date | None = None, *, case_ids=None, cooperative_ids=None, report_month: date | None = None,
           commit: bool = False) -> Summary:
    """Assess active cases (all, those of `cooperative_ids`, or `case_ids`) as of a day; in the caller's
    transaction, or committing after each batch (`commit`, the daily run: a long sweep holds no lock for long)."""
    as_of = as_of or clock.today()
    summary = Summary()
    figures: dict[int, MonthFigures] = defaultdict(MonthFigures)
    officers: dict[str, list] = {}
    # what was repaid for months after the report's: read once when it is a few rows (it is none or nearly none
    # for the month under way), else for each batch
    later = all_paid_after(report_month, LATER_AT_ONCE) if report_month is not None else None
    for rows in _active_batches(case_ids, cooperative_ids):
        _assess_batch(rows, as_of, report_month, summary, figures, officers, later=later)
        if commit:
            db.session.commit()
    if report_month is not None and case_ids is None:
        write_month(report_month, figures, cooperative_ids)
        if commit:
            db.session.commit()
    return summary


def assess_matched(rows, as_of: date | None, runs: dict, paid: dict, officers: dict) -> Summary:
    """The cases an import has just repaid, in its transaction, from the runs and totals it read to match its lines
    (services/repayments.py): `rows` as _active_batches gives them; `officers` a cache kept over the import."""
    summary = Summary()
    _assess_batch(rows, as_of or clock.today(), None, summary, {}, officers, runs, paid)
    return summary


def _assess_batch(rows, as_of, report_month, summary, figures, officers, runs=None, paid=None, later=None) -> None:
    """`runs` and `paid` (part_runs, paid_by_part of these cases) when the caller has read them already: an import
    knows them from matching its lines; `later`, what was repaid after the report's month, when read for all."""
    ids = [row.id for row in rows]
    runs = runs if runs is not None else part_runs(ids)
    paid = paid if paid is not None else paid_by_part(ids)
    if report_month is not None:
        paid_through = less(paid, later if later is not None else paid_after(ids, report_month))
    else:
        paid_through = {}
    stored = {row.case_id: row for row in db.session.execute(
        select(CaseDelinquency.case_id, CaseDelinquency.as_of, *(getattr(CaseDelinquency, c) for c in STATE_COLUMNS))
        .where(among(CaseDelinquency.case_id, ids)))}
    updates, inserts, opened, closed_stays, notices, settled = [], [], [], [], [], []
    for row in rows:
        parts = {part: (part_runs_, paid.get((row.id, part), ZERO)) for part, part_runs_ in runs.get(row.id, {}).items()}
        if not parts:
            continue
        summary.cases += 1
        before = stored.get(row.id)
        now = arithmetic.case_standing(parts, as_of)
        if report_month is not None:
            _add_figures(figures[row.cooperative_id], row, now, runs[row.id], paid_through, report_month)
        if before is not None and as_of < before.as_of:
            continue   # the history never runs backwards: a later day has been recorded already
        # flagged on entering 90+; the flag stays until the plan is revised or the case is current again
        flagged = now.bucket == RESTRUCTURE_BUCKET or (
            bool(before and before.needs_restructuring) and now.bucket != "current")
        since = before.since if before is not None and before.bucket == now.bucket else as_of
        state = {"bucket": now.bucket, "oldest_unpaid_due": now.oldest_unpaid_due, "days_past_due": now.days_past_due,
                 "amount_overdue": now.amount_overdue, "since": since, "needs_restructuring": flagged}
        if before is None:
            inserts.append({"case_id": row.id, "cooperative_id": row.cooperative_id,
                            "province_code": row.province_code, "as_of": as_of, **state})
        elif any(getattr(before, c) != state[c] for c in STATE_COLUMNS):
            updates.append({"key": row.id, "as_of": as_of, **state})
        if before is None or before.bucket != now.bucket:
            summary.bucket_changes += before is not None
            if before is not None:
                closed_stays.append({"key": row.id, "to_day": as_of})
            opened.append({"case_id": row.id, "bucket": now.bucket, "from_day": as_of, "to_day": None})
            if now.bucket in NOTICE_BUCKETS:
                notices.append((row, now))
        if now.settled:
            settled.append(row)
    summary.changed += len(updates) + len(inserts)
    if inserts:
        db.session.execute(insert(CaseDelinquency), inserts)
    if updates:
        db.session.connection().execute(
            update(CaseDelinquency.__table__).where(CaseDelinquency.__table__.c.case_id == bindparam("key"))
            .values(**{c: bindparam(c) for c in (*STATE_COLUMNS, "as_of")}), updates)
    if closed_stays:
        db.session.connection().execute(
            update(DelinquencyChange.__table__).where(DelinquencyChange.__table__.c.case_id == bindparam("key"),
                                                      DelinquencyChange.__table__.c.to_day.is_(None))
            .values(to_day=bindparam("to_day")), closed_stays)
    if opened:
        db.session.execute(insert(DelinquencyChange), opened)
    summary.notices += _tell_officers(notices, officers)
    if settled:
        summary.closed += _close(settled, as_of)


def _add_figures(unit: MonthFigures, row, now: arithmetic.CaseStanding, runs: dict, paid_through: dict,
                 month: date) -> None:
    """One case's share of its cooperative's month: due in the month, and on time when what it repaid for months
    up to this one covers every instalment due through it."""
    unit.province_code = row.province_code
    unit.active_cases += 1
    unit.buckets[now.bucket] += 1
    due = sum((arithmetic.due_in(part_runs_, month) for part_runs_ in runs.values()), ZERO)
    if due > 0:
        unit.due_cases += 1
        unit.amount_due += due
        if all(paid_through.get((row.id, part), ZERO) >= arithmetic.due_through(part_runs_, month)
               for part, part_runs_ in runs.items()):
            unit.on_time_cases += 1


def _tell_officers(entering: list, officers: dict) -> int:
    """A notice to the case's cooperative officers for each case entering 31–60 or 90+ (in the default language:
    it is read by whoever signs in)."""
    if not entering:
        return 0
    link_base = current_app.url_map.bind("")
    sent = 0
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for row, now in entering:
            if row.org_path not in officers:
                officers[row.org_path] = notify.users_covering(row.org_path, OFFICER_ROLES)
            if now.bucket == RESTRUCTURE_BUCKET:
                message = _("Case %(ref)s is over 90 days overdue (%(amount)s baht): it is flagged for "
                            "re-restructuring.", ref=row.reference or row.id, amount=f"{now.amount_overdue:,.2f}")
            else:
                message = _("Case %(ref)s is %(days)s days overdue (%(amount)s baht).", ref=row.reference or row.id,
                            days=now.days_past_due, amount=f"{now.amount_overdue:,.2f}")
            link = link_base.build("debt.case", {"case_id": row.id}) + "#repayments"
            notify.notify(officers[row.org_path], message, link)
            sent += len(officers[row.org_path])
    return sent


def _close(rows, as_of: date) -> list[int]:
    """domain.md step 7: every instalment paid, so the case closes — by the system, with its timeline row and audit
    record; deductions stop after the month under way."""
    now = utcnow()
    closed, events = [], []
    for row in rows:
        changed = db.session.execute(
            update(DebtCase).where(DebtCase.id == row.id, DebtCase.status == "active", DebtCase.version == row.version)
            .values(status="closed", version=DebtCase.version + 1, status_since=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            continue  # someone acted on it at the same moment; the next sweep sees it again
        closed.append(row.id)
        events.append({"object_id": row.id, "org_path": row.org_path, "before": {"status": "active"},
                       "after": {"status": "closed", "reason": "all_instalments_paid"}})
        db.session.add(CaseTransition(case_type="debt", case_id=row.id, action="close", from_state="active",
                                      to_state="closed", actor_id=None, actor_username="system", actor_role="system",
                                      comment=None, org_path=row.org_path, occurred_at=now))
        _end_runs(row.id, as_of)
    if closed:
        audit.record_many("debt_case.close", actor=None, object_type="debt_case", events=events)
        db.session.execute(update(DelinquencyChange).where(DelinquencyChange.case_id.in_(closed),
                                                           DelinquencyChange.to_day.is_(None))
                           .values(to_day=as_of).execution_options(synchronize_session=False))
    return closed


def _end_runs(case_id: int, as_of: date) -> None:
    case = db.session.get(DebtCase, case_id)
    deduction_lines.end_lines(case, deduction_lines.add_months(as_of.replace(day=1), 1))


def write_month(month: date, figures: dict[int, MonthFigures], cooperative_ids=None) -> None:
    """The month's rows for the cooperatives assessed (all of them when `cooperative_ids` is None), with what was
    collected for the month, replacing what was there."""
    collected_stmt = (select(DebtCase.cooperative_id, DebtCase.province_code, func.sum(Repayment.amount))
                      .join(DebtCase, DebtCase.id == Repayment.case_id).where(Repayment.month == month)
                      .group_by(DebtCase.cooperative_id, DebtCase.province_code))
    old = delete(RepaymentMonth).where(RepaymentMonth.month == month)
    if cooperative_ids is not None:
        collected_stmt = collected_stmt.where(DebtCase.cooperative_id.in_(sorted(cooperative_ids)))
        old = old.where(RepaymentMonth.cooperative_id.in_(sorted(cooperative_ids)))
    collected = {}
    for unit_id, province_code, total in db.session.execute(collected_stmt):
        collected[unit_id] = Decimal(total)
        figures[unit_id].province_code = figures[unit_id].province_code or province_code
    db.session.execute(old.execution_options(synchronize_session=False))
    stamp = utcnow()
    rows = [{"month": month, "cooperative_id": unit_id, "province_code": f.province_code,
             "active_cases": f.active_cases, "due_cases": f.due_cases, "on_time_cases": f.on_time_cases,
             "amount_due": f.amount_due, "amount_collected": collected.get(unit_id, ZERO), "computed_at": stamp,
             **{BUCKET_COLUMNS[b]: n for b, n in f.buckets.items()}} for unit_id, f in figures.items()]
    if rows:
        db.session.execute(insert(RepaymentMonth), rows)


def clear_flag(case_id: int) -> None:
    """A revision answers the flag for re-restructuring (domain.md step 5)."""
    db.session.execute(update(CaseDelinquency).where(CaseDelinquency.case_id == case_id)
                       .values(needs_restructuring=False).execution_options(synchronize_session=False))


@background.handler(KIND)
def run_sweep(job: BackgroundJob, token: str) -> None:
    """The daily run: every active case as of today, and the month under way's report figures."""
    today = clock.today()
    result = assess(today, report_month=today.replace(day=1), commit=True).as_dict()
    if background.finish(job.id, token, result=result):
        db.session.commit()
    else:
        db.session.rollback()


MONTH_KIND = "repayment_month"


@background.handler(MONTH_KIND)
def refresh_month(job: BackgroundJob, token: str) -> None:
    """After an import: the report's figures for its month, for the cooperatives it touched (as of the import's
    day)."""
    month = date.fromisoformat(job.params["month"])
    as_of = date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else clock.today()
    assess(as_of, cooperative_ids=set(job.params["cooperative_ids"]), report_month=month, commit=True)
    if background.finish(job.id, token, result={"month": job.params["month"]}):
        db.session.commit()
    else:
        db.session.rollback()
