"""Guarantors on the debt-case form (issue 20): one per line, "เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล", read
strictly with a message naming each refused line and what was typed kept; editing shows them back and replaces them;
a note left by migration 0022 is shown and kept until cleared; the person page shows the exposure."""
from __future__ import annotations

import html

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Debt, DebtCase, DebtGuarantor

SPOUSE, SON = "3100100123451", "1409900123454"


def form_data(**changes):
    data = {
        "teacher-citizen_id": "1101700230708", "teacher-title": "นาง", "teacher-first_name": "สมศรี",
        "teacher-last_name": "ใจดี", "teacher-birth_date": "1975-04-01", "monthly_salary": "45000.00",
        "monthly_allowances": "0", "deductions-0-kind": "tax", "deductions-0-monthly_amount": "1200.00",
        "debts-0-creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "debts-0-creditor_type": "cooperative",
        "debts-0-outstanding": "1850000.00", "debts-0-annual_rate": "5.75", "debts-0-monthly_payment": "21500.00",
        "debts-0-remaining_months": "132", "debts-0-legal_status": "normal", "debts-0-salary_deducted": "y",
        "debts-0-guarantor_lines": f"3-1001-00123-45-1 นาง ซูไรดา สาแม\n\n{SON} อิมรอน สาแม\n", "action": "save",
    }
    data.update(changes)
    return data


def _guarantors(case_id: int) -> list[tuple]:
    return db.session.execute(select(DebtGuarantor.citizen_id, DebtGuarantor.title, DebtGuarantor.first_name,
                                     DebtGuarantor.last_name).join(Debt).where(Debt.case_id == case_id)
                              .order_by(Debt.position, DebtGuarantor.position)).all()


def test_guarantors_typed_one_per_line(as_user):
    client = as_user("coop_officer")
    response = client.post("/debt-cases/new", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(DebtCase))
    assert _guarantors(case.id) == [(SPOUSE, "นาง", "ซูไรดา", "สาแม"), (SON, None, "อิมรอน", "สาแม")]
    # the edit page shows them back, one per line, and saving what it shows changes nothing
    page = client.get(f"/debt-cases/{case.id}/edit").get_data(as_text=True)
    assert f"{SPOUSE} นาง ซูไรดา สาแม\n{SON} อิมรอน สาแม</textarea>" in page
    # editing replaces them
    edited = client.post(f"/debt-cases/{case.id}/edit", data=form_data(**{
        "version": str(case.version), "debts-0-id": str(case.debts[0].id),
        "debts-0-guarantor_lines": f"{SON} นาย อิมรอน สาแม"}))
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    assert _guarantors(case.id) == [(SON, "นาย", "อิมรอน", "สาแม")]


def test_a_refused_line_is_named_and_what_was_typed_stays(app, as_user):
    client = as_user("coop_officer")
    typed = (f"{SPOUSE} นาง ซูไรดา สาแม\n3100100123452 นาง ซูไรดา สาแม\n{SON} นายอิมรอน สาแม\n"
             "1101700230708 นาง สมศรี ใจดี")
    response = client.post("/debt-cases/new", data=form_data(**{"debts-0-guarantor_lines": typed}))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'data-field="debts-0-guarantor_lines"' in page
    assert f">{typed}</textarea>" in page   # kept as typed
    with app.test_request_context():
        for n in (2, 3, 4):  # a bad check digit, a title run into the name, the teacher herself
            assert _("Line %(n)d", n=n) + ":" in page
        assert _("Line %(n)d", n=1) + ":" not in page
        assert _("The teacher cannot guarantee their own debt.") in page
    assert db.session.scalar(select(func.count()).select_from(DebtCase)) == 0


def test_a_migrated_note_is_shown_and_kept_until_cleared(as_user):
    client = as_user("coop_officer")
    client.post("/debt-cases/new", data=form_data(**{"debts-0-guarantor_lines": ""}))
    case = db.session.scalar(select(DebtCase))
    case.debts[0].guarantors_note = "เพื่อนครูสองคน รอสำเนาบัตร"   # what migration 0022 could not read
    db.session.commit()
    page = client.get(f"/debt-cases/{case.id}/edit").get_data(as_text=True)
    assert 'data-testid="guarantors-note"' in page and "เพื่อนครูสองคน รอสำเนาบัตร" in page
    base = {"version": str(case.version), "debts-0-id": str(case.debts[0].id),
            "debts-0-guarantors_note": "เพื่อนครูสองคน รอสำเนาบัตร"}
    # an edit that leaves the box unticked keeps the note, whatever the hidden copy says
    client.post(f"/debt-cases/{case.id}/edit", data=form_data(**{**base, "debts-0-guarantors_note": "อื่น"}))
    db.session.expire_all()
    assert db.session.get(DebtCase, case.id).debts[0].guarantors_note == "เพื่อนครูสองคน รอสำเนาบัตร"
    version = db.session.get(DebtCase, case.id).version
    client.post(f"/debt-cases/{case.id}/edit", data=form_data(**{
        **base, "version": str(version), "debts-0-clear_guarantors_note": "y"}))
    db.session.expire_all()
    saved = db.session.get(DebtCase, case.id)
    assert saved.debts[0].guarantors_note is None and len(_guarantors(case.id)) == 2


def test_the_person_page_shows_the_exposure(as_user):
    client = as_user("coop_officer")
    client.post("/debt-cases/new", data=form_data())
    other = form_data(**{"teacher-citizen_id": SPOUSE, "teacher-first_name": "ซูไรดา", "teacher-last_name": "สาแม",
                         "debts-0-guarantor_lines": "", "debts-0-outstanding": "300000.00",
                         "debts-0-monthly_payment": "5000.00"})
    assert client.post("/debt-cases/new", data=other).status_code == 302
    person_id = db.session.scalar(select(DebtCase.person_id).where(DebtCase.total_outstanding == 300000))
    page = client.get(f"/people/{person_id}").get_data(as_text=True)
    assert 'data-testid="exposure-guarantor"' in page and 'data-testid="exposure-debtor"' in page
    guaranteed = db.session.scalar(select(DebtCase).where(DebtCase.total_outstanding == 1850000))
    assert f'href="/debt-cases/{guaranteed.id}"' in page
    assert "1-1017-xxxxx-70-8" in page and "1101700230708" not in page   # the debtor's ID masked
    assert 'data-testid="total-guaranteed">1,850,000.00<' in page
    assert "300,000.00" in page
