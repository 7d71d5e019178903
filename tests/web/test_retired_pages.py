"""Issue 17 on the pages: a retired teacher through the form (the pension as receipts and base, the pension payer),
the legal-rate warning next to the debt, and bad input kept as typed. Labels are checked in either language (the
Thai of new labels is merged into the catalogue separately)."""
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase


def form_data(**changes):
    data = {
        "teacher-citizen_id": "3500100444440", "teacher-title": "นาง", "teacher-first_name": "บุญเรือน",
        "teacher-last_name": "คำแก้ว", "teacher-birth_date": "1961-03-05", "teacher-position": "ครู (บำนาญ)",
        "teacher-workplace": "", "retired": "y", "monthly_pension": "31500.00", "monthly_salary": "",
        "monthly_allowances": "", "paying_unit_code": "AREA-CMI-01",
        "deductions-0-kind": "funeral_welfare", "deductions-0-monthly_amount": "1000.00",
        "debts-0-creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "debts-0-creditor_type": "cooperative",
        "debts-0-outstanding": "780000.00", "debts-0-annual_rate": "5.75", "debts-0-monthly_payment": "12000.00",
        "debts-0-remaining_months": "84", "debts-0-legal_status": "normal", "debts-0-salary_deducted": "y",
        "debts-1-creditor_name": "เงินกู้นอกระบบ", "debts-1-creditor_type": "informal",
        "debts-1-outstanding": "50000.00", "debts-1-annual_rate": "60", "debts-1-monthly_payment": "5000.00",
        "debts-1-remaining_months": "14", "debts-1-legal_status": "overdue",
        "action": "save",
    }
    data.update(changes)
    return data


def test_register_a_retired_teacher_through_the_form(as_user):
    client = as_user("coop_officer")
    form = client.get("/debt-cases/new").get_data(as_text=True)
    assert 'name="retired"' in form and 'name="monthly_pension"' in form and "AREA-CMI-01" in form
    response = client.post("/debt-cases/new", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case = db.session.scalar(select(DebtCase))
    assert case.retired and case.monthly_salary == 0 and case.paying_unit.code == "AREA-CMI-01"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # pension 31,500 − 1,000 − (12,000 + 5,000) = 13,500; 13,500 / 31,500 = 42.86%
    assert "42.86%" in page and "13,500.00" in page and 'data-testid="pension"' in page
    assert any(label in page for label in ("Pension payer", "ผู้เบิกจ่ายบำนาญ"))
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1" in page
    assert 'data-testid="legal-rate-warning"' in page and page.count('data-testid="above-legal-rate"') == 1
    # the edit form shows it as entered
    edit = client.get(f"/debt-cases/{case.id}/edit").get_data(as_text=True)
    assert 'id="retired" name="retired" value="y" checked' in edit and 'value="31500.00"' in edit


def test_a_serving_teacher_shows_the_paying_unit_label_and_no_warning(as_user):
    client = as_user("coop_officer")
    response = client.post("/debt-cases/new", data=form_data(**{
        "retired": "", "monthly_salary": "45000.00", "monthly_pension": "", "debts-1-annual_rate": "15"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert any(label in page for label in ("Paying unit", "หน่วยผู้เบิกจ่าย"))
    assert 'data-testid="legal-rate-warning"' not in page and 'data-testid="retired-badge"' not in page


def test_bad_retirement_input_is_marked_and_kept(as_user):
    client = as_user("coop_officer")
    response = client.post("/debt-cases/new", data=form_data(**{
        "monthly_pension": "", "paying_unit_code": "COOP-KKN-01", "debts-0-monthly_payment": "999999.00",
        "debts-1-annual_rate": "60.12345"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("monthly_pension", "debts-0-monthly_payment", "debts-1-annual_rate"):
        assert f'data-field="{name}"' in page, name
    assert 'value="COOP-KKN-01"' in page and 'value="999999.00"' in page and 'value="60.12345"' in page
    # the paying unit is looked up once the typed values are valid (as the cooperative is)
    response = client.post("/debt-cases/new", data=form_data(paying_unit_code="COOP-KKN-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-field="paying_unit_code"' in page and 'value="31500.00"' in page
    assert db.session.scalar(select(DebtCase)) is None
