"""Digital signatures on letters (issue 18; docs/research/pdf-signing.md): PAdES B-B with pyHanko, each letter
signed with its issuing unit's certificate, and the verdict on any PDF someone hands us.

- Unit keys: `self_signed` (the demo's, and a unit's first key when SIGNING_AUTO_KEYS is on), `read_pkcs12` (an
  administrator's upload, checked), `export_pkcs12` (what the database keeps: re-encrypted under the app's signing
  passphrase; the uploader's password is never kept).
- `Signer.sign(pdf)`: an invisible signature field in an incremental update appended to ReportLab's bytes. With
  pyHanko's defaults a signature costs ~20–95 ms, over the letter benchmark's budget; `_TemplateSigner` keeps the
  parsed key and re-assembles each CMS from the first one pyHanko built (only the digest and the signature value
  change for PAdES B-B): ~2.4 ms. tests/pdf/test_signing.py validates what it makes with pyHanko's own validator.
- `verdict(pdf, roots)`: ok / invalid / changed (bytes after the signed revision) / not ours / not signed /
  unreadable. "Unchanged" is coverage ENTIRE_FILE, never pyHanko's bottom_line (which accepts appended updates).
Private keys are never logged; errors name what was wrong, not the key.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import cms, pem as asn1_pem, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

log = logging.getLogger(__name__)

FIELD_NAME = "KruDeskSignature"
KDF_ROUNDS = 50_000
MAX_PKCS12_BYTES = 64 * 1024
QUIET_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "pyhanko.sign.validation", "asyncio")


# ---- keys and certificates ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertInfo:
    subject: str
    fingerprint: str  # SHA-256 of the certificate's DER, hex
    not_before: datetime  # naive UTC, as the app stores times
    not_after: datetime
    pem: str


def cert_info(cert: x509.Certificate) -> CertInfo:
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertInfo(subject=cert.subject.rfc4514_string()[:300], fingerprint=hashlib.sha256(der).hexdigest(),
                    not_before=cert.not_valid_before_utc.replace(tzinfo=None),
                    not_after=cert.not_valid_after_utc.replace(tzinfo=None),
                    pem=cert.public_bytes(serialization.Encoding.PEM).decode())


def self_signed(unit_code: str, unit_name: str, years: int = 10, now: datetime | None = None):
    """A P-256 key and a self-signed certificate for one unit, its own trust anchor (CA, keyCertSign) and fit for
    signing documents (digitalSignature, nonRepudiation: pyHanko's validator asks for the latter)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "KruDesk"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_name[:200] or unit_code),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"KruDesk {unit_code}"[:64])])
    now = now or datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=True,
                                         crl_sign=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def export_pkcs12(key, cert, passphrase: bytes, friendly_name: str = "krudesk") -> bytes:
    """The key and certificate as PKCS#12, PBES2/AES-256 under the app's signing passphrase."""
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(passphrase))
    return pkcs12.serialize_key_and_certificates(friendly_name.encode()[:64], key, cert, None, encryption)


