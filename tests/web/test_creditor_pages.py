"""The creditors pages and the debt form's creditor field (issue 18)."""
from sqlalchemy import select

from app.extensions import db
from app.models import Creditor, DebtCase
from tests.helpers import SPEC_CASE, login


def form_data() -> dict:
    """The spec's teacher typed into the case form, with two debts."""
    data = {f"teacher-{k}": v for k, v in SPEC_CASE["teacher"].items()} | {
        "monthly_salary": "45000.00", "monthly_allowances": "3500.00", "action": "save"}
    debts = [("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "1850000.00", "21500.00"),
             ("ธนาคารกรุงไทย", "ktb", "150000.00", "4500.00")]
    for i, (name, kind, outstanding, payment) in enumerate(debts):
        data |= {f"debts-{i}-creditor_name": name, f"debts-{i}-creditor_type": kind,
                 f"debts-{i}-outstanding": outstanding, f"debts-{i}-annual_rate": "6.00",
                 f"debts-{i}-monthly_payment": payment, f"debts-{i}-remaining_months": "100",
                 f"debts-{i}-legal_status": "normal", f"debts-{i}-salary_deducted": "y"}
    return data


def test_the_list_shows_thai_labels_and_the_addressee(client):
    login(client, "auditor")
    page = client.get("/debt-cases/creditors?q=ออมสิน").get_data(as_text=True)
    assert "ธนาคารออมสิน" in page and "ผู้อำนวยการธนาคารออมสิน" in page
    assert "gsb" not in page.split("<tbody>")[1]  # labels, never codes
    assert "data-testid=\"creditor-new\"" not in page  # an auditor reads, does not add


def test_adding_keeps_what_was_typed_on_an_error_and_then_saves(client):
    login(client, "coop_officer")
    bad = client.post("/debt-cases/creditors/new", data={"name": "ร้านทองแม่ริม", "creditor_type": "",
                                                         "address": "อำเภอแม่ริม"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'value="ร้านทองแม่ริม"' in html and 'value="อำเภอแม่ริม"' in html and 'data-field="creditor_type"' in html
    ok = client.post("/debt-cases/creditors/new", data={"name": "ร้านทองแม่ริม", "creditor_type": "informal",
                                                        "addressee": "เจ้าของ"})
    assert ok.status_code == 302
    creditor = db.session.scalar(select(Creditor).where(Creditor.name == "ร้านทองแม่ริม"))
    assert creditor.addressee == "เจ้าของ" and creditor.source == "entered"


def test_the_search_answers_options_for_the_picker(client):
    login(client, "coop_officer")
    items = client.get("/debt-cases/creditors/search?q=กรุงไทย").json["items"]
    assert {"value": "ธนาคารกรุงไทย", "creditor_type": "ktb"}.items() <= items[0].items()


def test_the_case_form_offers_the_creditors_on_file_and_keeps_the_input_on_a_type_conflict(client):
    login(client, "coop_officer")
    page = client.get("/debt-cases/new").get_data(as_text=True)
    assert 'list="creditors-on-file"' in page and '<option value="ธนาคารออมสิน" data-type="gsb">' in page
    assert "js/creditor_picker.js" in page and "<script>" not in page  # no inline script (CSP)
    data = form_data() | {"debts-1-creditor_type": "other_bank"}  # ธนาคารกรุงไทย is on file as ktb
    refused = client.post("/debt-cases/new", data=data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-field="debts-1-creditor_type"' in html and 'value="ธนาคารกรุงไทย"' in html
    saved = client.post("/debt-cases/new", data=form_data())
    assert saved.status_code == 302
    case = db.session.scalar(select(DebtCase).order_by(DebtCase.id.desc()))
    assert [d.creditor.name for d in case.debts] == ["สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "ธนาคารกรุงไทย"]
