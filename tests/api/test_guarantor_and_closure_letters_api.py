"""The v1.1 letter kinds through the API (api-v1.md, "After approval (debt cases, v1.1)": guarantor_notice with
`debt_id`, only for a debt 60 or more days overdue; closure_notice for closed cases) and in the OpenAPI document.

The case's first instalment is due in February 2027 (due day 28 February 2027, the month's last): with nothing
repaid it is 59 days overdue on 28 April 2027 and 60 on the 29th."""
from __future__ import annotations

from datetime import date


from app import programmes
from app.extensions import db
from app.models.guarantors import DebtGuarantor
from app.services import letter_kinds
from tests.helpers import at, active_case
from tests.pdf.helpers import norm, pdf_text




def test_a_guarantor_notice_is_409_at_59_days_and_201_at_60(api):
    _officer, url, ids, _plan = active_case(api)
    db.session.add(DebtGuarantor(debt_id=ids[1], position=0, citizen_id="3100100123451", title="นาย",
                                 first_name="ประเสริฐ", last_name="วงศ์สวัสดิ์"))
    db.session.flush()
    body = {"kind": "guarantor_notice", "debt_id": ids[1]}
    with at(date(2027, 4, 28)):
        early = api("coop_officer").post(url + "/letters", json=body)
    assert early.status_code == 409 and early.json["error"]["code"] == "conflict"
    assert "59" in early.json["error"]["message"]
    with at(date(2027, 4, 29)):
        client = api("coop_officer")
        issued = client.post(url + "/letters", json=body)
        assert issued.status_code == 201, issued.json
        assert issued.json["kind"] == "guarantor_notice"
        pdf = client.get(f"/api/v1/letters/{issued.json['id']}.pdf")
        assert pdf.status_code == 200 and norm("เรียนนายประเสริฐ วงศ์สวัสดิ์") in pdf_text(pdf.data)
        again = client.post(url + "/letters", json=body)
        assert again.status_code == 409 and again.json["error"]["existing_letter"]["id"] == issued.json["id"]
        nobody = client.post(url + "/letters", json={"kind": "guarantor_notice", "debt_id": ids[2]})
        assert nobody.status_code == 409  # overdue, but no one guarantees the KTB debt
        missing = client.post(url + "/letters", json={"kind": "guarantor_notice"})
        assert missing.status_code == 422 and "debt_id" in missing.json["error"]["fields"]
        province = api("province_officer").post(url + "/letters", json=body)
        assert province.status_code == 403  # the cooperative, creditor of the loan, notifies its guarantors


def test_a_closure_notice_is_409_for_a_case_that_is_not_closed(api):
    _officer, url, _ids, _plan = active_case(api)
    refused = api("coop_officer").post(url + "/letters", json={"kind": "closure_notice"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "conflict"


def test_the_openapi_document_lists_every_kind_a_case_takes(api):
    document = api("auditor").get("/api/v1/openapi.json").json
    operation = document["paths"]["/debt-cases/{case_id}/letters"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    expected = [k.name for p in ("debt", "relief") for k in letter_kinds.of_programme(p)]
    assert set(programmes.names()) == {"debt", "relief"}
    assert schema["properties"]["kind"]["enum"] == expected
    assert "guarantor_notice" in operation["description"] and "closure_notice" in operation["description"]
