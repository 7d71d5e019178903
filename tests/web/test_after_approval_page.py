"""The case page after approval (issue 19): the touched debts with their answers and payoffs, the forms that record
them (typed dates, the scan), what activation waits for, activation and revision from the page, versions."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import CreditorResponse, DebtCase, DebtPayoff
from tests.helpers import PDF, PNG, approved_through_api


def approved_case(api):
    """Consolidates the first two debts, reschedules the third; approved by the province. (case id, debt ids)."""
    _officer, url, ids, _plan = approved_through_api(api)
    return int(url.rsplit("/", 1)[1]), ids


def answer(client, case_id, **fields):
    data = {"response": "accepted", "responded_on": "20/11/2569", "reference": "", **fields}
    return client.post(f"/debt-cases/{case_id}/creditor-answers", data=data, content_type="multipart/form-data")


def test_the_section_lists_touched_debts_and_what_activation_waits_for(api, as_user):
    approved_case(api)  # an earlier case, so that this one's debt ids are not 1, 2, 3
    case_id, ids = approved_case(api)
    assert ids != [1, 2, 3]
    page = as_user("coop_officer").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="after-approval"' in page and 'data-testid="plan-version"' in page
    for debt_id in ids:
        assert f'data-testid="aa-debt-{debt_id}"' in page
    checklist = page[page.index('data-testid="aa-checklist"'):page.index('data-testid="aa-debts"')]
    assert checklist.count("<li>") == 3
    # numbered 1..n in the case's order, as the rest of the page numbers them, not by database id
    lines = re.findall(r"<li>☐\s*หนี้ (\d+) \(", checklist)
    assert lines == ["1", "2", "3"]
    table = page[page.index('data-testid="aa-debts"'):page.index('data-testid="answer-form"')]
    assert re.findall(r'data-testid="aa-debt-\d+">\s*<td>(\d+)</td>', table) == ["1", "2", "3"]
    assert 'data-testid="answer-form"' in page and 'data-testid="activate-form"' in page
    assert 'data-testid="revise-form"' in page
    # approved: no plan simulator, and activation is not a bare button of the workflow form
    assert 'data-testid="plan-form"' not in page and 'data-testid="transition-form"' not in page
    # the debt select offers only the touched debts
    form = page[page.index('data-testid="answer-form"'):page.index('data-testid="payoff-form"')]
    assert form.count("data-how=") == 3


def test_only_the_cooperative_officer_sees_the_forms_and_scope_holds(api, as_user, client):
    case_id, ids = approved_case(api)
    page = as_user("province_approver").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="aa-debts"' in page and 'data-testid="answer-form"' not in page
    assert 'data-testid="payoff-form"' not in page
    response = answer(client, case_id, debt_id=str(ids[2]))
    assert response.status_code == 403
    client.post("/logout")
    other = as_user("coop_officer2")
    assert other.get(f"/debt-cases/{case_id}").status_code == 404
    assert answer(other, case_id, debt_id=str(ids[2])).status_code == 404


def test_a_refused_answer_keeps_what_was_typed_with_field_messages(api, as_user):
    case_id, ids = approved_case(api)
    client = as_user("coop_officer")
    response = answer(client, case_id, debt_id=str(ids[0]), responded_on="31/02/2569", reference="กค 0401/77",
                      payoff_amount="หนึ่งล้าน", comment="ตอบทางไปรษณีย์")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="responded_on"' in page
    assert 'value="31/02/2569"' in page and 'value="กค 0401/77"' in page and "ตอบทางไปรษณีย์" in page
    # the date now fine: the service's own field errors, the rest still as typed
    response = answer(client, case_id, debt_id=str(ids[0]), payoff_amount="หนึ่งล้าน", reference="กค 0401/77")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="payoff_amount"' in page and 'data-field="payoff_valid_until"' in page
    assert 'value="หนึ่งล้าน"' in page and 'value="20/11/2569"' in page
    assert db.session.scalar(select(CreditorResponse.id)) is None
    # a debt the plan does not touch, a response that is none
    response = answer(client, case_id, debt_id="999999", response="maybe")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-field="debt_id"' in page and 'data-field="response"' in page


def test_answers_with_a_scan_payoffs_and_activation_from_the_page(api, as_user, client):
    case_id, ids = approved_case(api)
    client = as_user("coop_officer")
    first = client.post(f"/debt-cases/{case_id}/creditor-answers", content_type="multipart/form-data", data={
        "debt_id": str(ids[0]), "response": "accepted", "responded_on": "20/11/2569", "reference": "สอ 12/2569",
        "payoff_amount": "1450000.00", "payoff_valid_until": "31/01/2570",
        "scan": (io.BytesIO(PDF), "หนังสือตอบ.pdf")})
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    row = db.session.scalar(select(CreditorResponse).where(CreditorResponse.debt_id == ids[0]))
    assert row.payoff_valid_until.isoformat() == "2027-01-31" and row.scan_filename == "หนังสือตอบ.pdf"
    assert answer(client, case_id, debt_id=str(ids[1]), payoff_amount="600000.00",
                  payoff_valid_until="31/01/2570").status_code == 302
    assert answer(client, case_id, debt_id=str(ids[2])).status_code == 302
    page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert f'data-testid="aa-scan-{row.id}"' in page and "31/01/2570" in page
    # the scan comes back as uploaded; not a file of someone else's case
    scan = client.get(f"/debt-cases/{case_id}/creditor-answers/{row.id}/scan")
    assert scan.status_code == 200 and scan.data == PDF and scan.mimetype == "application/pdf"
    # activation refused while the consolidated debts are unpaid: the page says which
    refused = client.post(f"/debt-cases/{case_id}/transitions", data={
        "action": "activate", "version": str(db.session.get(DebtCase, case_id).version),
        "agreement_signed_on": "25/11/2569", "first_due_month": "01/2570"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'data-testid="activation-refused"' in page
    refusal = page[page.index('data-testid="activation-refused"'):]
    refusal = refusal[:refusal.index("</div>")]
    assert str(ids[0]) in refusal and str(ids[1]) in refusal
    assert 'value="25/11/2569"' in page and 'value="01/2570"' in page
    # the payoff form is prefilled with the accepted amount
    assert 'value="1450000.00"' in page[page.index('data-testid="payoff-form"'):]
    bad = client.post(f"/debt-cases/{case_id}/payoffs", data={"debt_id": str(ids[0]), "amount": "1450100.00",
                                                               "paid_on": "24/11/2569"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-field="difference_reason"' in page and 'value="1450100.00"' in page
    assert client.post(f"/debt-cases/{case_id}/payoffs", data={
        "debt_id": str(ids[0]), "amount": "1450100.00", "paid_on": "24/11/2569",
        "difference_reason": "ดอกเบี้ยเพิ่ม 2 วัน"}).status_code == 302
    assert client.post(f"/debt-cases/{case_id}/payoffs", data={
        "debt_id": str(ids[1]), "amount": "600000.00", "paid_on": "24/11/2569"}).status_code == 302
    assert db.session.scalar(select(DebtPayoff.paid_on).where(DebtPayoff.debt_id == ids[1])).isoformat() == "2026-11-24"
    page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="aa-ready"' in page
    # a month that is no month: 422 on the field, what was typed stays
    bad = client.post(f"/debt-cases/{case_id}/transitions", data={
        "action": "activate", "version": str(db.session.get(DebtCase, case_id).version),
        "agreement_signed_on": "25/11/2569", "first_due_month": "13/2570"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-field="first_due_month"' in page and 'value="13/2570"' in page
    done = client.post(f"/debt-cases/{case_id}/transitions", data={
        "action": "activate", "version": str(db.session.get(DebtCase, case_id).version),
        "agreement_signed_on": "25/11/2569", "first_due_month": "01/2570"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    case = db.session.get(DebtCase, case_id)
    assert case.status == "active" and case.agreement_signed_on.isoformat() == "2026-11-25"
    assert case.first_due_month.isoformat() == "2027-01-01"
    page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="answer-form"' not in page and 'data-testid="revise-form"' in page


def test_a_bad_scan_is_a_field_error(api, as_user):
    case_id, ids = approved_case(api)
    client = as_user("coop_officer")
    response = client.post(f"/debt-cases/{case_id}/creditor-answers", content_type="multipart/form-data", data={
        "debt_id": str(ids[2]), "response": "accepted", "responded_on": "20/11/2569",
        "scan": (io.BytesIO(b"MZ not a scan"), "answer.exe")})
    assert response.status_code == 422 and 'data-field="scan"' in response.get_data(as_text=True)
    # PNG is fine
    response = client.post(f"/debt-cases/{case_id}/creditor-answers", content_type="multipart/form-data", data={
        "debt_id": str(ids[2]), "response": "accepted", "responded_on": "20/11/2569",
        "scan": (io.BytesIO(PNG), "answer.png")})
    assert response.status_code == 302
    row = db.session.scalar(select(CreditorResponse))
    assert client.get(f"/debt-cases/{case_id}/creditor-answers/{row.id}/scan").mimetype == "image/png"
    assert client.get(f"/debt-cases/{case_id}/creditor-answers/{row.id + 999}/scan").status_code == 404


def test_revise_needs_confirmation_and_keeps_the_earlier_version(api, as_user):
    case_id, ids = approved_case(api)
    client = as_user("coop_officer")
    assert client.post(f"/debt-cases/{case_id}/creditor-answers", content_type="multipart/form-data", data={
        "debt_id": str(ids[2]), "response": "counter_offer", "responded_on": "20/11/2569",
        "counter_annual_rate": "6.50", "counter_term_months": "72"}).status_code == 302
    version = str(db.session.get(DebtCase, case_id).version)
    unconfirmed = client.post(f"/debt-cases/{case_id}/transitions", data={
        "action": "revise", "version": version, "comment": "เจ้าหนี้เสนอเงื่อนไขใหม่"})
    page = unconfirmed.get_data(as_text=True)
    assert unconfirmed.status_code == 422 and 'data-field="confirm"' in page and "เจ้าหนี้เสนอเงื่อนไขใหม่" in page
    assert db.session.get(DebtCase, case_id).status == "approved"
    revised = client.post(f"/debt-cases/{case_id}/transitions", data={
        "action": "revise", "version": version, "comment": "เจ้าหนี้เสนอเงื่อนไขใหม่", "confirm": "y"})
    assert revised.status_code == 302, revised.get_data(as_text=True)[:3000]
    case = db.session.get(DebtCase, case_id)
    assert case.status == "draft" and case.plan_version == 2
    page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    # history: the version-1 snapshot and its answer; the plan form is back for the new version
    assert 'data-testid="aa-versions"' in page and 'data-testid="aa-earlier-answers"' in page
    assert "6.50" in page[page.index('data-testid="aa-earlier-answers"'):]
    assert 'data-testid="answer-form"' not in page and 'data-testid="plan-form"' in page


def test_the_forms_carry_csrf_tokens(api, as_user, app):
    case_id, _ids = approved_case(api)
    page = as_user("coop_officer").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    for testid in ("answer-form", "activate-form", "revise-form"):
        form = page[page.index(f'data-testid="{testid}"'):]
        assert 'name="csrf_token"' in form[:form.index("</form>")], testid
