"""Issue 21, 11: returning a case without a comment asks to fix the marked fields — and the comment box is the one
marked (Bootstrap's is-invalid, aria-invalid, the message tied to it by aria-describedby), on both programmes; the
case does not move."""
from __future__ import annotations

from app.extensions import db
from app.models import DebtCase, ReliefCase
from tests.helpers import three_debts, verified_case

MARKED = ('id="comment"', 'aria-invalid="true"', 'aria-describedby="comment-error"', 'id="comment-error"')


def _marked(html: str) -> bool:
    box = html[html.index('id="comment"') - 200:html.index('id="comment"') + 400]
    return "is-invalid" in box and all(mark in html for mark in MARKED)


def test_a_debt_case_returned_without_a_comment(api, as_user):
    officer = api("coop_officer")
    case = officer.post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    plan = officer.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.50", "term_months": 120}}).json
    officer.post(f"/api/v1/debt-cases/{case['id']}/transitions", json={"action": "submit", "plan_id": plan["id"],
                                                                       "version": 1})
    client = as_user("province_approver")
    page = client.post(f"/debt-cases/{case['id']}/transitions", data={"action": "return", "comment": " ",
                                                                      "version": "2"})
    assert page.status_code == 422
    assert _marked(page.get_data(as_text=True))
    assert db.session.get(DebtCase, case["id"]).status == "submitted"
    fine = client.get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    assert 'id="comment-error"' not in fine   # no mark before anything was refused


def test_a_relief_case_returned_without_a_comment(api, as_user):
    _officer, case = verified_case(api)
    client = as_user("south_approver")
    page = client.post(f"/relief-cases/{case['id']}/transitions", data={"action": "return", "comment": "",
                                                                        "version": str(case["version"] + 1)})
    assert page.status_code == 422, page.status_code
    assert _marked(page.get_data(as_text=True))
    assert db.session.get(ReliefCase, case["id"]).status == "verified"
