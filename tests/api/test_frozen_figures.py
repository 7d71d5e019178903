"""Every figure of an approved case comes from its snapshot, and a plan's figures and schedules from one computation
(issue 17, items 3 and 4; domain.md, Workflow: "letters, schedules, deduction lists and every figure shown for the
approved case come from the snapshot, whatever settings change later").

The known answers are worked out here with exact fractions (tests/domain/exact_reference.py), not read from the app.
"""
from __future__ import annotations

import re
from decimal import Decimal as D
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.models import AuditEvent
from app.services import settings
from tests.domain import exact_reference as ref
from tests.factories import user
from tests.helpers import SPEC_CASE
from tests.pdf.helpers import norm, pdf_text

PRINCIPAL, RATE, TERM = "1234567.89", "4.75", 180

# Every setting a plan is worked out under, changed (app/services/plan_json.py SETTING_KEYS).
EVERY_PLAN_SETTING = {"repayment.rounding_step": "100", "repayment.rounding_mode": "up",
                      "affordability.floor": "0.55", "affordability.base": "receipts",
                      "affordability.absolute_minimum": "30000", "plan.max_term_months": "60",
                      "plan.max_age_at_end": "55"}


def _issue_case() -> dict:
    """The issue's case: one debt of 1,234,567.89 consolidated at 4.75% over 180 months (teacher born 1975)."""
    body = {**SPEC_CASE, "monthly_salary": "65000.00", "debts": [{
        "creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": PRINCIPAL,
        "annual_rate": "6.90", "monthly_payment": "14000.00", "remaining_months": 150, "legal_status": "normal"}]}
    return body


def _draft(api):
    officer = api("coop_officer")
    case = officer.post("/api/v1/debt-cases", json=_issue_case()).json
    plan = officer.post(f"/api/v1/debt-cases/{case['id']}/plans", json={"label": "รวมหนี้", "consolidate": {
        "debt_ids": [case["debts"][0]["id"]], "annual_rate": RATE, "term_months": TERM}})
    assert plan.status_code == 201, plan.json
    return officer, case, plan.json


def _approved(api):
    officer, case, plan = _draft(api)
    url = f"/api/v1/debt-cases/{case['id']}/transitions"
    submitted = officer.post(url, json={"action": "submit", "plan_id": plan["id"], "version": 1}).json
    approved = api("province_approver").post(url, json={"action": "approve", "version": submitted["version"]})
    assert approved.status_code == 200 and approved.json["status"] == "approved", approved.json
    return case, plan


def _change_every_plan_setting():
    for key, value in EVERY_PLAN_SETTING.items():
        settings.set_value(user("admin"), key, value, clock.today(), "issue 17 test")


def _exact_rows(step="0.01", mode="half_up"):
    return ref.schedule(PRINCIPAL, RATE, TERM, step=step, mode=mode)


def _items(rows):
    return [{"n": n, "payment": str(p), "interest": str(i), "principal": str(c), "balance": str(b)}
            for n, p, i, c, b in rows]


def _every_figure(api, client, case_id: int, plan_id: int) -> dict:
    """What anyone reads of the case: the API case and schedule, the pages, the CSV and XLSX downloads."""
    reader = api("province_officer")
    body = reader.get(f"/api/v1/debt-cases/{case_id}").json
    for volatile in ("updated_at",):
        body.pop(volatile, None)
    schedule = reader.get(f"/api/v1/debt-cases/{case_id}/plans/{plan_id}/schedule?part=new_loan").json
    page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    plans_table = re.search(r'data-testid="plan-comparison">(.*?)</table>', page, re.S).group(1)
    plans_table = re.sub(r'<input[^>]*csrf_token[^>]*>', "", plans_table)
    schedule_page = client.get(f"/debt-cases/{case_id}/plans/{plan_id}/schedule?part=new_loan").get_data(as_text=True)
    csv_text = client.get(f"/debt-cases/{case_id}/plans/{plan_id}/schedule.csv?part=new_loan").get_data(as_text=True)
    sheet = load_workbook(BytesIO(client.get(
        f"/debt-cases/{case_id}/plans/{plan_id}/schedule.xlsx?part=new_loan").data)).active
    return {"case": body, "schedule": schedule, "plans_table": plans_table,
            "schedule_page": re.sub(r'<input[^>]*csrf_token[^>]*>', "", schedule_page.split("<main", 1)[-1]),
            "csv": csv_text, "xlsx": [[c.value for c in row] for row in sheet.iter_rows()]}


def test_the_approved_schedule_is_the_issues_known_answer(api):
    # payment = P·r / (1 − (1+r)^−180), r = 4.75% / 12, half-up to the satang: 9,602.86 (the issue's figure)
    case, plan = _approved(api)
    level = ref.as_decimal(ref.half_up(ref.annuity_payment(PRINCIPAL, RATE, TERM)))
    assert level == D("9602.86")
    schedule = api("province_officer").get(
        f"/api/v1/debt-cases/{case['id']}/plans/{plan['id']}/schedule?part=new_loan").json["items"]
    assert schedule == _items(_exact_rows())
    assert len(schedule) == 180 and schedule[0]["payment"] == "9602.86"


