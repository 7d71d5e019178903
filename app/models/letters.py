"""Issued letters (ทะเบียนหนังสือส่ง), the running-number counters per issuing office and Buddhist year,
and batch print jobs. A letter keeps the exact data it printed (`payload`), so a reprint is identical."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.jobs import Claimable
from app.models.org import OrgUnit


class LetterCounter(db.Model):
    """The last running number used by one office in one Buddhist year. Numbers restart each year and never
    repeat (thai-documents.md): the counter is advanced by one conditional UPDATE inside the issuing
    transaction, and letters carry a unique (office, year, number) as a second guard."""

    __tablename__ = "letter_counters"

    office_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    be_year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class LetterBatch(Claimable, db.Model):
    """A merged print of many letters (services/letter_batches.py): its chunks prepare the letters in parallel,
    the batch numbers them all in one transaction, the chunks render them, and the batch merges the parts.
    queued → preparing (numbered while "issuing") → rendering (merged while "merging") → done | failed."""

    __tablename__ = "letter_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(default=0)
    rendered: Mapped[int] = mapped_column(default=0)
    org_path: Mapped[str] = mapped_column(String(255))  # the requester's unit: who may see the batch
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    chunks_total: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_letter_batches_org_path", "org_path",
                            postgresql_ops={"org_path": "varchar_pattern_ops"}),)  # migration 0027


class Letter(db.Model):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: the public verification address /verify/<token> is built from it.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_type: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int]
    case_reference: Mapped[str | None] = mapped_column(String(32))
    debt_id: Mapped[int | None]
    office_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    be_year: Mapped[int]
    number: Mapped[int]
    number_text: Mapped[str] = mapped_column(String(64))  # "ศธ 0206.3/1234", as printed after ที่
    issued_on: Mapped[date]
    subject: Mapped[str] = mapped_column(String(300))
    addressee: Mapped[str] = mapped_column(String(300))
    # SHA-256 of the approval snapshot the letter printed from; for a case summary (no decision yet), of the
    # data printed. Shown on the public verification page.
    content_sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    org_path: Mapped[str] = mapped_column(String(255))  # the case's path: letters are scoped like their case
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batches.id"))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The PDF as issued (issue 18), kept in app/storage.py's storage and served for every reprint, byte for byte:
    # signed with the issuing office's key (signing_key_id), or unsigned if the office had none. A letter issued
    # before files were kept has none of these and prints again from its payload.
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signing_key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_keys.id"))

    office: Mapped[OrgUnit] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("office_id", "be_year", "number", name="uq_letters_office_year_number"),
        Index("ix_letters_case", "case_type", "case_id"),
        Index("ix_letters_org_path", "org_path", postgresql_ops={"org_path": "varchar_pattern_ops"}),  # 0027
        Index("ix_letters_batch", "batch_id"),
    )
