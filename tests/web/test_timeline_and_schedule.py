"""Issue 21 point 9: the timeline names the people who acted (not their usernames), and the on-screen schedule shows
the month each instalment falls due, as the printed one does."""
import re

from sqlalchemy import select

from app.domain import clock
from app.domain.thai_text import to_bangkok
from app.extensions import db
from app.models import CaseSnapshot, DebtCase
from app.services import debt_plans
from tests.factories import act, approved_cases, new_case, user
from tests.helpers import three_debts

THAI_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def _month_after(year: int, month: int, months: int) -> str:
    index = year * 12 + month - 1 + months
    return f"{THAI_SHORT[index % 12]} {index // 12 + 543}"


def test_the_timeline_names_people(as_user):
    case_id, plan_id = new_case()
    debt_plans.choose_plan(user("coop_officer"), case_id, plan_id, None)
    act("coop_officer", case_id, "submit")
    page = as_user("province_approver").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    timeline = page[page.index('data-testid="timeline"'):]
    timeline = timeline[:timeline.index("</ol>")]
    assert "สมชาย ใจงาม" in timeline and "coop_officer" not in timeline


def test_the_schedule_shows_due_months(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "label": "ก", "consolidate": {"debt_ids": [d["id"] for d in case["debts"]], "annual_rate": "4.5",
                                       "term_months": 24, "method": "annuity"}}).json
    page = as_user("coop_officer").get(
        f"/debt-cases/{case['id']}/plans/{plan['id']}/schedule?part=new_loan").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page)
    today = clock.today()
    # not approved yet: an estimate, the first instalment next month, then one a month
    assert rows[0] == ("1", _month_after(today.year, today.month, 1))
    assert rows[23] == ("24", _month_after(today.year, today.month, 24))
    assert 'data-testid="due-basis"' in page and "ประมาณ" in page


def test_an_approved_plan_falls_due_the_month_after_approval(as_user):
    case_id = approved_cases(1)[0]
    case = db.session.get(DebtCase, case_id)
    snapshot = db.session.scalar(select(CaseSnapshot).where(CaseSnapshot.case_type == "debt",
                                                           CaseSnapshot.case_id == case_id))
    approved_on = to_bangkok(snapshot.created_at).date()
    page = as_user("coop_officer").get(
        f"/debt-cases/{case_id}/plans/{case.chosen_plan.id}/schedule?part=new_loan").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page)
    assert rows[0] == ("1", _month_after(approved_on.year, approved_on.month, 1))
    assert "เดือนถัดจากเดือนที่อนุมัติ" in page and "ประมาณ" not in page
