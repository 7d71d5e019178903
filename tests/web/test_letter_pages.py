"""Letter pages: issuing from the case page, the register, the public verification page, batches."""
from sqlalchemy import select

from app.extensions import db
from app.models import Letter, LetterBatch
from tests.pdf.helpers import norm, pdf_text


def test_case_page_offers_the_letters_this_user_may_issue(as_user, decided):
    debt, _ = decided
    page = as_user("province_officer").get(f"/debt-cases/{debt.id}").get_data(as_text=True)
    assert 'data-testid="issue-approval_notice"' in page and 'data-testid="issue-creditor_pack"' not in page
    as_user("province_officer").post("/logout")
    page = as_user("coop_officer").get(f"/debt-cases/{debt.id}").get_data(as_text=True)
    assert 'data-testid="issue-creditor_pack"' in page and 'data-testid="issue-approval_notice"' not in page


def test_issue_from_the_case_page_then_reprint_from_the_register(as_user, decided):
    debt, _ = decided
    client = as_user("province_officer")
    response = client.post("/letters/issue", data={"case_type": "debt", "case_id": debt.id, "kind": "approval_notice"})
    letter = db.session.scalar(select(Letter))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/letters/{letter.id}")
    register = client.get("/letters?kind=approval_notice").get_data(as_text=True)
    assert letter.number_text in register
    assert client.get("/letters?kind=deduction_notice").get_data(as_text=True).count('data-testid="register-row"') == 0
    first = client.get(f"/letters/{letter.id}.pdf")
    assert first.mimetype == "application/pdf" and first.data == client.get(f"/letters/{letter.id}.pdf").data
    assert norm("นางพิมพ์ใจ ศรีวงศ์") in pdf_text(first.data)


def test_a_refused_letter_says_why_and_issues_nothing(as_user):
    from tests.factories import new_case

    case_id, _plan = new_case()
    response = as_user("province_officer").post("/letters/issue", data={
        "case_type": "debt", "case_id": case_id, "kind": "approval_notice"}, follow_redirects=True)
    assert "อนุมัติ" in response.get_data(as_text=True)
    assert db.session.scalar(select(Letter.id)) is None