def test_changing_every_plan_setting_after_approval_changes_no_figure_of_the_approved_case(api, as_user):
    case, plan = _approved(api)
    client = as_user("province_officer")
    before = _every_figure(api, client, case["id"], plan["id"])
    letter_before = api("province_officer").post(f"/api/v1/debt-cases/{case['id']}/letters", json={"kind": "schedule"})
    assert letter_before.status_code == 201, letter_before.json

    _change_every_plan_setting()
    assert settings.value("repayment.rounding_step") == "100" and settings.value("affordability.floor") == "0.55"

    after = _every_figure(api, client, case["id"], plan["id"])
    assert after["schedule"] == before["schedule"]
    assert after["schedule"]["items"] == _items(_exact_rows())
    assert after["case"] == before["case"]
    assert after["case"]["affordability"]["floor"] == "0.3000"
    assert after["plans_table"] == before["plans_table"]
    assert after["schedule_page"] == before["schedule_page"]
    assert after["csv"] == before["csv"] and after["xlsx"] == before["xlsx"]
    assert len(after["xlsx"]) == 181  # the header and 180 instalments

    # A schedule letter issued after the change prints the approved 180 instalments of 9,602.86 too.
    letter = api("province_officer").post(f"/api/v1/debt-cases/{case['id']}/letters",
                                          json={"kind": "schedule", "reissue_reason": "ฉบับแก้ไขที่อยู่"})
    assert letter.status_code == 201, letter.json
    pdf = api("province_officer").get(f"/api/v1/letters/{letter.json['id']}.pdf").data
    text = pdf_text(pdf)
    assert norm("9,602.86") in text and norm("9,700.00") not in text
    assert norm("180 เดือน") in text or norm("180 งวด") in text


def test_the_letters_read_the_snapshot_not_todays_settings(api):
    from app.services import letters

    case, _plan = _approved(api)
    summary_before = letters.issue(user("province_officer"), "debt", case["id"], "case_summary")
    _change_every_plan_setting()
    summary_after = letters.issue(user("province_officer"), "debt", case["id"], "case_summary",
                                  reissue_reason="หลังเปลี่ยนค่ากำหนด")
    assert summary_after.payload["data"] == summary_before.payload["data"]  # the case summary too

    letter = letters.issue(user("province_officer"), "debt", case["id"], "schedule")
    rows = letter.payload["data"]["schedules"][0]["rows"]
    assert [row[2:] for row in rows] == [[str(p), str(c), str(i), str(b)] for _n, p, i, c, b in _exact_rows()]


def test_a_draft_plan_and_its_schedule_agree_after_the_settings_change(api, as_user):
    officer, case, plan = _draft(api)
    _change_every_plan_setting()
    url = f"/api/v1/debt-cases/{case['id']}"
    stored = officer.get(url).json["plans"][0]
    schedule = officer.get(f"{url}/plans/{plan['id']}/schedule?part=new_loan").json["items"]
    # The plan says 9,602.86 and so does its schedule: both worked out under the settings of the plan's day.
    assert stored["new_loan"]["monthly_payment"] == schedule[0]["payment"] == "9602.86"
    assert schedule == _items(_exact_rows())

    client = as_user("coop_officer")
    page = client.get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="plans-settings-changed"' in page
    assert "ปัดเศษ" in page or "Round" in page  # the changed settings are named

    # Worked out again under today's settings, the 180-month plan breaks today's 60-month cap: it is deleted, audited.
    assert client.post(f"/debt-cases/{case['id']}/plans/recompute").status_code == 302
    assert officer.get(url).json["plans"] == []
    events = {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type.in_(
        ("debt_plan", "debt_case"))))}
    assert {"debt_plan.delete", "debt_plan.recompute"} <= events


def test_working_out_again_under_new_rounding_gives_one_computation(api, as_user):
    officer, case, plan = _draft(api)
    settings.set_value(user("admin"), "repayment.rounding_step", "100", clock.today(), "issue 17 test")
    client = as_user("coop_officer")
    assert client.post(f"/debt-cases/{case['id']}/plans/recompute").status_code == 302
    url = f"/api/v1/debt-cases/{case['id']}"
    stored = officer.get(url).json["plans"][0]
    schedule = officer.get(f"{url}/plans/{plan['id']}/schedule?part=new_loan").json["items"]
    # The exact annuity 9,602.86… rounded UP to 100 baht is 9,700.00 (half-up would have given 9,600.00)
    level = ref.as_decimal(ref.round_up(ref.annuity_payment(PRINCIPAL, RATE, TERM), ref.Fraction(100)))
    assert level == D("9700.00")
    exact = ref.schedule(PRINCIPAL, RATE, TERM, step="100", mode="up")
    assert schedule == _items(exact) and len(schedule) == 178  # the issue's 178 instalments of 9,700.00
    assert stored["new_loan"]["monthly_payment"] == "9700.00" and stored["new_loan"]["months"] == 178
    assert stored["settings"]["rounding_step"] == "100" and stored["settings"]["rounding_mode"] == "up"
    page = client.get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="plans-settings-changed"' not in page
