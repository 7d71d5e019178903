"""The steps of the national monthly cycle (issue 20; domain.md, "After approval" 3–5), each run by
bench/bench_repayments.py in a fresh process of its own, over bench/national/generate.py's dataset of active cases:

- prepare (once, kept): a provincial officer per province (`bench20-po-<code>`), and the repayment history before
  month M — one repayment per instalment month before M, of exactly what was due (reference BENCHHIST-…), written
  month by month — so that M is an ordinary month of a programme under way (18,127,318 rows for the million) and
  not every case's first repayment after years of nothing;
- reset (before each import, not timed): the bench's own lines for M (reference BENCH-…) go, and the delinquency
  tables stand as the sweep of the month before left them — every active case current (its history paid through
  M−1), one open stay in "current" from its agreement day; the repayment report's months and the report-refresh
  jobs of earlier runs are emptied; PostgreSQL: VACUUM ANALYZE of the tables written;
- deductions: the national deduction list for M as CSV (deduction_lists.items + write_csv, as bench_deductions);
- file: the month's repayment lines from the instalment runs covering M, one CSV per province in the repayment file
  layout (repayment_files.COLUMNS: citizen_id, case_id, part, amount, paid_on, reference), streamed; a seeded ~4 %
  of lines missed, ~3 % half paid, ~1 % overpaid by 10 %;
- import: each province's file by that province's officer through repayment_files.import_file (accept_partial), on
  the 3rd of M+1 (the files arrive after payroll's month end); then one province's file again (idempotent);
- sweep: arrears.assess on the 5th of M+1 with the month's report figures; the cases per bucket after it.

Each step returns a dict of its figures; the driver adds seconds and peak memory.
"""
from __future__ import annotations

import calendar
import csv
import random
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

MISSED, PARTIAL, OVERPAID = 0.04, 0.03, 0.01
CENT = Decimal("0.01")
HISTORY_PREFIX, LINE_PREFIX = "BENCHHIST-", "BENCH-"
HISTORY_MARK = "bench.repayment_history"   # the audit row that says which month the history runs up to
OFFICER_PREFIX = "bench20-po-"
OFFICER_PASSWORD = "bench-2569-repayments"
FILE_COLUMNS = ("citizen_id", "case_id", "part", "amount", "paid_on", "reference")
BATCH = 50_000  # rows written or fetched at a time


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def import_day(month: date) -> date:
    return add_months(month, 1).replace(day=3)


def sweep_day(month: date) -> date:
    return add_months(month, 1).replace(day=5)


def travel(day: date):
    """The app's clock (app/domain/clock) on `day`, 10:00 Bangkok, ticking: month M's lines are paid on its last day,
    which the importer refuses while it is still in the future."""
    import time_machine

    return time_machine.travel(datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC), tick=True)


def _sql(statement: str):
    from sqlalchemy import text

    return text(statement)


# ---- prepare --------------------------------------------------------------------------------------------------

