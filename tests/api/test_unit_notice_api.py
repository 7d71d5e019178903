"""The paying unit's monthly deduction notice through the API (issue 19): POST /api/v1/deduction-lists/notices,
issued from a real active case's deduction list; reissue, scope and input."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.domain.money import format_money
from app.domain.thai_id import format_citizen_id
from app.extensions import db
from app.models import AuditEvent, Letter
from app.services import deduction_lists
from tests.factories import user
from tests.helpers import activate_through_api, approved_through_api, settle_through_api
from tests.pdf.helpers import norm, pdf_text

URL = "/api/v1/deduction-lists/notices"
UNIT = "AREA-CMI-01"


def active_case(api):
    """A case paid by the Chiang Mai area office: two debts consolidated, the third rescheduled, active from
    January 2570 (2027)."""
    officer, url, ids, _plan = approved_through_api(api, paying_unit_code=UNIT)
    settle_through_api(officer, url, ids, ids[:2])
    return activate_through_api(officer, url, "2027-01")


def test_issue_the_notice_of_a_unit_and_month(api):
    case = active_case(api)
    officer = api("province_officer")
    issued = officer.post(URL, json={"paying_unit_code": UNIT, "month": "2027-01"})
    assert issued.status_code == 201, issued.json
    body = issued.json
    assert {"id", "kind", "number", "issued_on", "pdf_url", "verify_url"} <= set(body)
    assert body["kind"] == "deduction_list_notice" and body["case_type"] == "deduction_list"
    assert issued.headers["Location"].endswith(f"/api/v1/letters/{body['id']}")
    # what the letter lists is the month's deduction list of the unit, read independently here
    listed = list(deduction_lists.items(user("province_officer"), deduction_lists.parse_month("2027-01"), UNIT))
    mine = [item for item in listed if item.case_id == case["id"]]
    assert len(mine) == 1 and mine[0].change == "new" and mine[0].lines
    pdf = officer.get(f"/api/v1/letters/{body['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    total = Decimal("0")
    for item in listed:
        assert norm(format_citizen_id(item.citizen_id)) in text
        for line in item.lines:
            assert norm(format_money(line.amount)) in text
        total += sum((line.amount for line in item.lines), Decimal("0"))
    letter = db.session.get(Letter, body["id"])
    assert letter.payload["data"]["total"] == f"{total:.2f}" and norm(format_money(total)) in text
    assert letter.payload["data"]["count"] == len(listed)
    used = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.letter_use",
                                                      AuditEvent.object_id == str(letter.id)))
    assert used is not None and used.after["people"] == len(listed)
    # the register lists it; the verify address answers without signing in
    assert officer.get(f"/api/v1/letters/{body['id']}").json["number"] == body["number"]


def test_reissue_needs_a_reason_and_the_409_names_the_letter(api):
    active_case(api)
    officer = api("province_officer")
    first = officer.post(URL, json={"paying_unit_code": UNIT, "month": "01/2570"}).json
    again = officer.post(URL, json={"paying_unit_code": UNIT, "month": "2027-01"})
    assert again.status_code == 409
    assert again.json["error"]["existing_letter"]["id"] == first["id"]
    assert first["number"] in again.json["error"]["message"]
    assert "reissue_reason" in again.json["error"]["fields"]
    reissued = api("province_approver").post(URL, json={"paying_unit_code": UNIT, "month": "2027-01",
                                                        "reissue_reason": "ยอดเงินแก้ไข"})
    assert reissued.status_code == 201 and reissued.json["number"] != first["number"]


def test_scope_role_and_input(api):
    active_case(api)
    assert api("south_officer").post(URL, json={"paying_unit_code": UNIT, "month": "2027-01"}).status_code == 404
    assert api("coop_officer").post(URL, json={"paying_unit_code": UNIT, "month": "2027-01"}).status_code == 404
    assert api("region_approver").post(URL, json={"paying_unit_code": UNIT, "month": "2027-01"}).status_code == 403
    officer = api("province_officer")
    bad = officer.post(URL, json={"paying_unit_code": UNIT, "month": "2027-13"})
    assert bad.status_code == 422 and list(bad.json["error"]["fields"]) == ["month"]
    for code in (None, "", 5, "COOP-CMI-01"):
        bad = officer.post(URL, json={"paying_unit_code": code, "month": "2027-01"})
        assert bad.status_code == 422 and list(bad.json["error"]["fields"]) == ["paying_unit_code"], code
    assert officer.post(URL, json=[]).status_code == 400
    # a month with nothing to deduct: no letter, no number used
    assert officer.post(URL, json={"paying_unit_code": UNIT, "month": "2026-06"}).status_code == 409
    assert db.session.scalar(select(Letter).where(Letter.kind == "deduction_list_notice")) is None
