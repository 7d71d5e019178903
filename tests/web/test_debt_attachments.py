"""Issue 21 point 8: a debt case takes documents (salary slip, creditors' statements, agreements) the approver reads.
Checked by content like relief evidence (services/uploads.py), kept in the file storage of either backend, downloaded
only in the case's scope, removed only while the case is a draft or returned, every change audited."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DebtAttachment, DebtCase, StoredFile
from app.models.debt_attachments import ATTACHMENT_KINDS
from app.services import debt_attachments
from app.services.errors import NotFound
from app.storage import storage
from tests.factories import act, new_case, user
from tests.helpers import PDF, PNG, login

SLIP = b"%PDF-1.4\n% salary slip of November\n"
NOT_A_PDF = b"GIF89a\x01\x00\x01\x00 a picture named .pdf"


@pytest.fixture(params=["local", "database"])
def backend(request, app):
    """Every test that stores a file runs on both stores (app/storage.py), as the relief evidence tests do."""
    app.config["FILE_STORAGE"] = request.param
    yield request.param
    app.config["FILE_STORAGE"] = "local"


@pytest.fixture
def draft():
    """A draft case of coop_officer's cooperative (COOP-CMI-01, province 50) with three debts and one plan."""
    case_id, plan_id = new_case()
    return db.session.get(DebtCase, case_id), plan_id


def signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def attach(client, case_id: int, content: bytes = SLIP, name: str = "สลิปเงินเดือน พ.ย.pdf",
           kind: str = "salary_slip", debt_id="") -> object:
    return client.post(f"/debt-cases/{case_id}/attachments", content_type="multipart/form-data",
                       data={"kind": kind, "debt_id": str(debt_id), "file": (io.BytesIO(content), name)})


def rows(case_id: int) -> list[DebtAttachment]:
    return list(db.session.scalars(select(DebtAttachment).where(DebtAttachment.case_id == case_id)
                                   .order_by(DebtAttachment.id)))


def audit_actions(case_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("debt_attachment.%"),
                                                            AuditEvent.object_id == str(case_id))
                                   .order_by(AuditEvent.id)))


def section(page: str) -> str:
    start = page.index('id="attachments"')
    return page[start:page.index("</section>", start)]


def stored_keys(app) -> set[str]:
    """Every attachment file in either store (the instance folder, the stored_files table)."""
    folder = Path(app.instance_path) / "debt-attachments"
    on_disk = {f"debt-attachments/{p.name}" for p in folder.glob("*")} if folder.is_dir() else set()
    in_db = set(db.session.scalars(select(StoredFile.key).where(StoredFile.key.like("debt-attachments/%"))))
    return on_disk | in_db


