"""A debt's guarantors through the API (api-v1.md v1.1 debts[].guarantors; issue 20): a list of citizen ID and name,
each checked field by field; a string (v1.0) kept as the note; a PATCH that sends the list replaces it, one that
does not keeps it; no one guarantees their own debt."""
from __future__ import annotations

import copy

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DebtGuarantor
from tests.helpers import SPEC_CASE, citizen_id

G = {"citizen_id": "3100100123451", "title": "นาง", "first_name": "ซูไรดา", "last_name": "สาแม"}
H = {"citizen_id": "1-4099-00123-45-4", "title": None, "first_name": "อิมรอน", "last_name": "สาแม"}
TEACHER = SPEC_CASE["teacher"]["citizen_id"]


def _body(*guarantor_lists):
    body = copy.deepcopy(SPEC_CASE)
    base = body["debts"][0]
    body["debts"] = [{**base, "outstanding": f"{100000 + i}.00", "monthly_payment": "2000.00", "guarantors": named}
                     for i, named in enumerate(guarantor_lists)]
    return body


def test_guarantors_are_stored_in_order_and_shown(api):
    response = api("coop_officer").post("/api/v1/debt-cases", json=_body([G, H], []))
    assert response.status_code == 201, response.json
    first, second = response.json["debts"]
    assert first["guarantors"] == [G, {**H, "citizen_id": "1409900123454"}]   # the ID as 13 digits
    assert first["guarantors_note"] is None and second["guarantors"] == []
    rows = db.session.scalars(select(DebtGuarantor).where(DebtGuarantor.debt_id == first["id"])
                              .order_by(DebtGuarantor.position)).all()
    assert [(r.position, r.citizen_id, r.full_name) for r in rows] == [
        (0, "3100100123451", "นางซูไรดา สาแม"), (1, "1409900123454", "อิมรอน สาแม")]


def test_every_bad_field_is_named(api):
    bad_id = {**G, "citizen_id": "3100100123452"}
    no_name = {**H, "first_name": " ", "last_name": None}
    own = {**G, "citizen_id": TEACHER}
    eleven = [{**G, "citizen_id": citizen_id(n)} for n in range(11)]
    response = api("coop_officer").post("/api/v1/debt-cases", json=_body(
        [G, bad_id, no_name, own, G, "นาย ก"], eleven, "ไม่ใช่รายการ"))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields.keys() >= {"debts[0].guarantors[1].citizen_id", "debts[0].guarantors[2].first_name",
                             "debts[0].guarantors[2].last_name", "debts[0].guarantors[3].citizen_id",
                             "debts[0].guarantors[4].citizen_id", "debts[0].guarantors[5]", "debts[1].guarantors"}
    assert "debts[0].guarantors[0].citizen_id" not in fields and "debts[2].guarantors" not in fields   # a v1.0 note


def test_the_teacher_cannot_guarantee_their_own_debt(api):
    response = api("coop_officer").post("/api/v1/debt-cases", json=_body([{**G, "citizen_id": TEACHER}]))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"debts[0].guarantors[0].citizen_id"}
    # nor after a PATCH that changes the teacher alone: the case as saved is checked
    officer = api("coop_officer")
    case = officer.post("/api/v1/debt-cases", json=_body([G])).json
    patched = officer.patch(f"/api/v1/debt-cases/{case['id']}", json={
        "version": case["version"], "teacher": {**SPEC_CASE["teacher"], "citizen_id": G["citizen_id"]}})
    assert patched.status_code == 422, patched.json
    assert set(patched.json["error"]["fields"]) == {"debts[0].guarantors[0].citizen_id"}


def test_a_string_is_kept_as_the_note(api):
    body = _body([])
    body["debts"][0]["guarantors"] = "นายสมชาย ใจดี เพื่อนครู"
    case = api("coop_officer").post("/api/v1/debt-cases", json=body).json
    assert case["debts"][0]["guarantors"] == [] and case["debts"][0]["guarantors_note"] == "นายสมชาย ใจดี เพื่อนครู"


def test_a_patch_replaces_the_list_it_sends_and_keeps_what_it_does_not(api):
    officer = api("coop_officer")
    body = _body([G], [H])
    body["debts"][1]["guarantors_note"] = "ผู้ค้ำอีกคนรอเอกสาร"
    case = officer.post("/api/v1/debt-cases", json=body).json
    url = f"/api/v1/debt-cases/{case['id']}"
    debts = [{k: v for k, v in d.items() if k not in ("guarantors", "guarantors_note")} for d in case["debts"]]
    # the first debt's list replaced, the second sent without one: its guarantors and note stay
    sent = officer.patch(url, json={"version": case["version"], "debts": [{**debts[0], "guarantors": [H]}, debts[1]]})
    assert sent.status_code == 200, sent.json
    first, second = sent.json["debts"]
    assert [g["first_name"] for g in first["guarantors"]] == ["อิมรอน"]
    assert [g["first_name"] for g in second["guarantors"]] == ["อิมรอน"]
    assert second["guarantors_note"] == "ผู้ค้ำอีกคนรอเอกสาร"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "debt_case.update")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.before["debts"][0][-2] == [[G["citizen_id"], "นาง", "ซูไรดา", "สาแม"]]   # audited
    assert event.after["debts"][0][-2] == [["1409900123454", None, "อิมรอน", "สาแม"]]
    # null clears the list; the note is cleared on its own
    cleared = officer.patch(url, json={"version": sent.json["version"], "debts": [
        {**debts[0], "guarantors": None}, {**debts[1], "guarantors_note": None}]}).json
    assert cleared["debts"][0]["guarantors"] == [] and cleared["debts"][1]["guarantors_note"] is None
    assert [g["first_name"] for g in cleared["debts"][1]["guarantors"]] == ["อิมรอน"]
