"""Relief for teachers and education personnel harmed by the southern-border unrest (domain.md,
"Relief cases"): incidents, cases, beneficiaries, rules, entitlements, evidence and payments."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.people import Person

MONEY = Numeric(14, 2)


class Incident(db.Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date]
    province_code: Mapped[str] = mapped_column(String(2))
    district: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    police_report_no: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)



class ReliefCaseStatus(str, enum.Enum):
    """domain.md, Workflow (the transitions are app/domain/workflow.py): reported → verified (evidence complete) →
    approved (committee resolution) → paying (first payment) → closed | returned | rejected."""

    REPORTED = "reported"
    VERIFIED = "verified"
    APPROVED = "approved"
    PAYING = "paying"
    CLOSED = "closed"
    RETURNED = "returned"
    REJECTED = "rejected"


# The officer may still correct the report:
RELIEF_EDITABLE_STATUSES = (ReliefCaseStatus.REPORTED.value, ReliefCaseStatus.RETURNED.value)
# The entitlements are what was approved:
RELIEF_DECIDED_STATUSES = (ReliefCaseStatus.APPROVED.value, ReliefCaseStatus.PAYING.value,
                           ReliefCaseStatus.CLOSED.value)
# Payments and enrolment checks happen between approval and closing:
PAYABLE_STATUSES = (ReliefCaseStatus.APPROVED.value, ReliefCaseStatus.PAYING.value)


class ReliefCase(db.Model):
    __tablename__ = "relief_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=ReliefCaseStatus.REPORTED.value)
    version: Mapped[int] = mapped_column(default=1)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    victim_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    employment_type: Mapped[str] = mapped_column(String(32))
    workplace: Mapped[str | None] = mapped_column(String(200))
    harm: Mapped[str] = mapped_column(String(32))
    split_method: Mapped[str] = mapped_column(String(16), default="equal")
    # Funeral-welfare membership is a fact about the victim (domain.md, "Relief cases": ช.พ.ค. and ช.พ.ส.).
    chpk_member: Mapped[bool] = mapped_column(Boolean, default=False)
    chps_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the case says plainly about entitlements it could not compute when they were computed: a rule in force
    # whose amount an administrator has not set yet, or no rule at all for property damage (domain.md).
    # [{"reason": "amount_not_set"|"no_rule", "harm", "rule_code"|None, "title"|None}]
    entitlement_notes: Mapped[list] = mapped_column(JSON, default=list)
    # The provincial office's path: relief cases belong to the province of the incident.
    org_path: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str] = mapped_column(String(2))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_since: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incident: Mapped[Incident] = relationship(lazy="joined")
    victim: Mapped[Person] = relationship(lazy="joined")
    beneficiaries: Mapped[list[Beneficiary]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Beneficiary.position")
    entitlements: Mapped[list[Entitlement]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Entitlement.id")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Evidence.id")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Payment.id")

    # Paths with pattern ops on PostgreSQL (migration 0027); the inbox (a few statuses in a subtree) from the index.
    __table_args__ = (Index("ix_relief_cases_org_path", "org_path", postgresql_ops={"org_path": "varchar_pattern_ops"}),
                      Index("ix_relief_cases_status_path", "status", "org_path",
                            postgresql_ops={"org_path": "varchar_pattern_ops"}))

    @property
    def memberships(self) -> frozenset[str]:
        """The funeral-welfare funds the victim belonged to, as the rules name them (domain FUNERAL_FUNDS)."""
        return frozenset(fund for fund, member in (("chpk", self.chpk_member), ("chps", self.chps_member)) if member)

    @property
    def editable(self) -> bool:
        return self.status in RELIEF_EDITABLE_STATUSES

    @property
    def accepts_evidence(self) -> bool:
        """Evidence may still be added until the case is closed or rejected."""
        return self.status not in (ReliefCaseStatus.CLOSED.value, ReliefCaseStatus.REJECTED.value)

    @property
    def decided(self) -> bool:
        """Approved (and possibly paying or closed): the entitlements are what was approved."""
        return self.status in RELIEF_DECIDED_STATUSES

    @property
    def payable(self) -> bool:
        """Payments and enrolment checks are recorded only between approval and closing."""
        return self.status in PAYABLE_STATUSES


class Beneficiary(db.Model):
    __tablename__ = "relief_beneficiaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("relief_cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    position: Mapped[int] = mapped_column(default=0)
    relationship_: Mapped[str] = mapped_column("relationship", String(16))
    education_level: Mapped[str | None] = mapped_column(String(20))
    bank_account: Mapped[str | None] = mapped_column(String(30))

    case: Mapped[ReliefCase] = relationship(back_populates="beneficiaries")
    person: Mapped[Person] = relationship(lazy="joined")


class EntitlementRule(db.Model):
    """One version of a rule; a new version is a new row with the same code and a later effective_from."""

    __tablename__ = "entitlement_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    programme: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    harms: Mapped[list] = mapped_column(JSON)
    employment_types: Mapped[list | None] = mapped_column(JSON)
    recipient: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    period: Mapped[str] = mapped_column(String(10), default="once")
    rates: Mapped[dict] = mapped_column(JSON, default=dict)
    end_age: Mapped[int | None]
    until_bachelor: Mapped[bool] = mapped_column(Boolean, default=False)
    offset_codes: Mapped[list] = mapped_column(JSON, default=list)
    # Only for a victim who was a member of this funeral-welfare fund ("chpk", "chps"); None: no membership needed.
    membership: Mapped[str | None] = mapped_column(String(8))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_entitlement_rules_code_from", "code", "effective_from"),)


class Entitlement(db.Model):
    __tablename__ = "relief_entitlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("relief_cases.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("entitlement_rules.id"))
    programme: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    offset: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    # The rule as it stood when computed: a later change to the rule never changes this entitlement.
    rule_snapshot: Mapped[dict] = mapped_column(JSON)
    shares: Mapped[list] = mapped_column(JSON)      # [{"beneficiary_id"|None, "person_id", "amount", "remainder"}]
    schedule: Mapped[list] = mapped_column(JSON)    # [{"person_id", "period", "due", "amount", "level", ...}]

    case: Mapped[ReliefCase] = relationship(back_populates="entitlements")


class ContinuationCheck(db.Model):
    """Proof of enrolment for one child's academic year: needed before that year's payment."""

    __tablename__ = "continuation_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("relief_entitlements.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    period: Mapped[str] = mapped_column(String(8))
    enrolled: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(300))
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence(db.Model):
    __tablename__ = "relief_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("relief_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[ReliefCase] = relationship(back_populates="evidence")


class Payment(db.Model):
    __tablename__ = "relief_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("relief_cases.id", ondelete="CASCADE"), index=True)
    entitlement_id: Mapped[int] = mapped_column(ForeignKey("relief_entitlements.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    period: Mapped[str | None] = mapped_column(String(8))
    round_no: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[ReliefCase] = relationship(back_populates="payments")

    # Rounds are numbered 1, 2, 3… per entitlement (domain.md, "Payments"): never the same round twice.
    __table_args__ = (Index("uq_relief_payments_entitlement_round", "entitlement_id", "round_no", unique=True),)
