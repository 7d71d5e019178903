"""The public verification page (issue 18): the kept file's signature, and a form where anyone checks a PDF —
valid and ours / changed after signing / invalid / not signed by us / not signed / unreadable, never a 500; and the
administrators' upload of a unit's PKCS#12, checked with clear messages and audited."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, SigningKey
from app.pdf import signing
from app.services import letters
from app.storage import storage
from tests.factories import unit_by_code, user


@pytest.fixture
def issued(decided):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    return letter, storage().read(letter.pdf_key)


def check(client, data: bytes, url: str = "/verify", name: str = "letter.pdf"):
    response = client.post(url, data={"pdf": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def status_of(page: str) -> str:
    return page.split('data-testid="upload-result" data-status="', 1)[1].split('"', 1)[0]


def test_the_letter_page_says_signed_and_unchanged(client, issued):
    letter, _kept = issued
    page = client.get(f"/verify/{letter.token}").get_data(as_text=True)
    assert 'data-testid="signature" data-status="ok"' in page
    assert letter.pdf_sha256 in page and letter.office.name in page
    assert 'data-testid="verify-upload"' in page and 'name="csrf_token"' in page


def test_an_uploaded_letter_as_issued_is_valid_and_named(client, issued):
    letter, kept = issued
    code, page = check(client, kept, f"/verify/{letter.token}")
    assert code == 200 and status_of(page) == "ok"
    assert letter.number_text in page and 'data-testid="upload-letter"' in page


@pytest.mark.parametrize("change, expected", [
    (lambda pdf: pdf + b"\n% added later\n", {"changed"}),
    (lambda pdf: pdf[:len(pdf) // 2] + bytes([pdf[len(pdf) // 2] ^ 1]) + pdf[len(pdf) // 2 + 1:],
     {"invalid", "unreadable"}),
])
def test_a_changed_file_is_never_valid(client, issued, change, expected):
    letter, kept = issued
    code, page = check(client, change(kept), f"/verify/{letter.token}")
    assert code == 200 and status_of(page) in expected


def test_a_file_signed_by_a_stranger_is_not_ours(client, issued):
    letter, kept = issued
    key, cert = signing.self_signed("X", "ผู้อื่น")
    forged = signing.Signer(key, cert).sign(letters.render([letter]))
    code, page = check(client, forged)
    assert code == 200 and status_of(page) == "not_ours"


@pytest.mark.parametrize("data, expected", [
    (b"%PDF-1.4\n%garbage that is no PDF at all", "unreadable"),
    (b"\x00\x01\x02 not a pdf", "unreadable"),
    (b"%PDF-1.7\n" + b"\xff" * 5000, "unreadable"),
])
def test_garbage_is_unreadable_never_a_500(client, data, expected):
    code, page = check(client, data, name="x.pdf")
    assert code == 200 and status_of(page) == expected


def test_an_unsigned_pdf_says_not_signed(client, issued):
    letter, _kept = issued
    code, page = check(client, letters.render([letter]))
    assert code == 200 and status_of(page) == "not_signed"


def test_no_file_or_too_large_is_a_field_message(client, app, monkeypatch):
    response = client.post("/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'data-field="pdf"' in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "SIGNING_VERIFY_MAX_BYTES", 1024)
    code, page = check(client, b"%PDF-" + b"0" * 2048)
    assert code == 422 and 'data-field="pdf"' in page


def test_the_upload_form_needs_its_csrf_token(app, issued):
    letter, kept = issued
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        assert check(client, kept, f"/verify/{letter.token}")[0] == 400
        page = client.get(f"/verify/{letter.token}").get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(f"/verify/{letter.token}", data={"csrf_token": token, "pdf": (io.BytesIO(kept), "a.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 200 and status_of(response.get_data(as_text=True)) == "ok"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# ---- administrators' upload ----------------------------------------------------------------------------------------

def p12(password: bytes = b"pass", years: int = 5, now=None, with_key=True) -> bytes:
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert = signing.self_signed("UP", "หน่วยทดสอบ", years=years, now=now)
    if not with_key:
        from cryptography.hazmat.primitives.serialization import BestAvailableEncryption
        return pkcs12.serialize_key_and_certificates(b"x", None, cert, None, BestAvailableEncryption(password))
    return signing.export_pkcs12(key, cert, password)


def upload(client, unit_id: int, data: bytes, password: str):
    response = client.post(f"/admin/signing-keys/{unit_id}", data={"pkcs12": (io.BytesIO(data), "unit.p12"),
                                                                  "password": password},
                           content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("data, password, code", [
    (lambda: p12(), "wrong", "password"),
    (lambda: b"not a pkcs12 file", "pass", ("password", "unreadable")),
    (lambda: p12(years=1, now=datetime.now(UTC) - timedelta(days=800)), "pass", "expired"),
    (lambda: p12(with_key=False), "pass", "no_key"),
])
def test_a_bad_pkcs12_is_refused_with_a_clear_message(app, as_user, data, password, code):
    from app.services.signing_keys import KEY_FILE_MESSAGES

    client = as_user("admin")
    unit = unit_by_code("COOP-CMI-01")
    before = db.session.scalar(select(SigningKey.id).where(SigningKey.org_unit_id == unit.id, SigningKey.active))
    status, page = upload(client, unit.id, data(), password)
    with app.test_request_context():  # the page's language (Thai by default, once the catalogue has them)
        messages = [KEY_FILE_MESSAGES[c]() for c in ((code,) if isinstance(code, str) else code)]
    assert status == 422 and 'data-field="pkcs12"' in page and any(m in page for m in messages)
    assert db.session.scalar(select(SigningKey.id).where(SigningKey.org_unit_id == unit.id, SigningKey.active)) == before


def test_a_good_pkcs12_becomes_the_units_key_audited_and_its_password_is_not_kept(as_user):
    client = as_user("admin")
    unit = unit_by_code("COOP-CMI-01")
    old = db.session.scalar(select(SigningKey).where(SigningKey.org_unit_id == unit.id, SigningKey.active))
    response = client.post(f"/admin/signing-keys/{unit.id}", data={"pkcs12": (io.BytesIO(p12(b"pa55-word")), "u.p12"),
                                                                  "password": "pa55-word"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(select(SigningKey).where(SigningKey.org_unit_id == unit.id, SigningKey.active))
    assert new.id != old.id and new.source == "upload" and not db.session.get(SigningKey, old.id).active
    assert b"pa55-word" not in new.pkcs12
    from cryptography.hazmat.primitives.serialization import pkcs12
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(new.pkcs12, b"pa55-word")  # re-encrypted under the app's passphrase
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signing_key.upload"))
    assert event.after["fingerprint"] == new.fingerprint and event.before["fingerprint"] == old.fingerprint
    assert "pa55-word" not in str(event.after)
    page = client.get("/admin/signing-keys").get_data(as_text=True)
    assert new.fingerprint in page and old.fingerprint in page
