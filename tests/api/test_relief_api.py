"""Relief cases through the API: entitlements before and after a rule change, heirs' shares, evidence,
the workflow, continuation checks and payments that never exceed what was approved."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import EntitlementRule, User
from app.services import relief_rules
from tests.helpers import PDF, PNG, death_case, upload, verified_case


def amounts(case):
    return {e["rule"]["code"]: Decimal(e["amount"]) for e in case["entitlements"]}


def test_a_death_case_gets_remedy_net_welfare_stipends_and_scholarships(api):
    response = api("south_officer").post("/api/v1/relief-cases", json=death_case())
    assert response.status_code == 201, response.json
    case = response.json
    got = amounts(case)
    assert got["sbpac.remedy.death"] == Decimal("500000.00")
    assert got["moe.welfare.death"] == Decimal("3500000.00")  # 4,000,000 net of the 500,000 remedy
    assert "sbpac.immediate.death" not in got  # a civil-servant teacher is a state official
    welfare = next(e for e in case["entitlements"] if e["rule"]["code"] == "moe.welfare.death")
    # 3,500,000 / 3 = 1,166,666.66 with 0.02 left over, named on the spouse
    assert [s["amount"] for s in welfare["beneficiary_shares"]] == ["1166666.68", "1166666.66", "1166666.66"]
    assert welfare["beneficiary_shares"][0]["remainder"] is True
    scholarship = next(e for e in case["entitlements"] if e["rule"]["code"] == "moe.scholarship")
    assert sum(Decimal(i["amount"]) for i in scholarship["schedule"]) == Decimal(scholarship["amount"])
    assert case["evidence_required"] == ["death_certificate", "police_report", "claimant_id"]
    assert case["beneficiaries"][0]["bank_account"] == "xxxxxx7890"


def test_a_disability_case(api):
    body = death_case(victim__harm="permanent_disability", beneficiaries=[])
    got = amounts(api("south_officer").post("/api/v1/relief-cases", json=body).json)
    assert got == {"sbpac.remedy.disability": Decimal("500000.00"), "sbpac.rehabilitation": Decimal("200000.00")}


def test_property_damage_has_no_seeded_amount_until_an_administrator_adds_one(api):
    body = death_case(victim__harm="property_damage", beneficiaries=[])
    case = api("south_officer").post("/api/v1/relief-cases", json=body).json
    assert case["entitlements"] == [] and [n["reason"] for n in case["entitlement_notes"]] == ["no_rule"]
    db.session.add(EntitlementRule(code="sbpac.property", programme="sbpac", kind="compensation", title="ทดสอบ",
                                   harms=["property_damage"], employment_types=None, recipient="victim",
                                   amount=Decimal("30000"), effective_from=date(2004, 1, 1), source="test"))
    db.session.commit()
    body["victim"] = {**body["victim"], "citizen_id": "3100100123451"}
    got = amounts(api("south_officer").post("/api/v1/relief-cases", json=body).json)
    assert got == {"sbpac.property": Decimal("30000.00")}


def test_a_rule_change_applies_by_incident_date_and_never_to_existing_cases(api):
    officer = api("south_officer")
    before = officer.post("/api/v1/relief-cases", json=death_case()).json
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    rule = db.session.scalar(select(EntitlementRule).where(EntitlementRule.code == "sbpac.remedy.death"))
    relief_rules.new_version(admin, rule.id, amount="700000", rates=None, effective_from=date(2025, 1, 1),
                             source="มติคณะรัฐมนตรี (ทดสอบ)")
    spouse = {**death_case()["beneficiaries"][0], "citizen_id": "9499900123450"}
    early = officer.post("/api/v1/relief-cases", json=death_case(
        incident__date="2024-12-31", victim__citizen_id="3199900123453", beneficiaries=[spouse])).json
    late = officer.post("/api/v1/relief-cases", json=death_case(
        incident__date="2025-01-01", victim__citizen_id="5299900123459", beneficiaries=[spouse])).json
    assert amounts(early)["sbpac.remedy.death"] == Decimal("500000.00")
    assert amounts(late)["sbpac.remedy.death"] == Decimal("700000.00")
    assert amounts(late)["moe.welfare.death"] == Decimal("3300000.00")
    again = officer.get(f"/api/v1/relief-cases/{before['id']}").json
    assert amounts(again)["sbpac.remedy.death"] == Decimal("500000.00")  # the stored entitlement stands


def test_incidents_outside_the_covered_area_are_422(api):
    officer = api("south_officer")
    bangkok = officer.post("/api/v1/relief-cases", json=death_case(incident__province_code="10"))
    assert bangkok.status_code == 422 and "incident.province_code" in bangkok.json["error"]["fields"]
    hat_yai = officer.post("/api/v1/relief-cases", json=death_case(incident__province_code="90",
                                                                   incident__district="หาดใหญ่"))
    assert hat_yai.status_code == 422
    # Chana in Songkhla is covered, but outside the Pattani officer's area
    chana = officer.post("/api/v1/relief-cases", json=death_case(incident__province_code="90", incident__district="จะนะ"))
    assert chana.status_code == 422 and "นอกพื้นที่" in chana.json["error"]["fields"]["incident.province_code"]


def test_bad_input_lists_every_field(api):
    body = death_case(incident__date="2999-01-01", victim__citizen_id="123", victim__harm="bored",
                      split_method="lottery")
    response = api("south_officer").post("/api/v1/relief-cases", json=body)
    fields = response.json["error"]["fields"]
    assert response.status_code == 422
    assert {"incident.date", "victim.citizen_id", "victim.harm", "split_method"} <= set(fields)
    assert api("coop_officer").post("/api/v1/relief-cases", json=death_case()).status_code == 403


def test_evidence_is_checked_by_content_and_blocks_verification(api):
    officer = api("south_officer")
    case = officer.post("/api/v1/relief-cases", json=death_case()).json
    url = f"/api/v1/relief-cases/{case['id']}"
    blocked = officer.post(url + "/transitions", json={"action": "verify"})
    assert blocked.status_code == 422
    # the kinds by their names, not their codes (issue 21, 2)
    message = blocked.json["error"]["message"]
    assert ("ใบมรณบัตร" in message or "Death certificate" in message) and "death_certificate" not in message
    assert ("บันทึกประจำวันตำรวจ" in message or "Police report" in message) and "police_report" not in message
    fake = upload(officer, case["id"], "death_certificate", b"MZ\x90 not a pdf", "cert.pdf")
    assert fake.status_code == 422 and "file" in fake.json["error"]["fields"]
    for kind in ("death_certificate", "police_report"):
        assert upload(officer, case["id"], kind).status_code == 201
    assert upload(officer, case["id"], "claimant_id", PNG, "id.png").status_code == 201
    body = officer.get(url).json
    assert body["evidence_required"] == [] and len(body["evidence"]) == 3
    evidence_id = body["evidence"][0]["id"]
    assert officer.get(f"{url}/evidence/{evidence_id}").data == PDF
    assert api("province_officer").get(f"{url}/evidence/{evidence_id}").status_code == 404  # Chiang Mai
    assert officer.post(url + "/transitions", json={"action": "verify"}).json["status"] == "verified"


def test_approval_needs_a_resolution_number_and_freezes_the_entitlements(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    approver = api("south_approver")
    missing = approver.post(url + "/transitions", json={"action": "approve"})
    assert missing.status_code == 422 and "resolution_no" in missing.json["error"]["fields"]
    assert officer.post(url + "/transitions", json={"action": "approve", "resolution_no": "1/2567"}).status_code == 403
    done = approver.post(url + "/transitions", json={"action": "approve", "resolution_no": "คกก. 3/2567"})
    assert done.status_code == 200 and done.json["status"] == "approved"
    history = approver.get(url + "/history").json
    assert [h["action"] for h in history["items"]] == ["verify", "approve"]
    assert history["items"][1]["resolution_no"] == "คกก. 3/2567" and len(history["snapshot_sha256"]) == 64


def test_payments_never_exceed_what_is_approved(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    remedy = next(e for e in case["entitlements"] if e["rule"]["code"] == "sbpac.remedy.death")
    early = officer.post(url + "/payments", json={"entitlement_id": remedy["id"], "amount": "1000.00",
                                                 "paid_on": "2024-07-01", "reference": "PV-1"})
    assert early.status_code == 409  # not approved yet
    api("south_approver").post(url + "/transitions", json={"action": "approve", "resolution_no": "3/2567"})
    first = officer.post(url + "/payments", json={"entitlement_id": remedy["id"], "amount": "300000.00",
                                                 "paid_on": "2024-08-01", "reference": "PV-2567/001"})
    assert first.status_code == 201 and first.json["round"] == 1
    assert officer.get(url).json["status"] == "paying"
    too_much = officer.post(url + "/payments", json={"entitlement_id": remedy["id"], "amount": "200000.01",
                                                    "paid_on": "2024-09-01", "reference": "PV-2567/002"})
    assert too_much.status_code == 422 and "200,000.00" in too_much.json["error"]["fields"]["amount"]
    assert "200,000.00" in too_much.json["error"]["message"]
    rest = officer.post(url + "/payments", json={"entitlement_id": remedy["id"], "amount": "200000.00",
                                                "paid_on": "2024-09-01", "reference": "PV-2567/002"})
    assert rest.status_code == 201 and rest.json["round"] == 2
    paid = next(e for e in officer.get(url).json["entitlements"] if e["id"] == remedy["id"])["paid"]
    assert paid == "500000.00"


def test_a_scholarship_year_is_paid_only_after_its_continuation_check(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    api("south_approver").post(url + "/transitions", json={"action": "approve", "resolution_no": "3/2567"})
    scholarship = next(e for e in case["entitlements"] if e["rule"]["code"] == "moe.scholarship")
    item = scholarship["schedule"][0]
    from app.models import Person

    child = db.session.scalar(select(Person).where(Person.citizen_id == item["citizen_id"]))
    payment = {"entitlement_id": scholarship["id"], "amount": item["amount"], "paid_on": "2024-07-01",
               "reference": "SCH-1", "person_id": child.id, "period": item["period"]}
    refused = officer.post(url + "/payments", json=payment)
    assert refused.status_code == 422 and "period" in refused.json["error"]["fields"]
    check = officer.post(url + "/continuations", json={"entitlement_id": scholarship["id"], "citizen_id": child.citizen_id,
                                                      "period": item["period"], "enrolled": True})
    assert check.status_code == 201
    assert officer.post(url + "/payments", json=payment).status_code == 201
    assert officer.post(url + "/payments", json=payment).status_code == 422  # that year is fully paid


def test_a_returned_case_is_corrected_and_its_entitlements_recomputed(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    api("south_approver").post(url + "/transitions", json={"action": "return", "comment": "วันเกิดเหตุไม่ตรงบันทึกตำรวจ"})
    current = officer.get(url).json
    assert current["status"] == "returned"
    body = death_case(victim__harm="permanent_disability", beneficiaries=[], incident__date="2024-06-15")
    stale = officer.patch(url, json={**body, "version": current["version"] - 1})
    assert stale.status_code == 409
    fixed = officer.patch(url, json={**body, "version": current["version"]})
    assert fixed.status_code == 200, fixed.json
    assert fixed.json["version"] == current["version"] + 1
    assert amounts(fixed.json) == {"sbpac.remedy.disability": Decimal("500000.00"),
                                   "sbpac.rehabilitation": Decimal("200000.00")}
    assert fixed.json["incident"]["date"] == "2024-06-15"
    moved = officer.patch(url, json={**body, "incident": {**body["incident"], "province_code": "95"},
                                     "version": fixed.json["version"]})
    assert moved.status_code == 422
    api("south_officer").post(url + "/transitions", json={"action": "verify"})
    assert officer.patch(url, json={**body, "version": fixed.json["version"] + 1}).status_code == 409  # verified


def test_enrolment_cannot_be_proved_for_a_year_that_has_not_begun(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    api("south_approver").post(url + "/transitions", json={"action": "approve", "resolution_no": "3/2567"})
    scholarship = next(e for e in case["entitlements"] if e["rule"]["code"] == "moe.scholarship")
    future = scholarship["schedule"][-1]
    response = officer.post(url + "/continuations", json={"entitlement_id": scholarship["id"],
                                                         "citizen_id": future["citizen_id"], "period": future["period"]})
    assert response.status_code == 422 and "period" in response.json["error"]["fields"]


def test_a_rejected_case_takes_no_more_evidence(api):
    officer, case = verified_case(api)
    url = f"/api/v1/relief-cases/{case['id']}"
    api("south_approver").post(url + "/transitions", json={"action": "reject", "comment": "ไม่เข้าหลักเกณฑ์"})
    assert upload(officer, case["id"], "other").status_code == 409
