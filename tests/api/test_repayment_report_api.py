"""GET /api/v1/reports/repayment (issue 20; api-v1.md v1.1): the contract's shape, scope (404 outside it), the
month (422 for a bad one, this Bangkok month by default), with figures put in as monthly rows and summed here."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from app.extensions import db
from app.models.repayments import RepaymentMonth
from tests.factories import unit_by_code

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def put_rows(month: date = date(2027, 3, 1)) -> None:
    """Chiang Mai's cooperative: 40 active, 30 due, 27 on time; Khon Kaen's: 12 active, 10 due, 4 on time."""
    rows = []
    for code, active, due, on_time, amount_due, collected, buckets in (
            ("COOP-CMI-01", 40, 30, 27, "224696.40", "210011.17", (33, 4, 2, 1, 0)),
            ("COOP-KKN-01", 12, 10, 4, "74898.80", "31000.00", (5, 3, 2, 1, 1))):
        unit = unit_by_code(code)
        rows.append({"month": month, "cooperative_id": unit.id, "province_code": unit.province_code,
                     "active_cases": active, "due_cases": due, "on_time_cases": on_time,
                     "amount_due": Decimal(amount_due), "amount_collected": Decimal(collected),
                     **dict(zip(("bucket_current", "bucket_1_30", "bucket_31_60", "bucket_61_90", "bucket_90_plus"),
                                buckets)),
                     "computed_at": datetime(2027, 3, 15, 19, 0)})
    db.session.execute(RepaymentMonth.__table__.insert(), rows)
    db.session.commit()


def test_the_shape_and_the_sums(api):
    put_rows()
    body = api("ministry_viewer").get("/api/v1/reports/repayment?month=2027-03").json
    assert {"active_cases", "amount_due", "amount_collected", "on_time_rate", "by_bucket"} <= set(body)
    assert body["active_cases"] == 52 and body["amount_due"] == "299595.20" and body["amount_collected"] == "241011.17"
    assert body["on_time_rate"] == "0.7750"          # (27 + 4) / (30 + 10)
    assert body["by_bucket"] == {"current": 38, "1-30": 7, "31-60": 4, "61-90": 2, "90+": 1}
    assert MONEY.match(body["amount_due"]) and MONEY.match(body["amount_collected"])
    assert body["month"] == "2027-03" and body["scope"]["kind"] == "ministry"
    assert body["computed_at"] == "2027-03-15T19:00:00Z"
    units = {row["code"]: row for row in body["by_unit"]}
    assert units["50"]["on_time_rate"] == "0.9000" and units["40"]["on_time_rate"] == "0.4000"
    assert units["52"]["active_cases"] == 0 and units["52"]["on_time_rate"] is None


def test_a_typed_month_a_province_and_a_cooperative(api):
    put_rows()
    province = api("ministry_viewer").get("/api/v1/reports/repayment?month=03/2570&province_code=50").json
    assert province["scope"]["code"] == "50" and province["active_cases"] == 40 and province["on_time_rate"] == "0.9000"
    assert [row["code"] for row in province["by_unit"]] == ["COOP-CMI-01"]
    own = api("coop_officer2").get("/api/v1/reports/repayment?month=2027-03").json
    assert own["scope"]["code"] == "COOP-KKN-01" and own["amount_collected"] == "31000.00" and own["by_unit"] == []


def test_outside_the_scope_is_missing(api):
    put_rows()
    for username, code in (("coop_officer", "50"), ("coop_officer", "COOP-KKN-01"), ("province_approver", "40"),
                           ("region_approver", "94"), ("province_approver", "NOT-A-UNIT")):
        response = api(username).get(f"/api/v1/reports/repayment?month=2027-03&province_code={code}")
        assert response.status_code == 404, (username, code)
        assert response.json["error"]["code"] == "not_found"


def test_a_bad_month_is_422_naming_the_field(api):
    caller = api("province_approver")
    for bad in ("2027-13", "13/2570", "march", "2027-03-01", "0001-01", "12/9999"):
        response = caller.get(f"/api/v1/reports/repayment?month={bad}")
        assert response.status_code == 422, bad
        assert response.json["error"]["code"] == "validation_error" and set(response.json["error"]["fields"]) == {"month"}


def test_this_bangkok_month_by_default_and_no_rate_without_anything_due(api):
    put_rows(date(2027, 3, 1))
    with time_machine.travel(datetime(2027, 2, 28, 17, 30, tzinfo=UTC), tick=False):  # 1 March, 00:30 in Bangkok
        march = api("province_approver").get("/api/v1/reports/repayment").json
    caller = api("province_approver")
    assert march["month"] == "2027-03" and march["active_cases"] == 40
    empty = caller.get("/api/v1/reports/repayment?month=2027-04").json
    assert empty["active_cases"] == 0 and empty["amount_due"] == "0.00" and empty["on_time_rate"] is None
    assert empty["by_bucket"] == dict.fromkeys(BUCKETS, 0) and empty["computed_at"] is None


def test_the_report_is_documented(api):
    document = api("ministry_viewer").get("/api/v1/openapi.json").json
    operation = document["paths"]["/reports/repayment"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["month", "province_code"]
    assert {"404", "422"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["RepaymentFigures"]
    assert set(schema["required"]) == {"active_cases", "amount_due", "amount_collected", "on_time_rate", "by_bucket"}