def test_a_pdf_and_a_png_are_attached_listed_and_audited(app, backend, draft):
    case, _plan = draft
    officer = signed_in(app, "coop_officer")
    second = case.debts[1]
    response = attach(officer, case.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/debt-cases/{case.id}#attachments")
    assert attach(officer, case.id, PNG, "statement.png", "creditor_statement", second.id).status_code == 302

    slip, statement = rows(case.id)
    assert (slip.kind, slip.content_type, slip.size, slip.debt_id) == ("salary_slip", "application/pdf", len(SLIP),
                                                                       None)
    assert (statement.kind, statement.content_type, statement.debt_id) == ("creditor_statement", "image/png", second.id)
    assert storage().read(slip.key) == SLIP and storage().read(statement.key) == PNG
    assert (db.session.get(StoredFile, slip.key) is not None) == (backend == "database")
    assert (Path(app.instance_path) / slip.key).is_file() == (backend == "local")

    listed = section(officer.get(f"/debt-cases/{case.id}").get_data(as_text=True))
    assert listed.count('data-testid="attachment"') == 2
    assert "สลิปเงินเดือน" in listed and "หนังสือรับรองยอดหนี้/รายการเดินบัญชีจากเจ้าหนี้" in listed
    assert f"หนี้รายการที่ 2 ({second.creditor_name})" in listed
    assert "สลิปเงินเดือน พ.ย.pdf" in listed and "statement.png" in listed
    assert "0.1 KB" in listed                                            # 35 bytes, rounded up
    assert slip.uploaded_by.full_name in listed
    assert re.search(r"25\d\d", listed)                                  # uploaded when, in the Buddhist Era
    assert "salary_slip" not in listed.split("<tbody>")[1].split("</tbody>")[0]   # labels, never codes

    events = audit_actions(case.id)
    assert [e.action for e in events] == ["debt_attachment.add", "debt_attachment.add"]
    assert events[0].after["sha256"] == slip.sha256 and events[0].after["filename"] == "สลิปเงินเดือน พ.ย.pdf"
    assert events[1].after["debt_id"] == second.id and events[0].org_path == case.org_path


def test_a_pdf_name_on_other_content_is_refused_and_nothing_is_stored(app, backend, draft):
    case, _plan = draft
    before = stored_keys(app)
    response = attach(signed_in(app, "coop_officer"), case.id, NOT_A_PDF, "slip.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = section(page)
    assert 'data-field="file"' in field and "ตรวจจากเนื้อไฟล์ ไม่ใช่ชื่อไฟล์" in field
    assert 'id="attachment-file"' in field and 'aria-invalid="true"' in field
    assert 'value="salary_slip" selected' in field                       # what was chosen is kept
    assert rows(case.id) == [] and audit_actions(case.id) == [] and stored_keys(app) == before


def test_a_file_above_the_limit_is_refused(app, draft):
    case, _plan = draft
    too_large = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)               # relief.evidence_max_mb: 10 MB
    response = attach(signed_in(app, "coop_officer"), case.id, too_large, "big.pdf")
    assert response.status_code == 422
    assert "ไฟล์มีขนาดเกิน 10 MB" in section(response.get_data(as_text=True))
    assert rows(case.id) == []


def test_no_file_a_kind_not_offered_and_another_case_s_debt_are_refused_by_field(app, draft):
    case, _plan = draft
    other_case_id, _other_plan = new_case()
    foreign_debt = db.session.get(DebtCase, other_case_id).debts[0].id
    officer = signed_in(app, "coop_officer")
    response = officer.post(f"/debt-cases/{case.id}/attachments", content_type="multipart/form-data",
                            data={"kind": "selfie", "debt_id": str(foreign_debt)})
    field = section(response.get_data(as_text=True))
    assert response.status_code == 422
    for name, message in (("kind", "กรุณาเลือกประเภทเอกสาร"), ("debt_id", "กรุณาเลือกหนี้รายการหนึ่งของกรณีนี้"),
                          ("file", "กรุณาเลือกไฟล์")):
        assert f'data-field="{name}"' in field and message in field, name
    assert rows(case.id) == []


def test_the_form_offers_every_kind_by_its_thai_label_and_every_debt(app, draft):
    case, _plan = draft
    form = section(signed_in(app, "coop_officer").get(f"/debt-cases/{case.id}").get_data(as_text=True))
    kinds = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', form)
    assert [code for code, _label in kinds] == list(ATTACHMENT_KINDS)
    assert dict(kinds) == {"salary_slip": "สลิปเงินเดือน",
                           "creditor_statement": "หนังสือรับรองยอดหนี้/รายการเดินบัญชีจากเจ้าหนี้",
                           "agreement": "สัญญา/บันทึกข้อตกลง", "other": "อื่น ๆ"}
    for n, debt in enumerate(case.debts, start=1):
        assert f'<option value="{debt.id}">หนี้รายการที่ {n} ({debt.creditor_name})</option>' in form
    for name in ("attachment-kind", "attachment-debt", "attachment-file"):
        assert f'<label class="form-label small" for="{name}">' in form         # visible labels
    assert f'action="/debt-cases/{case.id}/attachments#attachments"' in form  # a refusal opens at the form
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in form and 'enctype="multipart/form-data"' in form
    assert "table-responsive" not in form                                    # no table before the first file
    assert "ยังไม่มีเอกสารแนบ" in form


def test_the_in_scope_approver_downloads_the_same_bytes_after_submission(app, backend, draft):
    case, plan_id = draft
    assert attach(signed_in(app, "coop_officer"), case.id).status_code == 302
    act("coop_officer", case.id, "submit", plan_id=plan_id)
    row, = rows(case.id)

    approver = signed_in(app, "province_approver")                       # province 50, over COOP-CMI-01
    listed = section(approver.get(f"/debt-cases/{case.id}").get_data(as_text=True))
    assert f"/debt-cases/{case.id}/attachments/{row.id}" in listed
    assert 'data-testid="attachment-form"' not in listed and 'data-testid="attachment-delete"' not in listed
    response = approver.get(f"/debt-cases/{case.id}/attachments/{row.id}")
    assert response.status_code == 200 and response.data == SLIP
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "no-store" in response.headers["Cache-Control"]

    act("province_approver", case.id, "approve")                          # approved: kept, still readable
    assert approver.get(f"/debt-cases/{case.id}/attachments/{row.id}").data == SLIP


@pytest.mark.parametrize("username", ["coop_officer2", "south_officer"])
def test_users_outside_the_case_s_scope_get_404(app, draft, username):
    case, _plan = draft
    assert attach(signed_in(app, "coop_officer"), case.id).status_code == 302
    row, = rows(case.id)
    outsider = signed_in(app, username)
    assert outsider.get(f"/debt-cases/{case.id}/attachments/{row.id}").status_code == 404
    assert outsider.get(f"/debt-cases/{case.id}").status_code == 404
    if username == "coop_officer2":                                       # may attach, but not to this case
        assert attach(outsider, case.id).status_code == 404
        assert outsider.post(f"/debt-cases/{case.id}/attachments/{row.id}/delete").status_code == 404
    else:                                                                 # a provincial officer attaches nothing
        assert attach(outsider, case.id).status_code == 403
    assert [r.id for r in rows(case.id)] == [row.id]
    with pytest.raises(NotFound):
        debt_attachments.attachments_of(user(username), case.id)
    assert debt_attachments.attachments_of(user("province_approver"), case.id) == [row]


def test_an_attachment_is_found_only_under_its_own_case(app, draft):
    case, _plan = draft
    other_id, _other_plan = new_case()
    officer = signed_in(app, "coop_officer")
    assert attach(officer, case.id).status_code == 302
    row, = rows(case.id)
    assert officer.get(f"/debt-cases/{other_id}/attachments/{row.id}").status_code == 404
    assert officer.post(f"/debt-cases/{other_id}/attachments/{row.id}/delete").status_code == 404
    assert rows(case.id) == [row]


def test_the_officer_removes_a_file_of_a_draft_and_the_removal_is_audited(app, backend, draft):
    case, _plan = draft
    officer = signed_in(app, "coop_officer")
    assert attach(officer, case.id).status_code == 302
    row, = rows(case.id)
    key, row_id = row.key, row.id
    listed = section(officer.get(f"/debt-cases/{case.id}").get_data(as_text=True))
    assert re.search(r'data-testid="attachment-delete"\s+data-confirm="ลบเอกสาร สลิปเงินเดือน พ.ย.pdf', listed)

    response = officer.post(f"/debt-cases/{case.id}/attachments/{row_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("#attachments")
    assert rows(case.id) == [] and not storage().exists(key)
    assert officer.get(f"/debt-cases/{case.id}/attachments/{row_id}").status_code == 404
    removed = audit_actions(case.id)[-1]
    assert removed.action == "debt_attachment.delete" and removed.after is None
    assert removed.before["id"] == row_id and removed.before["filename"] == "สลิปเงินเดือน พ.ย.pdf"


def test_after_submission_nothing_is_removed_or_added(app, backend, draft):
    case, plan_id = draft
    officer = signed_in(app, "coop_officer")
    assert attach(officer, case.id).status_code == 302
    row, = rows(case.id)
    act("coop_officer", case.id, "submit", plan_id=plan_id)

    response = officer.post(f"/debt-cases/{case.id}/attachments/{row.id}/delete", follow_redirects=True)
    assert "ร่างหรือถูกส่งกลับแก้ไข" in response.get_data(as_text=True)
    assert rows(case.id) == [row] and storage().read(row.key) == SLIP
    refused = attach(officer, case.id, PNG, "late.png")
    assert refused.status_code == 409 and "ร่างหรือถูกส่งกลับแก้ไข" in refused.get_data(as_text=True)
    assert len(rows(case.id)) == 1
    assert [e.action for e in audit_actions(case.id)] == ["debt_attachment.add"]
    listed = section(officer.get(f"/debt-cases/{case.id}").get_data(as_text=True))
    assert 'data-testid="attachment-delete"' not in listed and 'data-testid="attachment-form"' not in listed


def test_a_returned_case_takes_files_again(app, draft):
    case, plan_id = draft
    act("coop_officer", case.id, "submit", plan_id=plan_id)
    act("province_approver", case.id, "return", comment="ขอสลิปเงินเดือนล่าสุด")
    assert attach(signed_in(app, "coop_officer"), case.id).status_code == 302
    assert len(rows(case.id)) == 1