class KeyFileError(ValueError):
    """An uploaded PKCS#12 that cannot sign letters; `code` says why (the view words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def read_pkcs12(data: bytes, password: bytes | None, now: datetime | None = None):
    """An administrator's PKCS#12, checked: opens with the password, holds a key and its certificate, the key is
    RSA ≥ 2048 bits or EC, the certificate is valid now and may sign documents. Returns (key, cert)."""
    if not data or len(data) > MAX_PKCS12_BYTES:
        raise KeyFileError("size")
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as error:
        # cryptography says "Invalid password or PKCS12 data" for both; a file that is not PKCS#12 at all fails
        # the same way. Try without a password to tell them apart where we can.
        raise KeyFileError("password" if "password" in str(error).lower() else "unreadable") from None
    except Exception:  # anything else the parser throws on garbage
        raise KeyFileError("unreadable") from None
    if key is None:
        raise KeyFileError("no_key")
    if cert is None:
        raise KeyFileError("no_cert")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise KeyFileError("key_type")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
        raise KeyFileError("key_type")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if (key.public_key().public_bytes(serialization.Encoding.DER, public)
            != cert.public_key().public_bytes(serialization.Encoding.DER, public)):
        raise KeyFileError("mismatch")
    now = now or datetime.now(UTC)
    if cert.not_valid_after_utc <= now:
        raise KeyFileError("expired")
    if cert.not_valid_before_utc > now + timedelta(minutes=5):
        raise KeyFileError("not_yet_valid")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature and usage.content_commitment):
        raise KeyFileError("key_usage")
    return key, cert


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def asn1_cert_from_pem(pem_text: str) -> asn1_x509.Certificate:
    _type, _headers, der = asn1_pem.unarmor(pem_text.encode())
    return asn1_x509.Certificate.load(der)


# ---- signing -----------------------------------------------------------------------------------------------------

def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _len(len(content)) + content


class _Template:
    """One real CMS of this signer cut into DER pieces around the 32-byte message digest (docs/research)."""

    def __init__(self, der: bytes):
        info = cms.ContentInfo.load(der)
        signed = info["content"]
        signer = signed["signer_infos"][0]
        if len(signed["signer_infos"]) != 1 or signer["unsigned_attrs"].native or signed["crls"].native:
            raise ValueError("not a plain PAdES B-B signature")
        self.oid = info["content_type"].dump()
        self.sd_head = b"".join(signed[k].dump() for k in ("version", "digest_algorithms", "encap_content_info",
                                                             "certificates"))
        self.si_head = b"".join(signer[k].dump() for k in ("version", "sid", "digest_algorithm"))
        self.sig_alg = signer["signature_algorithm"].dump()
        attrs = signer["signed_attrs"].contents
        digest = next(a["values"][0].native for a in signer["signed_attrs"] if a["type"].native == "message_digest")
        at = attrs.index(digest)
        if attrs.count(digest) != 1:
            raise ValueError("ambiguous digest position")
        self.pre, self.post, self.digest_len = attrs[:at], attrs[at + len(digest):], len(digest)
        if self.build(digest, signer["signature"].native) != der:
            raise ValueError("template does not round-trip")
        self.size = len(der)

    def to_sign(self, digest: bytes) -> bytes:  # the signature covers the attributes as a SET OF (0x31)
        return _tlv(0x31, self.pre + digest + self.post)

    def build(self, digest: bytes, signature: bytes) -> bytes:  # ... stored as [0] IMPLICIT (0xA0)
        signer = _tlv(0x30, self.si_head + _tlv(0xA0, self.pre + digest + self.post) + self.sig_alg
                      + _tlv(0x04, signature))
        return _tlv(0x30, self.oid + _tlv(0xA0, _tlv(0x30, self.sd_head + _tlv(0x31, signer))))


def _template_signer_class():
    class TemplateSigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner with the parsed key kept and each CMS rebuilt from a template."""

        def setup(self, key) -> None:
            self._key = key
            self._templates: dict = {}
            self._lock = threading.Lock()

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
                         "sha512": hashes.SHA512()}[digest_algorithm]
            if isinstance(self._key, rsa.RSAPrivateKey):
                return self._key.sign(data, padding.PKCS1v15(), algorithm)
            return self._key.sign(data, ec.ECDSA(algorithm))

        async def async_sign(self, data_digest, digest_algorithm, dry_run=False, use_pades=False, timestamper=None,
                             signed_attr_settings=None, is_pdf_sig=True, encap_content_info=None):
            plain = (not dry_run and timestamper is None and is_pdf_sig and encap_content_info is None
                     and signed_attr_settings is not None and signed_attr_settings.adobe_revinfo_attr is None
                     and signed_attr_settings.cades_signed_attrs is None)
            template = self._templates.get((digest_algorithm, use_pades)) if plain else None
            if template is None:
                real = await super().async_sign(data_digest, digest_algorithm, dry_run, use_pades, timestamper,
                                                signed_attr_settings, is_pdf_sig, encap_content_info)
                if plain:
                    try:
                        self._templates[(digest_algorithm, use_pades)] = _Template(real.dump())
                    except (ValueError, KeyError, StopIteration):
                        log.warning("signature template unavailable; signing the slow way")
                return real
            # pyHanko's CMS writer takes DER bytes as well as a ContentInfo (PdfByteRangeDigest.fill_with_cms)
            return template.build(data_digest, self.sign_raw(template.to_sign(data_digest), digest_algorithm))

        def reserve(self) -> int | None:
            """Hex digits to reserve for /Contents once a template exists (ECDSA varies by a few bytes)."""
            sizes = [t.size for t in self._templates.values()]
            return 2 * max(sizes) + 64 if sizes else None

    return TemplateSigner


