"""Signed letters (issue 18): each issued letter's PDF is signed with its office's certificate, kept, and served
byte for byte on every reprint; pyHanko's own validator accepts it; one changed byte or an appended update is
caught; a retired certificate still verifies its letters; batches keep each letter's signed file and sign the pack.
Real PDFs read back (pyHanko, pypdf, PDFium); nothing of the PDF layer is mocked."""
import hashlib
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Letter, LetterBatch, SigningKey
from app.pdf import signing
from app.services import letter_batches, letters, signing_keys
from app.storage import storage
from tests.factories import approved_cases, user
from tests.pdf.helpers import norm, page_count, pdf_text


def roots() -> ValidationContext:
    certs = [signing.asn1_cert_from_pem(pem) for pem in signing_keys.trust_roots()]
    return ValidationContext(trust_roots=certs, allow_fetching=False, revocation_mode="soft-fail")


def pyhanko_status(data: bytes):
    with signing.quiet():
        signature = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
        return signing.outside_event_loops(validate_pdf_signature, signature, roots())  # the library's own check


def test_an_issued_letter_is_signed_by_its_office_and_pyhanko_validates_it(decided):
    debt, _ = decided
    officer = user("province_officer")
    letter = letters.issue(officer, "debt", debt.id, "approval_notice")
    kept = storage().read(letter.pdf_key)
    assert hashlib.sha256(kept).hexdigest() == letter.pdf_sha256
    key = db.session.get(SigningKey, letter.signing_key_id)
    assert key.org_unit_id == officer.org_unit_id == letter.office_id and key.active
    status = pyhanko_status(kept)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert hashlib.sha256(status.signing_cert.dump()).hexdigest() == key.fingerprint
    # the signature is an incremental update: the rendered letter is untouched underneath, and still reads
    assert kept.startswith(letters.render([letter])[:1000])
    assert norm(f"ที่ {letter.number_text}") in pdf_text(kept)
    assert letters.examine(kept).status == "ok"


def test_signing_and_checking_work_inside_a_running_event_loop(decided):
    """pyHanko's plain calls start an event loop of their own; called where one is running (an async caller, a
    browser driver in the same process) they still sign and check (signing.outside_event_loops)."""
    import asyncio

    debt, _ = decided
    office = user("province_officer").org_unit
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    kept = storage().read(letter.pdf_key)

    async def inside_a_loop():
        signed, row = signing_keys.sign(office, letters.render([letter]))
        return letters.examine(kept).status, letters.examine(signed).status, row

    try:  # a browser test in this process may have left its loop running here already: that is the case itself
        asyncio.get_running_loop()
    except RuntimeError:
        kept_status, signed_status, row = asyncio.run(inside_a_loop())
    else:
        coroutine = inside_a_loop()
        try:
            coroutine.send(None)
        except StopIteration as done:
            kept_status, signed_status, row = done.value
    assert kept_status == "ok" and row is not None and signed_status == "ok"


