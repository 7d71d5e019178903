"""Issue 21, point 10: every XLSX read back with openpyxl — widths set from the content, money, counts and dates as
real numbers and dates (dates shown in the Buddhist year, app/xlsx_layout.py), the province's name beside its code,
and the import template's codes with their Thai meanings."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.domain.thai_text import to_bangkok
from app.extensions import db
from app.models import AuditEvent, BackgroundJob, DebtCase
from app.xlsx_layout import COUNT_FORMAT, DATE_FORMAT, DATE_TIME_FORMAT, MAX_WIDTH, MONEY_FORMAT, MIN_WIDTH
from tests.factories import DebtCaseFactory, run_import
from tests.helpers import citizen_id, three_debts


def debt_cases(count: int) -> None:
    """`count` draft cases of different teachers at COOP-CMI-01 (Chiang Mai, province 50)."""
    for n in range(700, 700 + count):
        body = {**three_debts(), "cooperative_code": "COOP-CMI-01"}
        body["teacher"] = {**body["teacher"], "citizen_id": citizen_id(n), "first_name": f"ครูส่งออกชื่อยาว{n}"}
        DebtCaseFactory(body=body, officer="coop_officer")


def job_of(response) -> BackgroundJob:
    assert response.status_code == 302 and response.headers["Location"].startswith("/exports/")
    return db.session.get(BackgroundJob, int(response.headers["Location"].rsplit("/", 1)[1]))


def _book(response):
    assert response.status_code == 200 and response.data[:2] == b"PK", response.status_code
    return load_workbook(io.BytesIO(response.data))


def _widths(sheet) -> list[float]:
    """Every column's width (None where the file declared none)."""
    return [sheet.column_dimensions[get_column_letter(i)].width if get_column_letter(i) in sheet.column_dimensions
            else None for i in range(1, sheet.max_column + 1)]


def _column(sheet, header: str) -> list:
    """The cells under `header` (row 1)."""
    index = [c.value for c in sheet[1]].index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def test_the_case_list_has_widths_real_numbers_and_dates_and_the_province_name(as_user):
    debt_cases(2)
    sheet = _book(as_user("province_officer").get("/debt-cases/?unit=50&format=xlsx")).active
    widths = _widths(sheet)
    assert None not in widths and all(MIN_WIDTH <= w <= MAX_WIDTH for w in widths)
    headers = [c.value for c in sheet[1]]
    assert headers[4:6] == ["รหัสจังหวัด", "จังหวัด"]
    assert {(row[4].value, row[5].value) for row in sheet.iter_rows(min_row=2)} == {("50", "เชียงใหม่")}
    # the teacher's column is sized to the longest name as shown (Thai marks above and below take no width)
    names = [c.value for c in _column(sheet, "ครู")]
    shown = max(sum(1 for ch in n if unicodedata.category(ch) != "Mn") for n in names)
    assert shown < widths[1] <= shown + 3 and widths[1] != widths[4]
    salary = _column(sheet, "เงินเดือน")[0]
    assert salary.data_type == "n" and salary.number_format == MONEY_FORMAT and salary.value == 45000
    registered = _column(sheet, "วันที่ลงทะเบียน")[0]
    case = db.session.query(DebtCase).order_by(DebtCase.id.desc()).first()
    assert isinstance(registered.value, datetime) and registered.number_format == DATE_FORMAT
    assert registered.value.date() == to_bangkok(case.created_at).date()


def test_a_large_export_job_writes_the_same_layout_as_the_request(as_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    debt_cases(5)
    client = as_user("province_officer")
    job = job_of(client.get("/debt-cases/?unit=50&sort=name&format=xlsx"))
    from_job = _book(client.get(f"/exports/{job.id}/download")).active
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1000)
    inline = _book(client.get("/debt-cases/?unit=50&sort=name&format=xlsx")).active
    assert _widths(from_job) == _widths(inline) and None not in _widths(from_job)
    assert [[(c.value, c.number_format) for c in r] for r in from_job.iter_rows()] == [
        [(c.value, c.number_format) for c in r] for r in inline.iter_rows()]


