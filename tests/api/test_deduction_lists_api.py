"""GET /api/v1/deduction-lists (api-v1.md v1.1 "Deduction lists"): the contract's shape, scope, the files read back,
field errors, and one audit row per read. Amounts are checked against the plan's own schedules (the schedule API)
and the untouched debt as entered."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.helpers import active_case

URL = "/api/v1/deduction-lists"


def first_payment(officer, url, plan, part) -> Decimal:
    return Decimal(officer.get(f"{url}/plans/{plan['id']}/schedule?part={part}").json["items"][0]["payment"])


def expected(api):
    """The case and its February 2027 lines as the contract gives them, worked out from the schedules."""
    officer, url, ids, plan = active_case(api)
    loan, ktb = first_payment(officer, url, plan, "new_loan"), first_payment(officer, url, plan, str(ids[2]))
    lines = [{"order": 1, "creditor": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "part": "new_loan", "amount": f"{loan:.2f}"},
             {"order": 2, "creditor": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "part": str(ids[0]), "amount": "21500.00"},
             {"order": 3, "creditor": "ธนาคารกรุงไทย", "part": str(ids[2]), "amount": f"{ktb:.2f}"}]
    return int(url.rsplit("/", 1)[1]), lines, loan + Decimal("21500.00") + ktb


def audit_rows(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_list_in_the_contract_shape(api):
    case_id, lines, total = expected(api)
    response = api("coop_officer").get(f"{URL}?month=2027-02")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json == {"month": "2027-02", "total": f"{total:.2f}", "items": [{
        "citizen_id": "1101700230708", "name": "นางสมศรี ใจดี", "paying_unit_code": "AREA-CMI-01",
        "case_id": case_id, "lines": lines, "total": f"{total:.2f}", "change": "new"}]}
    # the next month, the same lines, unchanged; the paying unit's own list; a month before it all: nothing
    march = api("province_officer").get(f"{URL}?month=03/2570&paying_unit_code=AREA-CMI-01").json
    assert [(i["change"], i["lines"]) for i in march["items"]] == [("unchanged", lines)]
    assert api("coop_officer").get(f"{URL}?month=2027-01").json == {"month": "2027-01", "items": [], "total": "0.00"}


def test_scope_limits_the_list(api):
    expected(api)
    for other in ("south_officer", "coop_officer2"):
        assert api(other).get(f"{URL}?month=2027-02").json == {"month": "2027-02", "items": [], "total": "0.00"}
    assert len(api("ministry_viewer").get(f"{URL}?month=2027-02").json["items"]) == 1


def test_each_read_is_one_audit_row(api):
    expected(api)
    officer = api("coop_officer")
    # (each body read to its end: a streamed response holds the request open until then)
    assert officer.get(f"{URL}?month=2027-02").json["items"]
    assert officer.get(f"{URL}?month=2027-02&paying_unit_code=AREA-CMI-01&format=csv").data
    [view] = audit_rows("deduction_list.view")
    assert view.actor_username == "coop_officer" and view.after["month"] == "2027-02" and view.after["count"] == 1
    assert view.after["paying_unit_code"] is None
    [download] = audit_rows("deduction_list.download")
    assert (download.after["paying_unit_code"], download.after["format"], download.after["count"]) == (
        "AREA-CMI-01", "csv", 1)


def test_bad_requests_are_field_errors(api):
    officer = api("coop_officer")
    for query, field in (("month=2027-13", "month"), ("", "month"), ("month=2/70", "month"),
                         ("month=2027-02&paying_unit_code=COOP-CMI-01", "paying_unit_code"),
                         ("month=2027-02&paying_unit_code=NOPE", "paying_unit_code"),
                         ("month=2027-02&format=pdf", "format")):
        response = officer.get(f"{URL}?{query}")
        assert response.status_code == 422 and field in response.json["error"]["fields"], (query, response.json)
    assert audit_rows("deduction_list.view") == []  # nothing was read
    assert api("coop_officer").get(URL, headers={"Authorization": ""}).status_code == 401


def test_csv_reads_back(api):
    case_id, lines, total = expected(api)
    response = api("coop_officer").get(f"{URL}?month=2027-02&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"   # the charset once (issue 21, 11)
    assert response.headers["Content-Disposition"] == "attachment; filename=deductions-2027-02.csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["รหัสหน่วยผู้เบิกจ่าย", "หน่วยผู้เบิกจ่ายเงินเดือน", "เลขประจำตัวประชาชน", "ชื่อ-นามสกุล",
                       "เลขที่กรณี", "รหัสกรณี", "การเปลี่ยนแปลง", "ลำดับการหัก", "เจ้าหนี้", "รายการ",
                       "จำนวนเงิน (บาท)"]
    body = rows[1:]
    assert len(body) == 4  # three lines and the teacher's total
    assert {tuple(r[:7]) for r in body} == {("AREA-CMI-01", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1",
                                            "1101700230708", "นางสมศรี ใจดี", body[0][4], str(case_id), "รายใหม่")}
    assert [r[7:] for r in body] == [
        ["1", lines[0]["creditor"], "เงินกู้ใหม่", lines[0]["amount"]],
        ["2", lines[1]["creditor"], f"หนี้เดิม รายการที่ {lines[1]['part']}", "21500.00"],
        ["3", "ธนาคารกรุงไทย", f"หนี้เดิม รายการที่ {lines[2]['part']}", lines[2]["amount"]],
        ["", "รวม", "", f"{total:.2f}"]]


def test_xlsx_reads_back_with_numbers_dates_and_thai_headers(api):
    case_id, lines, total = expected(api)
    response = api("province_officer").get(f"{URL}?month=2027-02&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["AREA-CMI-01"]
    sheet = book["AREA-CMI-01"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["เดือน", "รหัสหน่วยผู้เบิกจ่าย", "หน่วยผู้เบิกจ่ายเงินเดือน",
                                          "เลขประจำตัวประชาชน", "ชื่อ-นามสกุล", "เลขที่กรณี", "รหัสกรณี",
                                          "การเปลี่ยนแปลง", "ลำดับการหัก", "เจ้าหนี้", "รายการ", "จำนวนเงิน (บาท)"]
    assert all(c.font.b for c in rows[0]) and sheet.freeze_panes == "A2"
    assert len(rows) == 5
    for row in rows[1:]:
        assert row[0].value == datetime(2027, 2, 1) and row[0].is_date
        assert row[3].value == "1101700230708" and row[6].value == case_id and row[7].value == "รายใหม่"
        assert isinstance(row[11].value, float) and row[11].number_format == "#,##0.00"
    assert [Decimal(str(r[11].value)).quantize(Decimal("0.01")) for r in rows[1:]] == [
        Decimal(line["amount"]) for line in lines] + [total]
    assert [r[8].value for r in rows[1:]] == [1, 2, 3, None] and rows[4][9].value == "รวม"
    assert sheet.column_dimensions["E"].width > 20


def test_the_contract_is_documented(api):
    document = api("coop_officer").get("/api/v1/openapi.json").json
    operation = document["paths"]["/deduction-lists"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"month", "paying_unit_code", "format"}
