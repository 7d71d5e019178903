"""Debt-case pages: the form keeps what was typed, rows come and go, the case page shows the 30% analysis."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import DebtCase
from tests.helpers import SPEC_CASE, debt_form_data as form_data, three_debts


def test_register_a_case_through_the_form(as_user):
    client = as_user("coop_officer")
    response = client.post("/debt-cases/new", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(DebtCase))
    assert case.cooperative.code == "COOP-CMI-01" and len(case.debts) == 1 and len(case.deductions) == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # net 48500 − 2550 − 21500 = 24450; 24450 / 45000 = 54.33%
    assert "54.33%" in page and "24,450.00" in page
    assert "1-1017-xxxxx-70-8" in page and "1101700230708" not in page


def test_bad_input_is_marked_per_field_and_everything_typed_stays(as_user):
    client = as_user("coop_officer")
    response = client.post("/debt-cases/new", data=form_data(**{
        "teacher-citizen_id": "1234567890123", "monthly_salary": "สี่หมื่น", "debts-0-annual_rate": "245",
        "debts-0-remaining_months": "0", "teacher-birth_date": "2999-01-01"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("teacher-citizen_id", "monthly_salary", "debts-0-annual_rate", "debts-0-remaining_months",
                 "teacher-birth_date"):
        assert f'data-field="{name}"' in page, name
    assert 'value="สี่หมื่น"' in page and 'value="245"' in page and 'value="โรงเรียนบ้านหนองผึ้ง"' in page
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in page
    assert db.session.scalar(select(func.count()).select_from(DebtCase)) == 0


def test_adding_and_removing_rows_keeps_what_was_typed(as_user):
    client = as_user("coop_officer")
    page = client.post("/debt-cases/new", data=form_data(action="add_debt")).get_data(as_text=True)
    assert page.count('data-testid="debt-row"') == 2
    assert 'value="สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"' in page and 'value="สมศรี"' in page
    page = client.post("/debt-cases/new", data=form_data(action="remove_deduction-0")).get_data(as_text=True)
    assert page.count('data-testid="deduction-row"') == 1 and 'value="1350.00"' in page
    assert db.session.scalar(select(func.count()).select_from(DebtCase)) == 0


def test_duplicate_debt_rows_are_refused(as_user):
    client = as_user("coop_officer")
    extra = {k.replace("debts-0-", "debts-1-"): v for k, v in form_data().items() if k.startswith("debts-0-")}
    response = client.post("/debt-cases/new", data=form_data(**extra))
    assert response.status_code == 422
    assert 'data-field="debts-1-creditor_name"' in response.get_data(as_text=True)


def test_the_case_page_shows_the_shortfall_and_risk(api, as_user):
    body = {**SPEC_CASE, "debts": [{**SPEC_CASE["debts"][0], "monthly_payment": "34000.00"}]}
    case_id = api("coop_officer").post("/api/v1/debt-cases", json=body).json["id"]
    page = as_user("province_approver").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert "2,350.00" in page and "24.78%" in page and "risk-orange" in page
    assert "Add this plan" not in page and "เพิ่มแผนนี้" not in page  # approvers do not build plans


def test_plans_through_the_page_and_comparison(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    client = as_user("coop_officer")
    response = client.post(f"/debt-cases/{case['id']}/plans", data={
        "label": "แผน ก", "consolidate": [str(i) for i in ids[1:]], "annual_rate": "4.5", "term_months": "120",
        "method": "annuity"})
    assert response.status_code == 302
    response = client.post(f"/debt-cases/{case['id']}/plans", data={
        "label": "แผน ข", "consolidate": [str(i) for i in ids], "annual_rate": "4.5", "term_months": "240",
        "method": "equal_principal"})
    assert response.status_code == 302
    page = client.get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    assert "แผน ก" in page and "แผน ข" in page and 'data-testid="plan-comparison"' in page


def test_a_bad_plan_keeps_the_plan_form(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    client = as_user("coop_officer")
    response = client.post(f"/debt-cases/{case['id']}/plans", data={
        "label": "แผนผิด", "consolidate": [str(case["debts"][0]["id"])], "annual_rate": "99", "term_months": "120"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="แผนผิด"' in page and 'value="99"' in page


def test_schedule_downloads(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.50", "term_months": 12}}).json
    client = as_user("coop_officer")
    csv_text = client.get(f"/debt-cases/{case['id']}/plans/{plan['id']}/schedule.csv?part=new_loan").get_data(as_text=True)
    assert csv_text.startswith("\ufeff") and len(csv_text.strip().splitlines()) == 13
    assert csv_text.strip().splitlines()[-1].endswith(",0.00")
    from io import BytesIO

    from openpyxl import load_workbook

    data = client.get(f"/debt-cases/{case['id']}/plans/{plan['id']}/schedule.xlsx?part=new_loan").data
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.max_row == 13 and float(sheet["E13"].value) == 0.0
    html = client.get(f"/debt-cases/{case['id']}/plans/{plan['id']}/schedule?part=new_loan")
    assert html.status_code == 200


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json
    client = as_user("coop_officer")
    first = form_data(version="1", **{"debts-0-id": str(case["debts"][0]["id"]), "monthly_salary": "46000.00"})
    assert client.post(f"/debt-cases/{case['id']}/edit", data=first).status_code == 302
    stale = form_data(version="1", **{"debts-0-id": str(case["debts"][0]["id"]), "monthly_salary": "47123.00"})
    response = client.post(f"/debt-cases/{case['id']}/edit", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'value="47123.00"' in page and "มีผู้อื่นแก้ไขกรณีนี้" in page
    assert api("coop_officer").get(f"/api/v1/debt-cases/{case['id']}").json["monthly_salary"] == "46000.00"


def test_viewing_a_person_record_is_logged(api, as_user):
    from app.models import AuditEvent, Person

    api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE)
    person = db.session.scalar(select(Person))
    page = as_user("province_officer").get(f"/people/{person.id}").get_data(as_text=True)
    assert "1-1017-00230-70-8" in page  # the full ID, on the person's own page only
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.view"))
    assert event.actor_username == "province_officer" and event.object_id == str(person.id)