def test_dashboard_counts_are_whole_numbers_and_money_has_separators(as_user, decided):
    client = as_user("province_approver")
    status = _book(client.get("/dashboard?export=debt_status&format=xlsx")).active
    counts = _column(status, "จำนวนกรณี")
    assert counts and all(c.data_type == "n" and isinstance(c.value, int) and c.number_format == COUNT_FORMAT
                          for c in counts)
    money = _book(client.get("/dashboard?export=relief_money&format=xlsx")).active
    paid = _column(money, "จ่ายแล้ว")
    assert all(c.data_type == "n" and c.number_format == MONEY_FORMAT for c in paid)
    assert None not in _widths(money)


def test_the_audit_trail_shows_bangkok_time_as_a_real_date_and_time(as_user):
    client = as_user("auditor")
    sheet = _book(client.get("/audit/?format=xlsx")).active
    when = _column(sheet, "เวลา")[0]
    newest = db.session.query(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).first()
    assert isinstance(when.value, datetime) and when.number_format == DATE_TIME_FORMAT
    assert abs(when.value - (newest.occurred_at + timedelta(hours=7))) < timedelta(seconds=1)  # UTC+7, no tz


def test_a_schedule_has_whole_instalment_numbers_and_money(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.50", "term_months": 12}}).json
    sheet = _book(as_user("coop_officer").get(
        f"/debt-cases/{case['id']}/plans/{plan['id']}/schedule.xlsx?part=new_loan")).active
    first = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert (first[0].value, first[0].number_format) == (1, COUNT_FORMAT)
    assert all(c.data_type == "n" and c.number_format == MONEY_FORMAT for c in first[1:])


def test_the_import_template_has_numbers_buddhist_dates_and_the_codes_meanings(as_user):
    book = _book(as_user("coop_officer").get("/debt-cases/import/template.xlsx"))
    sheet, codes = book.worksheets
    headers = [c.value for c in sheet[1]]
    assert "วันเกิด (วว/ดด/ปปปป พ.ศ. หรือ ค.ศ.)" in headers
    example = {h: c for h, c in zip(headers, sheet[2])}
    assert example["วันเกิด (วว/ดด/ปปปป พ.ศ. หรือ ค.ศ.)"].value == "01/04/2518"
    assert example["เลขประจำตัวประชาชน"].data_type == "s"          # 13 digits stay text
    assert (example["เงินเดือน"].data_type, example["เงินเดือน"].number_format) == ("n", MONEY_FORMAT)
    assert isinstance(example["งวดที่เหลือ"].value, int)
    assert None not in _widths(sheet)
    rows = {(r[0].value, r[1].value): r[2].value for r in codes.iter_rows(min_row=2) if r[0].value != "หมายเหตุ"}
    assert [c.value for c in codes[1]] == ["คอลัมน์", "รหัส", "ความหมาย"]
    assert rows[("ประเภทเจ้าหนี้", "gsb")] == "ธนาคารออมสิน (ช.พ.ค.)"
    assert rows[("ประเภทเจ้าหนี้", "cooperative")] == "สหกรณ์ออมทรัพย์ครู"
    assert rows[("สถานะทางกฎหมาย", "sued")] == "ถูกฟ้อง"
    assert all(meaning for meaning in rows.values())


def test_the_import_template_reads_back_as_the_examples(as_user):
    """The template as downloaded (numbers, BE dates) is a valid file for the import itself."""
    data = as_user("coop_officer").get("/debt-cases/import/template.xlsx").data
    job = run_import("coop_officer", data)
    assert job.status == "valid", job.errors
    assert job.summary["birth_date_eras"] == {"be": 2, "ce": 0}


def test_the_repayment_template_writes_its_amount_as_a_number(as_user):
    sheet = _book(as_user("coop_officer").get("/debt-cases/repayments/template.xlsx")).active
    amount = _column(sheet, "จำนวนเงินที่หักได้")[0]
    assert (amount.data_type, amount.number_format, amount.value) == ("n", MONEY_FORMAT, pytest.approx(12345.67))
    assert _column(sheet, "วันที่หัก/ชำระ")[0].value == "28/02/2570"
