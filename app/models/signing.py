"""Signing keys (issue 18; app/pdf/signing.py): each issuing unit's certificate and key, which sign its letters.

The certificate is kept in the clear (it is public: the verification page's trust roots are every unit's
certificates). The key is kept only as a PKCS#12 encrypted under the app's signing passphrase
(SIGNING_KEY_PASSPHRASE, config.py); an uploader's own password is never stored. A unit has at most one active key;
a replaced key is retired, not deleted, and stays a trust root, so the letters it signed keep verifying."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.org import OrgUnit


class SigningKey(db.Model):
    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    subject: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the certificate's DER
    cert_pem: Mapped[str] = mapped_column(Text)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted under SIGNING_KEY_PASSPHRASE
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))  # "upload", "demo" or "generated"
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None]

    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")

    __table_args__ = (Index("ix_signing_keys_unit", "org_unit_id", "active"),)
