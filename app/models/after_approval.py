"""After approval (domain.md, "After approval" 1–3; api-v1.md v1.1): what the creditors answered, what the model
cooperative paid off, and what payroll deducts each month.

Answers and payoffs belong to one version of the plan (DebtCase.plan_version): a revision starts a new version, and
the earlier answers stay as history, shown on the case page, but no longer count towards activation.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db

MONEY = Numeric(14, 2)

# api-v1.md v1.1 "Creditor answers".
RESPONSES = ("accepted", "counter_offer", "declined")


class CreditorResponse(db.Model):
    """One creditor's answer about one debt the plan touches (consolidates, reschedules or shares pro rata)."""

    __tablename__ = "creditor_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id", ondelete="CASCADE"))
    plan_version: Mapped[int]
    response: Mapped[str] = mapped_column(String(16))
    responded_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(100))     # the creditor's own reference number
    payoff_amount: Mapped[Decimal | None] = mapped_column(MONEY)     # accepted, consolidated debt
    payoff_valid_until: Mapped[date | None]
    counter_annual_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))  # counter-offer
    counter_term_months: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    # The creditor's letter as scanned: a key of the file storage (app/storage.py), "answers/<sha256>.<ext>".
    scan_key: Mapped[str | None] = mapped_column(String(200))
    scan_filename: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_creditor_responses_case", "case_id", "plan_version", "debt_id"),)


class DebtPayoff(db.Model):
    """The model cooperative paying an accepted, consolidated debt off; the old debt then closes."""

    __tablename__ = "debt_payoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    debt_id: Mapped[int] = mapped_column(ForeignKey("debts.id", ondelete="CASCADE"))
    plan_version: Mapped[int]
    response_id: Mapped[int] = mapped_column(ForeignKey("creditor_responses.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(100))
    # Why the amount or the day differs from the creditor's accepted payoff (required then, domain.md step 2).
    difference_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[CreditorResponse] = relationship()

    __table_args__ = (
        # One payoff per debt and version: a second one is a 409, never a double payment.
        UniqueConstraint("debt_id", "plan_version", name="uq_debt_payoffs_debt_version"),
        Index("ix_debt_payoffs_case", "case_id", "plan_version"),
    )


class DeductionLine(db.Model):
    """What payroll deducts for one part of an active case, as runs of months with the same amount (an annuity is
    one run and its last instalment; equal principal a run per month). Written at activation from the approved
    snapshot's schedules (services/deduction_lines.py); a revision ends the runs after the month it happens in.

    `part` is "new_loan", the id of a rescheduled or pro-rata debt, or the id of an untouched salary-deducted debt
    (api-v1.md "Deduction lists": lines). `legal_order` ranks the line by domain.md step 3."""

    __tablename__ = "deduction_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    plan_version: Mapped[int]
    # Copied from the case, so that a payroll office's or a province's list is read from this table's indexes.
    paying_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    province_code: Mapped[str | None] = mapped_column(String(2))
    part: Mapped[str] = mapped_column(String(20))
    creditor: Mapped[str] = mapped_column(String(200))
    legal_order: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    # The months of the approved schedules (the new loan and each rescheduled debt) are the case's instalments,
    # repaid and followed for arrears (domain.md, "After approval" 4–5; services/instalments.py); pro-rata shares and
    # untouched debts are deducted but owed to their creditors on their own terms.
    instalment: Mapped[bool] = mapped_column(default=False, server_default=false())
    from_month: Mapped[date]   # first day of the first month of the run
    to_month: Mapped[date]     # first day of its last month (inclusive)

    __table_args__ = (
        Index("ix_deduction_lines_case", "case_id"),
        Index("ix_deduction_lines_unit_month", "paying_unit_id", "to_month", "from_month"),
        Index("ix_deduction_lines_province_month", "province_code", "to_month", "from_month"),
    )
