"""Creditors through the API (api-v1.md v1.1, "Creditors"; "Debt cases": creditor_id on each debt)."""
import copy

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Creditor
from tests.helpers import SPEC_CASE


def test_the_list_is_paged_searchable_by_name_and_type_for_every_signed_in_user(api):
    body = api("auditor").get("/api/v1/creditors?q=เชียงใหม่&creditor_type=cooperative").json
    assert set(body) == {"items", "total", "page", "per_page"} and body["total"] == len(body["items"]) >= 1
    item = next(i for i in body["items"] if i["org_unit_code"] == "COOP-CMI-01")
    assert item["name"] == "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด" and item["addressee"] == "ผู้จัดการ"
    assert item["addressed_to"] == "ผู้จัดการสหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"
    assert all(i["creditor_type"] == "cooperative" for i in body["items"])
    gsb = api("auditor").get("/api/v1/creditors?creditor_type=gsb&per_page=1").json
    assert gsb["per_page"] == 1 and gsb["items"][0]["name"] == "ธนาคารออมสิน"
    refused = api("auditor").get("/api/v1/creditors?creditor_type=bank")
    assert refused.status_code == 422 and "creditor_type" in refused.json["error"]["fields"]


def test_adding_a_creditor(api):
    body = {"name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "branch": "สาขาลำพูน", "address": "ถนนอินทยงยศ ลำพูน",
            "addressee": "ผู้จัดการ", "org_unit_code": None}
    assert api("auditor").post("/api/v1/creditors", json=body).status_code == 403
    created = api("province_officer").post("/api/v1/creditors", json=body)
    assert created.status_code == 201, created.json
    assert created.json["id"] and created.json["branch"] == "สาขาลำพูน" and created.json["org_unit_code"] is None
    assert created.json["addressed_to"] == "ผู้จัดการธนาคารกรุงไทย สาขาลำพูน"
    assert api("coop_officer").get(created.headers["Location"]).json == created.json
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "creditor",
                                                             AuditEvent.object_id == str(created.json["id"])))
    again = api("province_officer").post("/api/v1/creditors", json=body)
    assert again.status_code == 422 and "name" in again.json["error"]["fields"]
    bad = api("admin").post("/api/v1/creditors", json={"name": "", "creditor_type": "x", "org_unit_code": "NOPE"})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"name", "creditor_type"}
    unit = api("admin").post("/api/v1/creditors", json={"name": "y", "creditor_type": "cooperative",
                                                        "org_unit_code": "NOPE"})
    assert unit.status_code == 422 and set(unit.json["error"]["fields"]) == {"org_unit_code"}
    assert api("admin").get("/api/v1/creditors/99999999").status_code == 404


def test_debts_take_a_creditor_id_and_show_it(api):
    gsb = db.session.scalar(select(Creditor).where(Creditor.name == "ธนาคารออมสิน"))
    body = copy.deepcopy(SPEC_CASE)
    body["debts"].append({"creditor_id": gsb.id, "outstanding": "600000.00", "annual_rate": "6.90",
                          "monthly_payment": "9000.00", "remaining_months": 96})
    created = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert created.status_code == 201, created.json
    first, second = created.json["debts"]
    assert first["creditor_id"] == db.session.scalar(select(Creditor.id).where(
        Creditor.name == "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"))  # the typed name, matched
    assert (second["creditor_id"], second["creditor_name"], second["creditor_type"]) == (gsb.id, "ธนาคารออมสิน", "gsb")
    body["debts"][1]["creditor_id"] = 99999999
    refused = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["debts[1].creditor_id"]
    body["debts"][1]["creditor_id"] = "abc"
    refused = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["debts[1].creditor_id"]


def test_patching_a_debt_onto_another_creditor(api):
    created = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json
    ktb = db.session.scalar(select(Creditor).where(Creditor.name == "ธนาคารกรุงไทย"))
    debt = {**created["debts"][0], "creditor_id": ktb.id}
    patched = api("coop_officer").patch(f"/api/v1/debt-cases/{created['id']}",
                                        json={"version": created["version"], "debts": [debt]})
    assert patched.status_code == 200, patched.json
    assert patched.json["debts"][0]["creditor_name"] == "ธนาคารกรุงไทย" and patched.json["debts"][0]["creditor_type"] == "ktb"


def test_the_openapi_document_describes_creditors(api):
    document = api("auditor").get("/api/v1/openapi.json").json
    assert {"get", "post"} <= set(document["paths"]["/creditors"])
    assert "creditor_id" in document["components"]["schemas"]["Debt"]["properties"]
