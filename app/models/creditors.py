"""Creditors on file (issue 18; domain.md "After approval" 1; api-v1.md v1.1 "Creditors"): the organisations a
teacher owes, with who their letters are addressed to. Debts point at them; every cooperative of the org tree is one.

National reference data: visible to every signed-in user, not scoped (app/services/creditors.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.org import OrgUnit

# Where a creditor on file came from (the creditors page and `flask creditors-report` show it): the org tree (a
# cooperative), the seeded national reference list, an officer's entry, or a debt's typed name that matched none
# (created so that each lender is one record; listed for an officer to check, services/creditors.py).
CREDITOR_SOURCES = ("org_tree", "reference", "entered", "free_text")


class Creditor(db.Model):
    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    creditor_type: Mapped[str] = mapped_column(String(32))  # app/models/debt.py CREDITOR_TYPES
    branch: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    # The position a letter is addressed to, e.g. "ผู้จัดการ" (then followed by the creditor's name) or a whole
    # title such as "ผู้จัดการธนาคารออมสินสาขาเชียงใหม่" (services/creditors.addressee_line).
    addressee: Mapped[str] = mapped_column(String(200))
    # Set for a cooperative of the org tree: the own-cooperative rule compares ids, never names.
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), unique=True)
    # Name and branch normalised (white space collapsed, case folded): one record per lender and branch.
    match_key: Mapped[str] = mapped_column(String(420), unique=True)
    source: Mapped[str] = mapped_column(String(16), default="entered")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org_unit: Mapped[OrgUnit | None] = relationship()

    __table_args__ = (Index("ix_creditors_creditor_type", "creditor_type"),)

    @property
    def display_name(self) -> str:
        if not self.branch:
            return self.name
        return f"{self.name} {self.branch if self.branch.startswith('สาขา') else 'สาขา' + self.branch}"

    def __repr__(self) -> str:
        return f"<Creditor {self.id} {self.name}>"