def test_one_changed_byte_in_the_signed_range_fails_and_an_appended_byte_is_a_change(decided):
    debt, _ = decided
    kept = storage().read(letters.issue(user("province_officer"), "debt", debt.id, "approval_notice").pdf_key)
    tampered = bytearray(kept)
    tampered[len(kept) // 3] ^= 0x01  # inside the first signed range (before /Contents)
    assert letters.examine(bytes(tampered)).status in ("invalid", "unreadable")
    with pytest.raises(Exception):  # pyHanko's validator: not intact, or not even readable
        status = pyhanko_status(bytes(tampered))
        assert status.intact and status.valid
        raise AssertionError("still valid")  # never reached when the check works
    appended = kept + b"\n"
    status = pyhanko_status(appended)
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE and status.bottom_line  # pyHanko's verdict: fine
    assert letters.examine(appended).status == "changed"  # ours: changed after signing


def test_a_reprint_is_the_kept_file_byte_for_byte(decided, as_user, api):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    kept = storage().read(letter.pdf_key)
    client = as_user("province_officer")
    first = client.get(f"/letters/{letter.id}.pdf").get_data()
    second = client.get(f"/letters/{letter.id}.pdf").get_data()
    assert first == second == kept
    assert api("province_officer").get(f"/api/v1/letters/{letter.id}.pdf").get_data() == kept


def test_a_letter_issued_before_signing_prints_again_from_its_payload(decided):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    letter.pdf_key = letter.pdf_sha256 = letter.signing_key_id = None  # as the migration leaves older letters
    db.session.commit()
    assert letters.pdf_of(letter) == letters.render([letter]) and letters.seal_of(letter) is None


def test_a_retired_certificate_still_verifies_its_letters(decided, client):
    debt, _ = decided
    officer = user("province_officer")
    letter = letters.issue(officer, "debt", debt.id, "approval_notice")
    old = db.session.get(SigningKey, letter.signing_key_id)
    key, cert = signing.self_signed("NEW", "ใหม่")
    p12 = signing.export_pkcs12(key, cert, b"s3cret")
    new = signing_keys.upload(user("admin"), officer.org_unit_id, p12, "s3cret")
    db.session.expire_all()
    old = db.session.get(SigningKey, old.id)
    assert not old.active and old.retired_at is not None and new.active
    assert pyhanko_status(storage().read(letter.pdf_key)).trusted
    page = client.get(f"/verify/{letter.token}")
    assert page.status_code == 200 and 'data-status="ok"' in page.get_data(as_text=True)
    later = letters.issue(officer, "debt", debt.id, "schedule")  # another kind: not a re-issue
    assert later.signing_key_id == new.id and letters.examine(storage().read(later.pdf_key)).signer.id == new.id


def test_an_office_without_a_key_issues_unsigned_and_the_page_says_so(decided, client):
    debt, _ = decided
    officer = user("province_officer")
    db.session.query(SigningKey).filter_by(org_unit_id=officer.org_unit_id).update({"active": False})
    db.session.commit()
    letter = letters.issue(officer, "debt", debt.id, "approval_notice")
    assert letter.signing_key_id is None and letter.pdf_key
    kept = storage().read(letter.pdf_key)
    assert letters.pdf_of(letter) == kept and letters.examine(kept).status == "not_signed"
    page = client.get(f"/verify/{letter.token}").get_data(as_text=True)
    assert 'data-status="not_signed"' in page


def test_a_key_made_on_first_use_with_auto_keys(decided, app, monkeypatch):
    debt, _ = decided
    officer = user("province_officer")
    db.session.query(SigningKey).filter_by(org_unit_id=officer.org_unit_id).update({"active": False})
    monkeypatch.setitem(app.config, "SIGNING_AUTO_KEYS", True)
    letter = letters.issue(officer, "debt", debt.id, "approval_notice")
    made = db.session.get(SigningKey, letter.signing_key_id)
    assert made.source == "generated" and made.org_unit_id == officer.org_unit_id
    assert letters.examine(storage().read(letter.pdf_key)).status == "ok"


def test_a_batch_keeps_each_letters_signed_file_and_signs_the_pack(decided):
    ids = approved_cases(3)
    officer = user("province_officer")
    batch = letter_batches.create(officer, "approval_notice", ids)
    db.session.expire_all()
    batch = db.session.get(LetterBatch, batch.id)
    assert batch.status == "done"
    issued = list(db.session.scalars(select(Letter).where(Letter.batch_id == batch.id).order_by(Letter.id)))
    assert len(issued) == 3
    for letter in issued:
        kept = storage().read(letter.pdf_key)
        assert letters.examine(kept).status == "ok" and letters.examine(kept).letter.id == letter.id
        assert norm(f"ที่ {letter.number_text}") in pdf_text(kept)
        assert page_count(kept) == len(PdfReader(io.BytesIO(kept)).pages) >= 1
    pack = storage().read(letter_batches.pdf_key(batch))
    assert page_count(pack) == sum(page_count(storage().read(x.pdf_key)) for x in issued)
    assert len(PdfFileReader(io.BytesIO(pack), strict=False).embedded_signatures) == 1  # no stale letter fields
    status = pyhanko_status(pack)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_a_batch_printed_again_keeps_the_files_already_signed(decided, monkeypatch):
    ids = approved_cases(2)
    officer = user("province_officer")
    batch = letter_batches.create(officer, "approval_notice", ids)
    before = {x.id: (x.pdf_key, x.pdf_sha256) for x in db.session.scalars(
        select(Letter).where(Letter.batch_id == batch.id))}
    db.session.execute(LetterBatch.__table__.update().where(LetterBatch.id == batch.id).values(status="failed"))
    db.session.commit()
    letter_batches.retry(officer, batch.id)
    db.session.expire_all()
    after = {x.id: (x.pdf_key, x.pdf_sha256) for x in db.session.scalars(
        select(Letter).where(Letter.batch_id == batch.id))}
    assert after == before and db.session.get(LetterBatch, batch.id).status == "done"


def test_the_template_signer_makes_what_pyhanko_makes_and_pyhanko_accepts_it():
    """The fast path (CMS rebuilt from a template) must stay a valid PAdES signature: many in a row, EC and RSA."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(72, 72, "KruDesk")
    page.showPage()
    page.save()
    pdf = out.getvalue()
    key, cert = signing.self_signed("T", "ทดสอบ")
    info = signing.cert_info(cert)
    signer = signing.Signer(key, cert, "ทดสอบ")
    signed = [signer.sign(pdf) for _ in range(5)]
    assert signer.signer._templates  # the later ones came from the template
    for data in signed:
        assert signing.verdict(data, [info.pem]).status == "ok"
    rsa_key = rsa.generate_private_key(65537, 2048)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from datetime import UTC, datetime, timedelta
    from cryptography.x509.oid import NameOID
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "KruDesk RSA")])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(rsa_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(datetime.now(UTC) - timedelta(days=1))
               .not_valid_after(datetime.now(UTC) + timedelta(days=30)))
    for extension in cert.extensions:
        if not isinstance(extension.value, x509.SubjectKeyIdentifier):
            builder = builder.add_extension(extension.value, extension.critical)
    rsa_cert = builder.sign(rsa_key, hashes.SHA256())
    rsa_signer = signing.Signer(rsa_key, rsa_cert)
    for data in [rsa_signer.sign(pdf) for _ in range(3)]:
        assert signing.verdict(data, [signing.cert_info(rsa_cert).pem]).status == "ok"
    assert signing.verdict(signed[0], [signing.cert_info(rsa_cert).pem]).status == "not_ours"
