"""Debt cases: the teacher's monthly income, deductions and debts, and the restructuring plans."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Numeric, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.creditors import Creditor
from app.models.guarantors import DebtGuarantor
from app.models.org import OrgUnit
from app.models.people import Person

MONEY = Numeric(14, 2)
RATE = Numeric(7, 4)
RATIO = Numeric(12, 4)  # net/base: bounded by the input limits in services/debt_input.py


class DebtCaseStatus(str, enum.Enum):
    """domain.md, Workflow (the transitions are app/domain/workflow.py): draft → submitted → approved, or
awaiting_regional → approved above the regional threshold | returned | rejected; approved → active → closed."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AWAITING_REGIONAL = "awaiting_regional"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    CLOSED = "closed"


EDITABLE_STATUSES = (DebtCaseStatus.DRAFT.value, DebtCaseStatus.RETURNED.value)
DECIDED_STATUSES = (DebtCaseStatus.APPROVED.value, DebtCaseStatus.ACTIVE.value, DebtCaseStatus.CLOSED.value)

DEDUCTION_KINDS = ("tax", "gpf", "social_security", "funeral_welfare", "cooperative_shares", "insurance", "other")
# api-v1.md's creditor types, and (issue 21 point 8) credit cards and personal loans, which officers met without a
# type to put them under; appended, so that the API's earlier values keep their meaning.
CREDITOR_TYPES = ("cooperative", "gsb", "ktb", "ghb", "other_bank", "government_fund", "informal", "other",
                  "credit_card", "personal_loan")
LEGAL_STATUSES = ("normal", "overdue", "npl", "sued", "enforced")


