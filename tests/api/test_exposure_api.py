"""GET /api/v1/people/{citizen_id}/exposure (api-v1.md v1.1 "Guarantor exposure"): the contract's shape with known
answers, scope, 404 for a malformed ID or nothing in scope, 403 for a role that may not view people, and the read
logged as a view of personal data."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.helpers import SPEC_CASE, citizen_id

G = {"citizen_id": "3100100123451", "title": "นาง", "first_name": "ซูไรดา", "last_name": "สาแม"}
URL = "/api/v1/people/{}/exposure"


def _case(officer, teacher_id, debts, **extra):
    body = copy.deepcopy({**SPEC_CASE, "debts": debts, **extra})
    body["teacher"]["citizen_id"] = teacher_id
    created = officer.post("/api/v1/debt-cases", json=body)
    assert created.status_code == 201, created.json
    return created.json


def _debt(outstanding, payment, guarantors=()):
    return {"creditor_name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "outstanding": outstanding,
            "annual_rate": "7.00", "monthly_payment": payment, "remaining_months": 48, "guarantors": list(guarantors)}


@pytest.fixture
def cases(api):
    cmi, kkn = api("coop_officer"), api("coop_officer2")
    first = _case(cmi, citizen_id(11), [_debt("120000.50", "3000.00", [G]), _debt("45000.00", "1200.00")])
    second = _case(cmi, citizen_id(12), [_debt("64000.25", "2000.00", [G])])
    far = _case(kkn, citizen_id(13), [_debt("70000.00", "2000.00", [G])], cooperative_code="COOP-KKN-01")
    own = _case(cmi, G["citizen_id"], [_debt("210000.00", "5000.00"), _debt("9000.10", "500.00")])
    return first, second, far, own


def test_the_contract_shape_with_known_answers(api, cases):
    first, second, _far, own = cases
    response = api("coop_officer").get(URL.format(G["citizen_id"]))
    assert response.status_code == 200, response.json
    assert response.json == {
        # her own case: both debts as entered (a draft), 210,000.00 + 9,000.10
        "as_debtor": [{"case_id": own["id"], "outstanding": "219000.10"}],
        "as_guarantor": [
            {"case_id": first["id"], "debt_id": first["debts"][0]["id"], "debtor_name": "นางสมศรี ใจดี",
             "outstanding": "120000.50", "bucket": None},
            {"case_id": second["id"], "debt_id": second["debts"][0]["id"], "debtor_name": "นางสมศรี ใจดี",
             "outstanding": "64000.25", "bucket": None}],
        "total_guaranteed": f"{Decimal('120000.50') + Decimal('64000.25'):.2f}",   # 184000.75
    }


def test_scope_applies_to_the_cases_listed(api, cases):
    _first, _second, far, _own = cases
    khon_kaen = api("coop_officer2").get(URL.format("3-1001-00123-45-1")).json   # dashes as on the card
    assert khon_kaen == {"as_debtor": [], "as_guarantor": [
        {"case_id": far["id"], "debt_id": far["debts"][0]["id"], "debtor_name": "นางสมศรี ใจดี",
         "outstanding": "70000.00", "bucket": None}], "total_guaranteed": "70000.00"}
    assert api("admin").get(URL.format(G["citizen_id"])).json["total_guaranteed"] == "254000.75"


@pytest.mark.parametrize("asked", ["3100100123452", "310010012345", "abc", "%20", "3100100123451x"])
def test_a_malformed_id_is_404(api, cases, asked):
    response = api("admin").get(URL.format(asked))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_nothing_in_scope_is_404_as_if_unknown(api, cases):
    # the teacher of the Khon Kaen case, asked by the Chiang Mai cooperative; and a valid ID no one has heard of
    for asked in (citizen_id(13), citizen_id(99)):
        response = api("coop_officer").get(URL.format(asked))
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_roles_and_tokens(api, client, cases):
    assert api("ministry_viewer").get(URL.format(G["citizen_id"])).status_code == 403
    assert client.get(URL.format(G["citizen_id"])).status_code == 401


def test_each_read_is_logged(api, cases):
    api("province_officer").get(URL.format(G["citizen_id"]))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.view")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.actor_username == "province_officer"
    assert event.after == {"exposure": G["citizen_id"], "as_debtor": 1, "as_guarantor": 2}


def test_the_openapi_document_describes_it(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/people/{citizen_id}/exposure"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Exposure"}
    assert set(document["components"]["schemas"]["Exposure"]["required"]) == {
        "as_debtor", "as_guarantor", "total_guaranteed"}