class Signer:
    """Signs PDFs with one unit's key; kept per process (`signer_for`), safe to share between threads."""

    def __init__(self, key, cert: x509.Certificate, location: str = ""):
        cls = _template_signer_class()
        self.signer = cls(signing_cert=_asn1_cert(cert), signing_key=translate_pyca_cryptography_key_to_asn1(key),
                          cert_registry=SimpleCertificateStore())
        self.signer.setup(key)
        self.meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                                 md_algorithm="sha256", location=location[:200] or None)
        self.pdf_signer = signers.PdfSigner(self.meta, signer=self.signer)
        self.fingerprint = cert_info(cert).fingerprint

    def sign(self, pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = outside_event_loops(self._sign_in_thread_loop, writer)
        return out.getvalue()

    def _sign_in_thread_loop(self, writer):
        """PdfSigner.sign_pdf without its asyncio.run(), which makes and closes an event loop for every letter (~1 ms,
        issue 22 point 4): the coroutine runs on this thread's own loop, kept for the thread's life. No validation
        context is set (self.meta), so sign_pdf's release step has nothing to close."""
        return _thread_loop().run_until_complete(
            self.pdf_signer.async_sign_pdf(writer, bytes_reserved=self.signer.reserve()))


_loops = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _loops.loop = asyncio.new_event_loop()
    return loop


def outside_event_loops(call, *args, **kwargs):
    """pyHanko's plain calls run asyncio.run() inside, which refuses to start in a thread whose event loop is
    running (a caller that is itself async, or a browser driver's loop in a test process): such a call runs in a
    short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call, *args, **kwargs).result()


_signers: dict[str, Signer] = {}
_signers_lock = threading.Lock()


def signer_for(fingerprint: str, load) -> Signer:
    """The process's signer for this certificate, made by `load()` → (key, cert, location) the first time (opening
    the PKCS#12 costs ~35 ms: once per process, not per letter)."""
    found = _signers.get(fingerprint)
    if found is None:
        with _signers_lock:
            found = _signers.get(fingerprint)
            if found is None:
                key, cert, location = load()
                found = _signers[fingerprint] = Signer(key, cert, location)
    return found


# ---- verifying ---------------------------------------------------------------------------------------------------

OK, INVALID, CHANGED, NOT_OURS, NOT_SIGNED, UNREADABLE = "ok", "invalid", "changed", "not_ours", "not_signed", \
    "unreadable"


@dataclass(frozen=True)
class Verdict:
    status: str  # one of the constants above
    fingerprint: str | None = None  # the signer's certificate (SHA-256 of its DER)
    signed_at: datetime | None = None  # what the signer claims (/M); no timestamp authority is used

    @property
    def ok(self) -> bool:
        return self.status == OK


@contextmanager
def quiet():
    """pyHanko logs a full traceback for every untrusted or broken signature it is shown: not on a public page."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def verdict(data: bytes, root_pems: list[str]) -> Verdict:
    """What a PDF's (last) signature says, with our units' certificates — retired ones too — as the only trust
    roots (never the system's store) and nothing fetched. Never raises on garbage."""

    with quiet():
        try:
            roots = [asn1_cert_from_pem(p) for p in root_pems]
            signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
            if not signatures:
                return Verdict(NOT_SIGNED)
            signature = signatures[-1]
        except Exception:  # noqa: BLE001 — every parser error means the same to the reader: unreadable
            return Verdict(UNREADABLE)
        try:
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
            status = outside_event_loops(validate_pdf_signature, signature, context, key_usage_settings=usage)
        except Exception:  # noqa: BLE001 — a signature that cannot even be checked (broken CMS, forged chain)
            return Verdict(INVALID)
    try:
        fingerprint = hashlib.sha256(status.signing_cert.dump()).hexdigest()
    except Exception:  # noqa: BLE001
        fingerprint = None
    signed_at = status.signer_reported_dt
    signed_at = signed_at.astimezone(UTC).replace(tzinfo=None) if signed_at is not None else None
    if not (status.intact and status.valid):
        return Verdict(INVALID, fingerprint, signed_at)
    if not status.trusted:
        return Verdict(NOT_OURS, fingerprint, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(CHANGED, fingerprint, signed_at)
    return Verdict(OK, fingerprint, signed_at)


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]


__all__ = ["CertInfo", "KeyFileError", "Signer", "Verdict", "cert_info", "export_pkcs12", "read_pkcs12",
           "self_signed", "signer_for", "verdict"]
