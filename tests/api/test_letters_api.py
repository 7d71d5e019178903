"""The letter endpoints of api-v1.md."""
from sqlalchemy import select

from app.models import Letter
from app.extensions import db
from tests.pdf.helpers import norm, pdf_text
from tests.factories import new_case


def test_issue_then_fetch_the_pdf(api, decided):
    debt, relief = decided
    response = api("province_officer").post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "approval_notice"})
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= {"id", "kind", "number", "issued_on", "pdf_url", "verify_url"}
    assert body["kind"] == "approval_notice" and body["number"] == db.session.get(Letter, body["id"]).number_text
    pdf = api("province_officer").get(f"/api/v1/letters/{body['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert norm(body["number"]) in pdf_text(pdf.data)
    assert api("province_officer").get(f"/api/v1/debt-cases/{debt.id}/letters").json["items"][0]["id"] == body["id"]
    relief_letter = api("south_officer").post(f"/api/v1/relief-cases/{relief.id}/letters", json={"kind": "decision_notice"})
    assert relief_letter.status_code == 201


def test_decision_letters_are_409_before_approval(api):
    case_id, _plan = new_case()
    response = api("province_officer").post(f"/api/v1/debt-cases/{case_id}/letters", json={"kind": "approval_notice"})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    summary = api("coop_officer").post(f"/api/v1/debt-cases/{case_id}/letters", json={"kind": "case_summary"})
    assert summary.status_code == 201


def test_bad_requests_name_the_field(api, decided):
    debt, _ = decided
    client = api("coop_officer")
    unknown = client.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "poem"})
    assert unknown.status_code == 422 and "kind" in unknown.json["error"]["fields"]
    no_debt = client.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "creditor_request"})
    assert no_debt.status_code == 422 and "debt_id" in no_debt.json["error"]["fields"]
    ok = client.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "creditor_request",
                                                                     "debt_id": debt.debts[1].id})
    assert ok.status_code == 201
    assert client.post(f"/api/v1/debt-cases/{debt.id}/letters", data="{").status_code == 400
    assert client.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "approval_notice"}).status_code == 403
    assert api("coop_officer2").post(f"/api/v1/debt-cases/{debt.id}/letters",
                                     json={"kind": "case_summary"}).status_code == 404
    assert api("ministry_viewer").post(f"/api/v1/debt-cases/{debt.id}/letters",
                                       json={"kind": "case_summary"}).status_code == 403
    assert db.session.scalar(select(Letter.id).where(Letter.kind == "case_summary")) is None