def test_verification_is_public_and_shows_no_personal_data(client, as_user, decided):
    debt, _ = decided
    as_user("province_officer").post("/letters/issue", data={"case_type": "debt", "case_id": debt.id,
                                                             "kind": "approval_notice"})
    letter = db.session.scalar(select(Letter))
    client.post("/logout")
    page = client.get(f"/verify/{letter.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (letter.number_text, letter.content_sha256, "สำนักงานศึกษาธิการจังหวัดเชียงใหม่"):
        assert shown in html
    for hidden in ("พิมพ์ใจ", "ศรีวงศ์", "3509900111117", "2,065,000"):
        assert hidden not in html
    assert client.get("/verify/nope").status_code == 404


def test_batch_page_from_criteria_to_merged_pdf(as_user, decided):
    debt, _ = decided
    client = as_user("province_officer")
    form = client.get("/letters/batches/new?kind=approval_notice").get_data(as_text=True)
    assert f'value="{debt.id}"' in form
    response = client.post("/letters/batches/new", data={"kind": "approval_notice", "case_ids": [str(debt.id)]})
    batch = db.session.scalar(select(LetterBatch))
    assert response.status_code == 302 and batch.status == "done"
    page = client.get(f"/letters/batches/{batch.id}").get_data(as_text=True)
    assert 'data-testid="batch-pdf"' in page and "http-equiv" not in page
    pdf = client.get(f"/letters/batches/{batch.id}.pdf")
    assert pdf.mimetype == "application/pdf" and norm("แจ้งผลการพิจารณา") in pdf_text(pdf.data)


def test_a_failed_batch_shows_its_message_and_tries_again_from_its_page(as_user, decided, monkeypatch):
    from app.services import letters

    debt, _ = decided
    client = as_user("province_officer")
    real = letters.render

    def broken(selected, progress=None):
        raise OSError("the printer spool is full")

    monkeypatch.setattr(letters, "render", broken)
    client.post("/letters/batches/new", data={"kind": "approval_notice", "case_ids": [str(debt.id)]})
    batch = db.session.scalar(select(LetterBatch))
    page = client.get(f"/letters/batches/{batch.id}").get_data(as_text=True)
    assert "OSError: the printer spool is full" in page and "http-equiv" not in page
    assert f'action="/letters/batches/{batch.id}/retry"' in page
    monkeypatch.setattr(letters, "render", real)
    assert client.post(f"/letters/batches/{batch.id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(LetterBatch, batch.id).status == "done"
    assert client.get(f"/letters/batches/{batch.id}.pdf").mimetype == "application/pdf"


def test_a_batch_no_worker_took_says_so_and_keeps_waiting(as_user, decided):
    from datetime import timedelta

    from flask import current_app
    from sqlalchemy import update

    from app.domain.clock import utcnow

    debt, _ = decided
    client = as_user("province_officer")
    client.post("/letters/batches/new", data={"kind": "approval_notice", "case_ids": [str(debt.id)]})
    batch = db.session.scalar(select(LetterBatch))
    long_ago = utcnow() - timedelta(seconds=current_app.config["JOBS_REQUEUE_SECONDS"] + 1)
    db.session.execute(update(LetterBatch).values(status="queued", claim_token=None, claimed_at=long_ago))
    db.session.commit()
    page = client.get(f"/letters/batches/{batch.id}").get_data(as_text=True)
    assert 'data-testid="batch-waiting"' in page and 'http-equiv="refresh"' in page
    assert client.get(f"/letters/batches/{batch.id}.pdf").status_code == 404


def test_batch_form_keeps_the_choice_on_error(as_user, decided):
    client = as_user("province_officer")
    response = client.post("/letters/batches/new", data={"kind": "approval_notice", "month": "2026-13"})
    assert response.status_code == 422 and 'value="2026-13"' in response.get_data(as_text=True)


def test_administrator_sets_the_letterhead_and_it_is_audited(as_user, decided):
    from app.models import AuditEvent
    from app.services import letters
    from tests.factories import unit_by_code

    debt, _ = decided
    province = unit_by_code("50")
    response = as_user("admin").post(f"/admin/org-units/{province.id}/edit", data={
        "kind": "province", "code": "50", "name": province.name, "name_en": province.name_en or "",
        "parent_id": province.parent_id, "active": "y", "letter_prefix": "ศธ 0999.1",
        "address": "ถนนทดสอบ", "phone": "0 5300 0000", "signer_name": "นายผู้ลงนาม ทดสอบ",
        "signer_position": "ศึกษาธิการจังหวัดเชียงใหม่"})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.update"))
    assert event.after["letter_prefix"] == "ศธ 0999.1"
    from tests.factories import user

    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    text = pdf_text(letters.render([letter]))
    assert letter.number_text == "ศธ 0999.1/1" and norm("(นายผู้ลงนาม ทดสอบ)") in text and norm("ถนนทดสอบ") in text


def test_odd_numbers_in_the_address_never_give_a_500(as_user, decided):
    client = as_user("province_officer")
    for url in ("/letters?office=²&year=²", "/letters?year=99999999999", "/letters/batches/new?month=0001-01",
                "/letters/batches/new?month=2026-²", "/letters?from=2026-99-99", "/debt-cases/?page=²"):
        assert client.get(url).status_code in (200, 422), url
    assert client.post("/letters/issue", data={"case_type": "debt", "case_id": "²"}).status_code == 404
    for huge in ("/debt-cases/2653372802231083949096960", "/letters/99999999999999999999.pdf"):
        assert client.get(huge).status_code == 404  # found by fuzzing: an id SQLite cannot bind was a 500
    response = client.post("/letters/batches/new", data={"kind": "approval_notice", "case_ids": ["²"]})
    assert response.status_code == 422