def officers() -> dict[str, int]:
    """A provincial officer per province (province code → user id), made where missing, as `flask create-user`
    makes one (services/users.create_user)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OrgUnit, User
    from app.models.users import Role
    from app.services.users import UserInput, create_user

    have = dict(db.session.execute(select(User.username, User.id).where(User.username.like(OFFICER_PREFIX + "%"))).all())
    found = {}
    for unit in db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "province").order_by(OrgUnit.province_code)):
        username = OFFICER_PREFIX + unit.province_code
        if username not in have:
            have[username] = create_user(None, UserInput(
                username=username, full_name=f"เจ้าหน้าที่จังหวัด {unit.province_code} (bench)",
                role=Role.PROVINCIAL_OFFICER.value, org_unit_id=unit.id, password=OFFICER_PASSWORD)).id
        found[unit.province_code] = have[username]
    return found


def _history_month():
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    after = db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == HISTORY_MARK)
                              .order_by(AuditEvent.id.desc()).limit(1))
    return after


def history(month: date, log=print) -> dict:
    """One repayment per instalment month before `month`, each of what the month asked (made once per month),
    written month by month as the months' files would have been recorded: each month's lines by province and case
    (so the table's physical order, and what ANALYZE samples of it, is that of a programme under way — written case
    by case, ANALYZE saw each case's rows together and guessed 86,000 distinct cases for 1,000,000)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import DeductionLine
    from app.services import audit
    from bench.national.writer import BulkWriter

    made = _history_month()
    if made and made.get("before") == month.isoformat() and made.get("order") == "month":
        return {"history_rows": made["rows"], "made": False}
    db.session.execute(_sql(f"DELETE FROM repayments WHERE reference LIKE '{HISTORY_PREFIX}%'"))
    db.session.commit()
    first = db.session.scalar(select(DeductionLine.from_month).where(DeductionLine.instalment)
                              .order_by(DeductionLine.from_month).limit(1))
    writer = BulkWriter(db.engine)
    columns = ("reference", "case_id", "plan_version", "part", "month", "amount", "paid_on", "source", "batch",
               "created_at")
    written, at = 0, _as_date(first) if first else month
    while at < month:
        stamp, batch, paid_on = datetime.combine(import_day(at), datetime.min.time()), f"bench-history-{at:%Y%m}", \
            last_day(at)
        rows = []
        result = db.session.connection().execution_options(yield_per=BATCH).execute(_sql(
            "SELECT c.id, c.plan_version, l.part, SUM(l.amount) FROM deduction_lines l "
            "JOIN debt_cases c ON c.id = l.case_id WHERE c.status = 'active' AND l.instalment "
            "AND l.plan_version = c.plan_version AND l.from_month <= :at AND l.to_month >= :at "
            "GROUP BY c.province_code, c.id, c.plan_version, l.part ORDER BY c.province_code, c.id, l.part"),
            {"at": at})
        for case_id, version, part, amount in result:
            rows.append((f"{HISTORY_PREFIX}{at:%Y%m}-{case_id}-{part}", case_id, version, part, at,
                         Decimal(str(amount)).quantize(CENT), paid_on, "file", batch, stamp))
            if len(rows) >= BATCH:
                writer.write("repayments", columns, rows)
                written += len(rows)
                rows = []
        result.close()
        writer.write("repayments", columns, rows)
        writer.commit()
        written += len(rows)
        at = add_months(at, 1)
    writer.close()
    db.session.rollback()
    audit.record(HISTORY_MARK, actor=None, object_type="bench",
                 after={"before": month.isoformat(), "rows": written, "order": "month"})
    db.session.commit()
    log(f"  {written:,} history repayments written")
    return {"history_rows": written, "made": True}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def prepare(month: date) -> dict:
    from app.extensions import db

    found = officers()
    figures = history(month)
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(_sql("VACUUM ANALYZE repayments, repayment_totals"))
    else:
        db.session.execute(_sql("ANALYZE repayments"))
        db.session.execute(_sql("ANALYZE repayment_totals"))
        db.session.commit()
    return {"officers": len(found), **figures}


# ---- reset ----------------------------------------------------------------------------------------------------

def reset(month: date) -> dict:
    """The state before the month's file (see the module's docstring)."""
    from app.extensions import db

    postgres = db.engine.dialect.name == "postgresql"
    run = db.session.execute
    deleted = run(_sql(f"DELETE FROM repayments WHERE month >= :month AND reference LIKE '{LINE_PREFIX}%'"),
                  {"month": month}).rowcount
    if postgres:
        run(_sql("TRUNCATE case_delinquency, delinquency_history, repayment_months"))
    else:
        for table in ("case_delinquency", "delinquency_history", "repayment_months"):
            run(_sql(f"DELETE FROM {table}"))
    since = "COALESCE(agreement_signed_on, first_due_month)"
    as_of = add_months(month, 0).replace(day=5)
    run(_sql("INSERT INTO case_delinquency (case_id, cooperative_id, province_code, bucket, oldest_unpaid_due, "
             "days_past_due, amount_overdue, since, as_of, needs_restructuring) "
             f"SELECT id, cooperative_id, province_code, 'current', NULL, 0, 0, {since}, :as_of, false "
             "FROM debt_cases WHERE status = 'active'"), {"as_of": as_of})
    run(_sql("INSERT INTO delinquency_history (case_id, bucket, from_day, to_day) "
             f"SELECT id, 'current', {since}, NULL FROM debt_cases WHERE status = 'active'"))
    jobs = run(_sql("DELETE FROM background_jobs WHERE kind = 'repayment_month'")).rowcount
    db.session.commit()
    if postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(_sql("VACUUM ANALYZE repayments, repayment_totals, case_delinquency, delinquency_history"))
    return {"bench_lines_deleted": deleted, "month_jobs_deleted": jobs}


# ---- file -----------------------------------------------------------------------------------------------------

def files(month: date, folder: Path, seed: int) -> dict:
    """One CSV per province (see the module's docstring); the lines' figures, and the cases left short."""
    from app.extensions import db

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("repayments-*.csv"):
        old.unlink()
    rng = random.Random(seed)
    paid_on = last_day(month).isoformat()
    counts = {"lines": 0, "missed": 0, "partial": 0, "overpaid": 0, "cases": 0, "cases_short": 0}
    amount_written, by_province = Decimal("0.00"), {}
    handle = writer = None
    province = None
    # (province, case, part) → due in the month: the runs covering it (normally one) summed
    result = db.session.connection().execution_options(yield_per=BATCH).execute(_sql(
        "SELECT c.province_code, c.id, p.citizen_id, l.part, SUM(l.amount) FROM deduction_lines l "
        "JOIN debt_cases c ON c.id = l.case_id JOIN people p ON p.id = c.person_id "
        "WHERE c.status = 'active' AND l.instalment AND l.plan_version = c.plan_version "
        "AND l.from_month <= :month AND l.to_month >= :month "
        "GROUP BY c.province_code, c.id, p.citizen_id, l.part ORDER BY c.province_code, c.id, l.part"),
        {"month": month})
    last_case, short = None, False
    for code, case_id, citizen_id, part, due in result:
        if code != province:
            if handle:
                handle.close()
            province = code
            handle = (folder / f"repayments-{code}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle)
            writer.writerow(FILE_COLUMNS)
            by_province[code] = 0
        if case_id != last_case:
            counts["cases"] += 1
            counts["cases_short"] += short
            last_case, short = case_id, False
        due = Decimal(str(due)).quantize(CENT)
        draw = rng.random()
        if draw < MISSED:
            counts["missed"] += 1
            short = True
            continue
        if draw < MISSED + PARTIAL:
            amount, short = (due / 2).quantize(CENT, ROUND_HALF_UP), True
            counts["partial"] += 1
        elif draw < MISSED + PARTIAL + OVERPAID:
            amount = (due * Decimal("1.1")).quantize(CENT, ROUND_HALF_UP)
            counts["overpaid"] += 1
        else:
            amount = due
        writer.writerow((citizen_id, case_id, part, f"{amount:.2f}", paid_on,
                         f"{LINE_PREFIX}{month:%Y%m}-{case_id}-{part}"))
        counts["lines"] += 1
        by_province[code] += 1
        amount_written += amount
    counts["cases_short"] += short
    result.close()
    if handle:
        handle.close()
    size = sum(f.stat().st_size for f in folder.glob("repayments-*.csv"))
    return {**counts, "amount": f"{amount_written:.2f}", "provinces": len(by_province),
            "largest_province": max(by_province.items(), key=lambda kv: kv[1]) if by_province else None,
            "megabytes": round(size / 1e6, 1)}


# ---- import ---------------------------------------------------------------------------------------------------

def import_files(month: date, folder: Path, only: str | None = None) -> dict:
    """Every province's file (or `only` one) by its officer, as of import_day(month)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services import repayment_files

    users = dict(db.session.execute(select(User.username, User.id).where(User.username.like(OFFICER_PREFIX + "%"))).all())
    codes = set(only.split(",")) if only else None
    paths = sorted(p for p in folder.glob("repayments-*.csv") if codes is None or p.stem.rsplit("-", 1)[1] in codes)
    if not paths:
        raise SystemExit(f"no repayment files in {folder}: run the file step first")
    totals = {"files": 0, "lines": 0, "matched": 0, "amount_matched": Decimal("0"), "already_recorded": 0,
              "unmatched": 0, "not_recorded": 0}
    reasons: dict[str, int] = {}
    with travel(import_day(month)):
        for path in paths:
            code = path.stem.rsplit("-", 1)[1]
            actor = db.session.get(User, users[OFFICER_PREFIX + code])
            outcome = repayment_files.import_file(actor, path, month, dry_run=False, accept_partial=True)
            totals["files"] += 1
            totals["lines"] += outcome.lines
            totals["matched"] += outcome.matched
            totals["amount_matched"] += outcome.amount_matched
            totals["already_recorded"] += outcome.already_recorded
            totals["unmatched"] += len(outcome.unmatched)
            totals["not_recorded"] += not outcome.recorded and outcome.matched > 0
            for problem in outcome.unmatched[:20]:
                reasons[problem.reason] = reasons.get(problem.reason, 0) + 1
            db.session.expunge_all()
    totals["amount_matched"] = f"{totals['amount_matched']:.2f}"
    return {**totals, "unmatched_reasons": reasons}


# ---- sweep ----------------------------------------------------------------------------------------------------

def sweep(month: date) -> dict:
    """The sweep as of sweep_day(month), with the month's report figures, committing batch by batch."""
    from app.services import arrears

    with travel(sweep_day(month)):
        return arrears.assess(as_of=sweep_day(month), report_month=month, commit=True).as_dict()


def buckets() -> dict:
    from app.extensions import db

    counted = dict(db.session.execute(_sql("SELECT bucket, COUNT(*) FROM case_delinquency GROUP BY bucket")).all())
    months = db.session.execute(_sql("SELECT COUNT(*), SUM(active_cases), SUM(due_cases), SUM(on_time_cases) "
                                     "FROM repayment_months")).one()
    return {"buckets": counted, "repayment_months": {"rows": months[0], "active_cases": months[1],
                                                     "due_cases": months[2], "on_time_cases": months[3]}}
