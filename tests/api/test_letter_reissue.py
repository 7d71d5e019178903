"""A number is never used up by a double click, and a case offers only the letters its state allows (issue 18, items 6
and 7; api-v1.md, "Letters": issuing a kind that already exists for the same case needs "reissue_reason", without it
409 naming the existing letter)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Letter
from app.services import letter_batches
from tests.factories import user
from tests.helpers import death_case, verified_case


def _letters_of(case_id: int, kind: str) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.case_id == case_id, Letter.kind == kind)))


def test_a_second_issue_without_a_reason_is_409_naming_the_first_and_takes_no_number(api, decided):
    debt, _ = decided
    officer = api("province_officer")
    url = f"/api/v1/debt-cases/{debt.id}/letters"
    first = officer.post(url, json={"kind": "approval_notice"})
    assert first.status_code == 201, first.json
    again = officer.post(url, json={"kind": "approval_notice"})
    assert again.status_code == 409
    error = again.json["error"]
    assert error["existing_letter"] == {"id": first.json["id"], "number": first.json["number"],
                                        "issued_on": first.json["issued_on"]}
    assert first.json["number"] in error["message"] and "reissue_reason" in error["fields"]
    assert len(_letters_of(debt.id, "approval_notice")) == 1

    blank = officer.post(url, json={"kind": "approval_notice", "reissue_reason": "   "})
    assert blank.status_code == 409  # a reason of spaces is no reason
    second = officer.post(url, json={"kind": "approval_notice", "reissue_reason": "ที่อยู่ผู้กู้เปลี่ยน"})
    assert second.status_code == 201
    # the refusals used up no number: the new letter is the very next one of the office
    first_no, second_no = (db.session.get(Letter, r.json["id"]).number for r in (first, second))
    assert second_no == first_no + 1
    stored = db.session.get(Letter, second.json["id"])
    assert stored.payload["letter"]["reissue_reason"] == "ที่อยู่ผู้กู้เปลี่ยน"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.issue",
                                                       AuditEvent.object_id == str(stored.id)))
    assert event.after["reissue_reason"] == "ที่อยู่ผู้กู้เปลี่ยน"


def test_the_reprint_is_the_same_number_and_the_same_bytes(api, decided):
    debt, _ = decided
    officer = api("province_officer")
    letter = officer.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "deduction_notice"}).json
    one, two = (officer.get(f"/api/v1/letters/{letter['id']}.pdf").data for _ in range(2))
    assert one == two and one.startswith(b"%PDF")


def test_the_case_page_offers_the_reprint_and_a_new_letter_only_with_a_reason(api, as_user, decided):
    debt, _ = decided
    letter = api("province_officer").post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "schedule"}).json
    client = as_user("province_officer")
    page = client.get(f"/debt-cases/{debt.id}").get_data(as_text=True)
    assert f'href="/letters/{letter["id"]}.pdf"' in page and 'data-testid="reprint-schedule"' in page
    assert 'data-testid="reissue-schedule"' in page and 'data-testid="issue-schedule"' not in page
    assert 'data-testid="issue-approval_notice"' in page  # not yet issued: a plain button
    refused = client.post("/letters/issue", data={"case_type": "debt", "case_id": debt.id, "kind": "schedule"})
    assert refused.status_code == 302 and len(_letters_of(debt.id, "schedule")) == 1
    client.post("/letters/issue", data={"case_type": "debt", "case_id": debt.id, "kind": "schedule",
                                        "reissue_reason": "แนบสัญญาฉบับใหม่"})
    assert len(_letters_of(debt.id, "schedule")) == 2


def test_an_unapproved_relief_case_offers_no_decision_letter_and_each_says_why(api, as_user):
    _officer, case = verified_case(api)
    page = as_user("south_officer").get(f"/relief-cases/{case['id']}").get_data(as_text=True)
    for kind in ("decision_notice", "payment_memo", "scholarship_continuation"):
        assert f'data-testid="issue-{kind}"' not in page
    assert 'data-testid="letters-waiting"' in page
    reasons = {}
    for kind in ("decision_notice", "payment_memo", "scholarship_continuation"):
        response = api("south_officer").post(f"/api/v1/relief-cases/{case['id']}/letters", json={"kind": kind})
        assert response.status_code == 409
        reasons[kind] = response.json["error"]["message"]
        assert reasons[kind] in page  # the page gives the same reason as the refusal
    assert len(set(reasons.values())) == 3  # each refusal its own reason


def test_a_continuation_notice_needs_a_scholarship_to_continue(api):
    officer = api("south_officer")
    body = death_case()
    for heir in body["beneficiaries"]:  # adults only: no scholarship, no stipend
        heir["relationship"], heir["birth_date"], heir["education_level"] = "spouse", "1970-01-01", None
    body["beneficiaries"] = body["beneficiaries"][:1]
    case = officer.post("/api/v1/relief-cases", json=body)
    assert case.status_code == 201, case.json
    case_id = case.json["id"]
    for kind in ("death_certificate", "police_report", "claimant_id", "marriage_certificate"):
        from tests.helpers import upload
        upload(officer, case_id, kind)
    officer.post(f"/api/v1/relief-cases/{case_id}/transitions", json={"action": "verify"})
    approved = api("south_approver").post(f"/api/v1/relief-cases/{case_id}/transitions",
                                          json={"action": "approve", "resolution_no": "1/2569"})
    assert approved.status_code == 200, approved.json
    refused = officer.post(f"/api/v1/relief-cases/{case_id}/letters", json={"kind": "scholarship_continuation"})
    assert refused.status_code == 409 and "scholarship" in refused.json["error"]["message"].lower() or \
        "ทุน" in refused.json["error"]["message"]


def test_a_batch_skips_cases_that_have_the_letter_unless_asked_with_a_reason(api, decided):
    debt, _ = decided
    api("province_officer").post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "approval_notice"})
    officer = user("province_officer")
    batch = letter_batches.create(officer, "approval_notice", [debt.id])  # runs at once (JOBS_IMMEDIATE)
    batch = letter_batches.get(officer, batch.id)
    skipped = batch.criteria["skipped"]
    assert [s["case_id"] for s in skipped] == [debt.id]
    person = debt.person
    assert skipped[0]["name"] == f"{person.title}{person.first_name} {person.last_name}"
    assert len(_letters_of(debt.id, "approval_notice")) == 1

    import pytest

    from app.services.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as refused:
        letter_batches.create(officer, "approval_notice", [debt.id], include_existing=True)
    assert "reissue_reason" in refused.value.fields
    db.session.rollback()
    letter_batches.create(officer, "approval_notice", [debt.id], include_existing=True,
                          reissue_reason="พิมพ์ใหม่ทั้งเดือน")
    issued = _letters_of(debt.id, "approval_notice")
    assert len(issued) == 2 and issued[-1].payload["letter"]["reissue_reason"] == "พิมพ์ใหม่ทั้งเดือน"
