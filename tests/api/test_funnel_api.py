"""GET /api/v1/reports/funnel and the funnel on the dashboard (issue 19), with answers worked by hand."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import time_machine
from openpyxl import load_workbook

from tests.helpers import approved_through_api, standard_plan


def at(day: str):
    """Noon in Bangkok on `day`."""
    y, m, d = map(int, day.split("-"))
    return time_machine.travel(datetime(y, m, d, 5, 0, tzinfo=UTC), tick=False)


def approved_on(api, day: str, citizen_id: str):
    """A case whose plan consolidates its first two debts (and touches nothing else), approved on `day`."""
    signed_in = {name: api(name) for name in ("coop_officer", "province_approver")}  # tokens of today, not `day`
    with at(day):
        officer, url, ids, _plan = approved_through_api(
            signed_in.__getitem__, citizen_id=citizen_id, plan_for=lambda ids: {"consolidate": standard_plan(ids)["consolidate"]})
    return officer, url, ids


def two_cases(api):
    """On 1 December 2026: one case approved 2 Nov and answered (both consolidated debts accepted) 12 Nov, waiting
    for its payoffs 19 days; one approved 21 Nov, unanswered for 10 days. The plan touches only the two debts it
    consolidates."""
    officer, url, ids = approved_on(api, "2026-11-02", "1101700230708")
    with at("2026-12-01"):
        for debt_id, day in zip(ids[:2], ("2026-11-09", "2026-11-12")):
            answered = officer.post(url + "/creditor-responses", json={
                "debt_id": debt_id, "response": "accepted", "responded_on": day,
                "payoff_amount": "1450000.00", "payoff_valid_until": "2027-01-31"})
            assert answered.status_code == 201, answered.json
    approved_on(api, "2026-11-21", "3100100123451")


def test_the_funnel_api_gives_the_steps_and_the_units(api):
    two_cases(api)
    with at("2026-12-01"):
        body = api("ministry_viewer").get("/api/v1/reports/funnel?province_code=50").json
        region = api("region_approver").get("/api/v1/reports/funnel").json
        outside = api("coop_officer2").get("/api/v1/reports/funnel?province_code=50")
    assert body["scope"] == {"code": "50", "name": body["scope"]["name"], "kind": "province"}
    assert body["steps"] == [
        {"step": "approved", "reached": 2, "waiting": 1, "median_days": 10, "average_days": 10.0,
         "waiting_median_days": 10, "waiting_average_days": 10.0},
        {"step": "answered", "reached": 1, "waiting": 1, "median_days": None, "average_days": None,
         "waiting_median_days": 19, "waiting_average_days": 19.0},
        {"step": "paid_off", "reached": 0, "waiting": 0, "median_days": None, "average_days": None,
         "waiting_median_days": None, "waiting_average_days": None},
        {"step": "active", "reached": 0, "waiting": 0, "median_days": None, "average_days": None,
         "waiting_median_days": None, "waiting_average_days": None}]
    coop = next(row for row in body["by_unit"] if row["code"] == "COOP-CMI-01")
    assert coop["kind"] == "cooperative" and coop["steps"] == body["steps"]
    assert region["scope"]["kind"] == "region"
    assert next(row for row in region["by_unit"] if row["code"] == "50")["steps"] == body["steps"]
    assert outside.status_code == 404


def test_the_funnel_is_documented(api):
    document = api("ministry_viewer").get("/api/v1/openapi.json").json
    operation = document["paths"]["/reports/funnel"]["get"]
    assert operation["parameters"][0]["name"] == "province_code"
    assert "FunnelStep" in document["components"]["schemas"]


def test_the_dashboard_shows_the_funnel_and_downloads_it(api, as_user):
    two_cases(api)
    with at("2026-12-01"):
        client = as_user("province_approver")
        page = client.get("/dashboard").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(client.get("/dashboard?export=funnel&format=csv").data.decode("utf-8-sig"))))
        units = client.get("/dashboard?export=funnel_units&format=xlsx")
    assert 'data-testid="funnel"' in page and 'data-testid="table-funnel"' in page
    assert [row[1:3] for row in rows[1:]] == [["2", "1"], ["1", "1"], ["0", "0"], ["0", "0"]]
    assert rows[1][3:] == ["10", "10.0", "10", "10.0"] and rows[3][3:] == ["", "", "", ""]
    sheet = load_workbook(io.BytesIO(units.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    chiang_mai = [row for row in cells if row[0] == "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"]
    assert len(chiang_mai) == 4 and chiang_mai[0][2:4] == [2, 1]


def test_above_a_province_the_dashboard_counts_the_funnel_only_when_asked(api, as_user):
    """The nation's funnel takes about a second (docs/benchmarks.md): the national and regional dashboards keep their
    250 ms and offer it on request; a province's dashboard shows it at once."""
    two_cases(api)
    with at("2026-12-01"):
        nation = as_user("ministry_viewer")
        plain = nation.get("/dashboard").get_data(as_text=True)
        asked = nation.get("/dashboard?funnel=1").get_data(as_text=True)
        exported = nation.get("/dashboard?export=funnel&format=csv")
    assert 'data-testid="funnel-ask"' in plain and 'data-testid="table-funnel"' not in plain
    assert 'data-testid="table-funnel"' in asked and 'data-testid="funnel-ask"' not in asked
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [row[1:3] for row in rows[1:]] == [["2", "1"], ["1", "1"], ["0", "0"], ["0", "0"]]
