"""After approval, part 2 (domain.md, "After approval" 4–7; api-v1.md v1.1): what was repaid, how far behind each
active case is, the history of its delinquency buckets, the monthly figures of the repayment report.

The instalments themselves are not rows: they are the months of the deduction runs marked `instalment`
(models/after_approval.DeductionLine: the new loan and each rescheduled debt), numbered from the first month of the
part's first run (services/instalments.py).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.clock import utcnow
from app.extensions import db

MONEY = Numeric(14, 2)


class Repayment(db.Model):
    """One line of what payroll or the cooperative actually deducted or received for one part of an active case
    (domain.md step 4). `reference` is the sender's own line reference: unique, so that re-sending a file or a
    request changes nothing (api-v1.md "Repayments": idempotent)."""

    __tablename__ = "repayments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    plan_version: Mapped[int]
    part: Mapped[str] = mapped_column(String(20))    # "new_loan" or the id of a rescheduled debt
    month: Mapped[date]                              # the first day of the month the file or request is for
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(8))   # "api" | "file" | "form"
    batch: Mapped[str] = mapped_column(String(32))   # the import that recorded it (services/repayments.record)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_repayments_case", "case_id", "plan_version", "part"),
        Index("ix_repayments_month", "month", "case_id"),
    )



class RepaymentTotal(db.Model):
    """What a part of a case has repaid for one plan version: the sum of its repayments, kept by the triggers of
    migration 0023 (never written by the application), so that a sweep of a million cases reads one row per part
    instead of every month's repayment."""

    __tablename__ = "repayment_totals"

    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"), primary_key=True)
    plan_version: Mapped[int] = mapped_column(primary_key=True)
    part: Mapped[str] = mapped_column(String(20), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))

# domain.md step 5: days past due → bucket. "90+" is over 90 days (NPL).
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


class CaseDelinquency(db.Model):
    """How far behind an active case is, as of `as_of` (api-v1.md "delinquency"): one row per case that has been
    active, kept in step by activation, each repayment and the daily sweep (services/arrears.py). The scope columns
    are the case's, copied so that a list filtered by bucket and the sweep's counts read this table alone."""

    __tablename__ = "case_delinquency"

    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    province_code: Mapped[str | None] = mapped_column(String(2))
    bucket: Mapped[str] = mapped_column(String(8))
    # The due day (the last day of its month) of the oldest instalment not fully paid, if it is past; the days past
    # due are as_of minus this day.
    oldest_unpaid_due: Mapped[date | None]
    days_past_due: Mapped[int] = mapped_column(default=0)
    amount_overdue: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    since: Mapped[date]                             # the day the case entered its bucket
    as_of: Mapped[date]
    # domain.md step 5: a case over 90 days is flagged for re-restructuring (the "revise" transition clears it).
    needs_restructuring: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index("ix_case_delinquency_bucket", "province_code", "bucket", "cooperative_id"),
    )


class DelinquencyChange(db.Model):
    """One stay of a case in a bucket (api-v1.md "delinquency-history": bucket, from, to); `to_day` is NULL for the
    bucket it is in now."""

    __tablename__ = "delinquency_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    bucket: Mapped[str] = mapped_column(String(8))
    from_day: Mapped[date]
    to_day: Mapped[date | None]

    __table_args__ = (Index("ix_delinquency_history_case", "case_id", "from_day"),)


class RepaymentMonth(db.Model):
    """The repayment report's figures for one cooperative and month (api-v1.md "reports/repayment"), written by the
    sweep for the month under way and by each import for its month (services/arrears.py), so that the national
    report sums a few thousand rows instead of a million cases."""

    __tablename__ = "repayment_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    province_code: Mapped[str | None] = mapped_column(String(2))
    active_cases: Mapped[int] = mapped_column(default=0)
    due_cases: Mapped[int] = mapped_column(default=0)      # cases with an instalment due in the month
    on_time_cases: Mapped[int] = mapped_column(default=0)  # … that had paid everything due through it
    amount_due: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    amount_collected: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    bucket_current: Mapped[int] = mapped_column(default=0)
    bucket_1_30: Mapped[int] = mapped_column(default=0)
    bucket_31_60: Mapped[int] = mapped_column(default=0)
    bucket_61_90: Mapped[int] = mapped_column(default=0)
    bucket_90_plus: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("month", "cooperative_id", name="uq_repayment_months_month_unit"),
        Index("ix_repayment_months_province", "province_code", "month"),
    )


BUCKET_COLUMNS = {"current": "bucket_current", "1-30": "bucket_1_30", "31-60": "bucket_31_60",
                  "61-90": "bucket_61_90", "90+": "bucket_90_plus"}