class DebtCase(db.Model):
    __tablename__ = "debt_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=DebtCaseStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(default=1)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # The cooperative's path, copied so that scoped lists need no join (services/scope.py).
    org_path: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str | None] = mapped_column(String(2))
    monthly_salary: Mapped[Decimal] = mapped_column(MONEY)
    monthly_allowances: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    # A retired teacher (about half of the indebted): the monthly pension (บำนาญ) takes the place of salary as
    # receipts and base of the 30% rule (domain.md, "The 30% rule"; api-v1.md v1.1 "retired", "monthly_pension").
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    monthly_pension: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    # The paying unit: the area office that pays the salary or draws the pension (ส่วนราชการผู้เบิก), which receives
    # the deduction list (domain.md, "After approval" 3; api-v1.md v1.1 "paying_unit_code"). Optional.
    paying_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Figures derived from the rows below, kept in step by services/debt_cases.py for lists and reports.
    non_debt_deductions: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    debt_service: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    total_outstanding: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    net_income: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    ratio: Mapped[Decimal] = mapped_column(RATIO, default=Decimal("0"))
    meets_floor: Mapped[bool] = mapped_column(Boolean, default=True)
    risk_group: Mapped[str] = mapped_column(String(10), default="green")
    # Before and after the chosen plan, for dashboards (issue 7): interest still to pay under the current terms,
    # and under the chosen plan with whether it keeps the 30% floor (NULL while no plan is chosen).
    interest_remaining: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    plan_interest_remaining: Mapped[Decimal | None] = mapped_column(MONEY)
    plan_meets_floor: Mapped[bool | None] = mapped_column(Boolean)
    # After approval (domain.md, "After approval" 1–3; migration 0019). The version of the plan: 1, then one more at
    # each revision (api-v1.md "revise"); answers, payoffs and deduction lines belong to a version. The days the
    # current version reached each step of the funnel (approved → answered → paid off → active), for the waiting
    # times on the dashboard; a revision clears them. The agreement day and the first month payroll deducts.
    plan_version: Mapped[int] = mapped_column(default=1, server_default="1")
    approved_on: Mapped[date | None]
    answered_on: Mapped[date | None]
    paid_off_on: Mapped[date | None]
    agreement_signed_on: Mapped[date | None]
    first_due_month: Mapped[date | None]  # the first day of that month
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the case entered its current state: the inbox counts days waiting from here.
    status_since: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")
    cooperative: Mapped[OrgUnit] = relationship(lazy="joined", foreign_keys=[cooperative_id])
    paying_unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[paying_unit_id])
    deductions: Mapped[list[CaseDeduction]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDeduction.position")
    debts: Mapped[list[Debt]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Debt.position")
    plans: Mapped[list[DebtPlan]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="DebtPlan.id")

    __table_args__ = (
        Index("ix_debt_cases_org_path", "org_path", postgresql_ops={"org_path": "varchar_pattern_ops"}),  # 0027
        # The cases waiting for a decision in a subtree, counted and their waits read from the index alone (the
        # dashboard's "waiting", services/reports.waiting; migration 0026).
        Index("ix_debt_cases_waiting", "status", "org_path", "status_since",
              postgresql_ops={"org_path": "varchar_pattern_ops"}),
        Index("ix_debt_cases_risk_group", "risk_group"),
        # The list of a cooperative or a province, newest first, with or without its status or risk filter, read
        # in key order (migration 0008; services/debt_cases.in_scope_of turns the scope into these equalities).
        Index("ix_debt_cases_cooperative_id", "cooperative_id", "id"),
        Index("ix_debt_cases_province_id", "province_code", "id"),
        Index("ix_debt_cases_province_status_id", "province_code", "status", "id"),
        Index("ix_debt_cases_province_risk_id", "province_code", "risk_group", "id"),
        # A name search within a province: the people matching the name, then their cases there, from the index.
        Index("ix_debt_cases_province_person", "province_code", "person_id", postgresql_include=["id"]),
        # The funnel after approval (services/funnel.py; migration 0020): the scope, the status and the four days of
        # the cases past approval, read without the case rows.
        Index("ix_debt_cases_funnel", "province_code", "cooperative_id", "org_path", "status", "approved_on",
              "answered_on", "paid_off_on", "agreement_signed_on",
              sqlite_where=text("approved_on IS NOT NULL"), postgresql_where=text("approved_on IS NOT NULL")),
    )

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def chosen_plan(self) -> DebtPlan | None:
        return next((plan for plan in self.plans if plan.chosen), None)


class CaseDeduction(db.Model):
    __tablename__ = "debt_case_deductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(200))
    monthly_amount: Mapped[Decimal] = mapped_column(MONEY)

    case: Mapped[DebtCase] = relationship(back_populates="deductions")


class Debt(db.Model):
    __tablename__ = "debts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    creditor_name: Mapped[str] = mapped_column(String(200))
    creditor_type: Mapped[str] = mapped_column(String(32))
    # The creditor on file (issue 18; api-v1.md "creditor_id"); creditor_name/creditor_type above stay as the
    # API shows them. Nullable: a debt written before migration 0016 may still lack one until it is migrated.
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"), index=True)
    outstanding: Mapped[Decimal] = mapped_column(MONEY)
    annual_rate: Mapped[Decimal] = mapped_column(RATE)
    monthly_payment: Mapped[Decimal] = mapped_column(MONEY)
    remaining_months: Mapped[int]
    salary_deducted: Mapped[bool] = mapped_column(Boolean, default=True)
    legal_status: Mapped[str] = mapped_column(String(16), default="normal")
    # The guarantors as typed before they were structured (issue 20): free text, kept where migration 0022 could not
    # read it as citizen IDs and names (`flask guarantors-report` lists those debts), and what an API client of v1.0
    # still sends as a string. The column keeps its old name.
    guarantors_note: Mapped[str | None] = mapped_column("guarantors", Text)
    # The day the model cooperative paid this debt off (domain.md, "After approval" 2: the old debt closes).
    closed_on: Mapped[date | None]

    case: Mapped[DebtCase] = relationship(back_populates="debts")
    creditor: Mapped[Creditor | None] = relationship()
    # Who guarantees the debt (domain.md, "After approval" 6; api-v1.md v1.1 debts[].guarantors), in the order entered.
    guarantors: Mapped[list[DebtGuarantor]] = relationship(
        cascade="all, delete-orphan", order_by=DebtGuarantor.position)


class DebtPlan(db.Model):
    """A restructuring plan: what the officer asked for (spec) and what it works out to (result)."""

    __tablename__ = "debt_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    interest_saved: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    meets_floor: Mapped[bool] = mapped_column(Boolean, default=False)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)  # at most one per case (services)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[DebtCase] = relationship(back_populates="plans")


class DebtCaseRollup(db.Model):
    """Counts and sums of debt cases by cooperative, fiscal year, status, risk group, floor before/after the
    chosen plan and serving/retired, for dashboards over a million cases. Kept by database triggers on debt_cases
    (migrations 0006 and 0014), so every write — services, bulk import, plain SQL — keeps it exact; it is never
    written by the application."""

    __tablename__ = "debt_case_rollups"

    cooperative_id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    risk_group: Mapped[str] = mapped_column(String(10), primary_key=True)
    meets_floor: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    meets_after: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    planned: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    retired: Mapped[bool] = mapped_column(Boolean, primary_key=True)  # issue 17: dashboards split serving/retired
    cases: Mapped[int] = mapped_column(default=0)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    interest: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    interest_after: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
