"""Documents attached to a debt case (issue 21 point 8): the teacher's salary slip, the creditors' statements of what
is owed, agreements — what the approver asked to see beside the figures. Stored like relief evidence: checked by
content, under a random name in the file storage (app/storage.py), served only to users in the case's scope
(services/debt_attachments.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.debt import DebtCase
from app.models.users import User

# salary slip, a creditor's statement of the balance or of the account's movements, an agreement or memorandum with a
# creditor, anything else the office asks for (issue 21 point 8)
ATTACHMENT_KINDS = ("salary_slip", "creditor_statement", "agreement", "other")


class DebtAttachment(db.Model):
    __tablename__ = "debt_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # The debt a creditor's statement (or an agreement) is about; a debt removed from the case leaves the file,
    # about no debt in particular.
    debt_id: Mapped[int | None] = mapped_column(ForeignKey("debts.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    # DebtCase.attachments, oldest first: defined from this side, so app/models/debt.py needs no import of this module.
    case: Mapped[DebtCase] = relationship(backref=backref(
        "attachments", order_by="DebtAttachment.id", cascade="all, delete-orphan", passive_deletes=True))
    uploaded_by: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (Index("ix_debt_attachments_case", "case_id", "id"),)

    @property
    def key(self) -> str:
        """Where the file lies in the storage (app/storage.py)."""
        return f"debt-attachments/{self.stored_name}"
