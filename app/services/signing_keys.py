"""Each issuing unit's signing key (issue 18): an administrator's upload, the demo's self-signed keys, signing a
letter's PDF with its office's key, and the trust roots of the verification page (app/pdf/signing.py does the
cryptography; this module keeps the rows, the passphrase and the audit).

An office without an active key: with SIGNING_AUTO_KEYS (development) it gets a self-signed key on its first
letter; otherwise its letters are issued unsigned, kept as issued all the same, and their pages say so."""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app
from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.models import OrgUnit, SigningKey, User
from app.pdf import signing
from app.services import audit
from app.services.errors import ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404
from cryptography.hazmat.primitives.serialization import pkcs12

log = logging.getLogger(__name__)
ISSUING_KINDS = ("cooperative", "province", "area_office")  # the kinds of unit that issue letters


def passphrase() -> bytes:
    """SIGNING_KEY_PASSPHRASE, or one derived from SECRET_KEY (development, tests)."""
    configured = current_app.config.get("SIGNING_KEY_PASSPHRASE")
    if configured:
        return configured.encode()
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, b"krudesk letter signing keys", hashlib.sha256).hexdigest().encode()


def active_key(unit_id: int) -> SigningKey | None:
    return db.session.scalar(select(SigningKey).where(SigningKey.org_unit_id == unit_id, SigningKey.active)
                             .order_by(SigningKey.id.desc()).limit(1))


def keys_of(unit_id: int) -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).where(SigningKey.org_unit_id == unit_id)
                                   .order_by(SigningKey.id.desc())))


def keys_by_unit(unit_ids: list[int]) -> dict[int, list[SigningKey]]:
    found: dict[int, list[SigningKey]] = {}
    for row in db.session.scalars(select(SigningKey).where(SigningKey.org_unit_id.in_(unit_ids))
                                  .order_by(SigningKey.id.desc())):
        found.setdefault(row.org_unit_id, []).append(row)
    return found


def _store(unit: OrgUnit, key, cert, source: str, actor: User | None) -> SigningKey:
    """The new active key of the unit; the one it replaces is retired (kept: a trust root for its letters)."""
    info = signing.cert_info(cert)
    previous = active_key(unit.id)
    if previous is not None and previous.fingerprint == info.fingerprint:
        return previous  # the same certificate again: nothing changes
    existing = db.session.scalar(select(SigningKey).where(SigningKey.fingerprint == info.fingerprint))
    if existing is not None:  # a certificate already on file (another unit's, or retired): never two rows
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"pkcs12": _("This certificate is already on file for a unit. Upload a new one.")})
    now = utcnow()
    db.session.execute(update(SigningKey).where(SigningKey.org_unit_id == unit.id, SigningKey.active)
                       .values(active=False, retired_at=now))
    row = SigningKey(org_unit_id=unit.id, subject=info.subject, fingerprint=info.fingerprint, cert_pem=info.pem,
                     pkcs12=signing.export_pkcs12(key, cert, passphrase(), unit.code), not_before=info.not_before,
                     not_after=info.not_after, source=source, active=True, created_at=now,
                     created_by_id=actor.id if actor is not None else None)
    db.session.add(row)
    db.session.flush()
    audit.record("signing_key.upload" if source == "upload" else "signing_key.create", actor=actor,
                 object_type="org_unit", object_id=unit.id, org_path=unit.path,
                 before={"fingerprint": previous.fingerprint} if previous is not None else None,
                 after={"fingerprint": info.fingerprint, "subject": info.subject, "source": source,
                        "not_after": info.not_after.isoformat()})
    return row


def create_self_signed(unit: OrgUnit, actor: User | None = None, source: str = "generated") -> SigningKey:
    """A self-signed P-256 key for the unit (the demo's; a first letter's with SIGNING_AUTO_KEYS). Not committed."""
    key, cert = signing.self_signed(unit.code, unit.name)
    return _store(unit, key, cert, source, actor)


KEY_FILE_MESSAGES = {
    "size": lambda: _("Choose a PKCS#12 file (.p12 or .pfx) of at most 64 KB."),
    "password": lambda: _("The password does not open this file, or the file is not PKCS#12."),
    "unreadable": lambda: _("This file is not a PKCS#12 (.p12 or .pfx) file."),
    "no_key": lambda: _("The file holds no private key: export the certificate together with its key."),
    "no_cert": lambda: _("The file holds no certificate for its key."),
    "mismatch": lambda: _("The certificate in the file does not belong to its key."),
    "key_type": lambda: _("The key must be RSA of at least 2048 bits or an elliptic-curve key."),
    "expired": lambda: _("The certificate has expired."),
    "not_yet_valid": lambda: _("The certificate is not valid yet."),
    "key_usage": lambda: _("The certificate may not sign documents (it needs digital signature and non-repudiation)."),
}


def upload(actor: User, unit_id: int, data: bytes | None, password: str | None) -> SigningKey:
    """An administrator's PKCS#12 for a unit: checked, re-encrypted under the app's passphrase (the password given
    here is used to open it and then forgotten), made the unit's active key, audited. Commits."""
    require(actor, "manage_org_units")
    unit = get_scoped_or_404(OrgUnit, unit_id, actor)
    if unit.kind not in ISSUING_KINDS:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"pkcs12": _("This unit does not issue letters.")})
    try:
        key, cert = signing.read_pkcs12(data or b"", (password or "").encode())
    except signing.KeyFileError as error:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"pkcs12": KEY_FILE_MESSAGES.get(error.code, KEY_FILE_MESSAGES["unreadable"])()})
    row = _store(unit, key, cert, "upload", actor)
    db.session.commit()
    return row


# ---- signing and trust -------------------------------------------------------------------------------------------

def _load(row: SigningKey):

    key, cert, _others = pkcs12.load_key_and_certificates(row.pkcs12, passphrase())
    return key, cert, row.org_unit.name


def signer_of(row: SigningKey) -> signing.Signer:
    return signing.signer_for(row.fingerprint, lambda: _load(row))


def key_for(office: OrgUnit) -> SigningKey | None:
    """The office's active key; a generated one with SIGNING_AUTO_KEYS; else None (its letters go unsigned)."""
    row = active_key(office.id)
    if row is None and current_app.config.get("SIGNING_AUTO_KEYS"):
        row = create_self_signed(office)
    return row


def sign(office: OrgUnit, pdf: bytes, row: SigningKey | None = None) -> tuple[bytes, SigningKey | None]:
    """The PDF signed with the office's key and the key used; unsigned (and logged) if there is no usable key."""
    row = row if row is not None else key_for(office)
    if row is None:
        return pdf, None
    try:
        return signer_of(row).sign(pdf), row
    except ValueError:  # the stored PKCS#12 does not open: the passphrase or SECRET_KEY changed
        log.error("signing key %s of unit %s cannot be opened (SIGNING_KEY_PASSPHRASE changed?): letters are "
                  "issued unsigned", row.id, office.code)
        return pdf, None


def trust_roots() -> list[str]:
    """Every unit's certificate, retired ones too: the only roots a signature may chain to."""
    return list(db.session.scalars(select(SigningKey.cert_pem).order_by(SigningKey.id)))


def by_fingerprint(fingerprint: str | None) -> SigningKey | None:
    if not fingerprint:
        return None
    return db.session.scalar(select(SigningKey).where(SigningKey.fingerprint == fingerprint))
