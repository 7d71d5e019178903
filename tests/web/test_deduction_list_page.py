"""The officers' deduction list page, /debt-cases/deductions (issue 19): month typed mm/Buddhist year (next month
unless told), the list grouped by paying unit with Thai change badges, full IDs only for the roles that act on them,
downloads, and field errors."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.models import AuditEvent
from tests.helpers import active_case

PAGE = "/debt-cases/deductions"


def test_the_page_for_the_cooperative_officer(api, as_user):
    _officer, url, _ids, _plan = active_case(api)
    html = as_user("coop_officer").get(f"{PAGE}?month=02/2570").get_data(as_text=True)
    assert "บัญชีรายการหักเงินประจำเดือน" in html and "กุมภาพันธ์ 2570" in html
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1" in html  # the unit's group
    assert "รายใหม่" in html and "1-1017-00230-70-8" in html  # the badge in Thai; the full ID for this role
    assert "เงินกู้ใหม่" in html and "new_loan" not in html and ">new<" not in html  # no internal codes
    assert html.count('data-testid="deduction-row"') == 1
    assert f'href="/debt-cases/{url.rsplit("/", 1)[1]}"' in html
    # the month after: unchanged
    assert "คงเดิม" in as_user("coop_officer").get(f"{PAGE}?month=03/2570").get_data(as_text=True)
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deduction_list.view")).all()
    assert [(a.after["month"], a.after["count"], a.after["format"]) for a in audit] == [
        ("2027-02", 1, "html"), ("2027-03", 1, "html")]


def test_the_page_for_the_provincial_officer_and_its_downloads(api, as_user):
    active_case(api)
    browser = as_user("province_officer")
    html = browser.get(f"{PAGE}?month=02/2570&paying_unit_code=AREA-CMI-01").get_data(as_text=True)
    assert html.count('data-testid="deduction-row"') == 1 and 'value="AREA-CMI-01" selected' in html
    assert 'href="/debt-cases/deductions?month=02/2570&amp;paying_unit_code=AREA-CMI-01&amp;format=xlsx"' in html
    xlsx = browser.get(f"{PAGE}?month=02/2570&paying_unit_code=AREA-CMI-01&format=xlsx")
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["AREA-CMI-01"]
    csv = browser.get(f"{PAGE}?month=02/2570&format=csv")
    assert csv.status_code == 200 and "1101700230708" in csv.data.decode("utf-8")


def test_masked_ids_for_roles_that_do_not_act_on_them(api, as_user):
    active_case(api)
    html = as_user("ministry_viewer").get(f"{PAGE}?month=02/2570").get_data(as_text=True)
    assert "1-1017-xxxxx-70-8" in html and "1101700230708" not in html and "1-1017-00230-70-8" not in html


def test_next_month_by_default_and_an_empty_list(as_user):
    today = clock.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    html = as_user("south_officer").get(PAGE).get_data(as_text=True)
    assert f'value="{month:02d}/{year + 543}"' in html
    assert 'data-testid="deduction-empty"' in html and "บัญชีหักเงิน" in html  # the nav link


def test_a_bad_month_is_a_field_error(as_user):
    response = as_user("coop_officer").get(f"{PAGE}?month=13/2570")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and "ระบุเดือนเป็น ดด/ปปปป" in html and 'data-testid="download-csv"' not in html
    unit = as_user("coop_officer").get(f"{PAGE}?month=02/2570&paying_unit_code=NOPE")
    assert unit.status_code == 422 and "ไม่พบหน่วยผู้เบิกจ่าย" in unit.get_data(as_text=True)
