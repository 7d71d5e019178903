"""Paying units (issue 19; domain.md "After approval" 3): an area office pays a serving teacher; a retired teacher's
pension is paid by an area office or a pension payer. The demo provinces carry their real area offices."""
from __future__ import annotations

import copy

from sqlalchemy import select

from app.extensions import db
from app.models import OrgUnit
from app.services import debt_cases
from tests.factories import unit_by_code
from tests.helpers import SPEC_CASE

RETIRED = {**copy.deepcopy(SPEC_CASE), "retired": True, "monthly_pension": "28000.00", "monthly_salary": "0.00"}


def test_a_retired_teacher_may_be_paid_by_the_pension_payer_a_serving_one_not(api):
    caller = api("coop_officer")
    retired = caller.post("/api/v1/debt-cases", json={**RETIRED, "paying_unit_code": "PENSION-CMI"})
    assert retired.status_code == 201 and retired.json["paying_unit_code"] == "PENSION-CMI"
    also = caller.post("/api/v1/debt-cases", json={**RETIRED, "teacher": {**RETIRED["teacher"],
                                                                         "citizen_id": "1409900123454"},
                                                   "paying_unit_code": "AREA-CMI-02"})
    assert also.status_code == 201, also.json
    serving = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "paying_unit_code": "PENSION-CMI"})
    assert serving.status_code == 422 and list(serving.json["error"]["fields"]) == ["paying_unit_code"]
    assert caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "paying_unit_code": "AREA-CMI-M"}).status_code == 201
    # back to serving with the pension payer kept: refused, the case as it would be
    url = f"/api/v1/debt-cases/{retired.json['id']}"
    back = caller.patch(url, json={"retired": False, "monthly_salary": "45000.00",
                                   "version": retired.json["version"]})
    assert back.status_code == 422 and "paying_unit_code" in back.json["error"]["fields"]
    moved = caller.patch(url, json={"retired": False, "monthly_salary": "45000.00", "paying_unit_code": "AREA-CMI-01",
                                    "version": retired.json["version"]})
    assert moved.status_code == 200, moved.json
    # a cooperative or a province is no paying unit
    for code in ("COOP-CMI-01", "50"):
        assert caller.post("/api/v1/debt-cases", json={**RETIRED, "paying_unit_code": code}).status_code == 422


def test_the_demo_provinces_have_their_area_offices_and_a_pension_payer():
    units = {u.code: u for u in db.session.scalars(select(OrgUnit).where(
        OrgUnit.kind.in_(("area_office", "pension_payer"))))}
    assert units["AREA-CMI-01"].name == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1"
    assert {f"AREA-CMI-0{n}" for n in range(1, 7)} | {"AREA-CMI-M"} <= set(units)
    assert {f"AREA-KKN-0{n}" for n in range(1, 6)} | {"AREA-KKN-M"} <= set(units)
    assert {f"AREA-PTN-0{n}" for n in range(1, 4)} | {"AREA-PTN-M"} <= set(units)
    assert units["AREA-PTN-M"].name == "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาปัตตานี"
    for code, province in (("PENSION-CMI", "50"), ("PENSION-KKN", "40"), ("PENSION-PTN", "94")):
        assert units[code].kind == "pension_payer" and units[code].parent.code == province
    choices = [u.code for u in debt_cases.paying_unit_choices([unit_by_code("COOP-CMI-01")])]
    assert "PENSION-CMI" in choices and "AREA-CMI-06" in choices and "AREA-KKN-01" not in choices


def test_the_api_filters_org_units_by_the_new_kind(api):
    response = api("admin").get("/api/v1/org-units?kind=pension_payer")
    assert response.status_code == 200
    assert {u["code"] for u in response.json["items"]} >= {"PENSION-CMI", "PENSION-KKN", "PENSION-PTN"}
