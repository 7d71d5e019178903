"""Issue 4's journey: the officer submits, the approver returns with a comment, the officer fixes and
resubmits, the approver approves; a large case then needs the regional approver too."""
import pytest

from tests.helpers import sign_in, three_debts
from tests.e2e.steps import choose_plan, confirm

pytestmark = pytest.mark.e2e


def create_case(app, *, large: bool) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services import debt_cases, debt_plans
    from app.services.debt_input import parse_case

    body = three_debts()
    if large:
        body["debts"][0] = {**body["debts"][0], "outstanding": "3100000.00"}
    officer = db.session.scalar(select(User).where(User.username == "coop_officer"))
    case = debt_cases.create_case(officer, parse_case(body))
    ids = [d.id for d in case.debts]
    debt_plans.create_plan(officer, case.id, {"label": "แผนรวมหนี้", "consolidate": {
        "debt_ids": ids if large else ids[1:], "annual_rate": "4.50", "term_months": 240}})
    return case.id


def choose_and_submit(page, case_id):
    page.goto(f"/debt-cases/{case_id}")
    choose_plan(page, page.get_by_test_id("plan-comparison").get_by_role("button", name="เลือก").first)
    page.get_by_test_id("action-submit").click()
    confirm(page)
    assert page.get_by_test_id("case-status").inner_text().startswith("ส่งแล้ว")


def test_submit_return_fix_resubmit_approve(app, browser, live_server):
    case_id = create_case(app, large=False)
    officer = browser.new_context(base_url=live_server).new_page()
    approver = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "coop_officer")
    choose_and_submit(officer, case_id)

    sign_in(approver, "province_approver")
    assert approver.get_by_test_id("inbox-count").inner_text() == "1"
    approver.get_by_test_id("menu").get_by_role("link", name="รอดำเนินการ").click()
    approver.get_by_test_id("inbox").get_by_role("link").first.click()
    approver.get_by_test_id("action-return").click()  # without a comment: refused, nothing changes
    assert "ส่งแล้ว" in approver.get_by_test_id("case-status").inner_text()
    approver.fill("#comment", "กรุณาแก้เงินเดือนให้ตรงกับสลิปล่าสุด")
    approver.get_by_test_id("action-return").click()
    assert "ส่งกลับแก้ไข" in approver.get_by_test_id("case-status").inner_text()

    officer.goto(f"/debt-cases/{case_id}")
    assert "กรุณาแก้เงินเดือนให้ตรงกับสลิปล่าสุด" in officer.get_by_test_id("timeline").inner_text()
    officer.get_by_role("link", name="แก้ไขกรณี").click()
    officer.fill("#monthly_salary", "46000")
    officer.get_by_test_id("save-case").click()
    officer.get_by_test_id("action-submit").click()
    confirm(officer)
    assert "ส่งแล้ว" in officer.get_by_test_id("case-status").inner_text()

    approver.goto(f"/debt-cases/{case_id}")
    approver.get_by_test_id("action-approve").click()
    confirm(approver)
    assert "อนุมัติ" in approver.get_by_test_id("case-status").inner_text()
    assert len(approver.get_by_test_id("snapshot").locator("code").inner_text()) == 64
    assert approver.get_by_test_id("transition-form").count() == 0  # nothing left for the approver to do


def test_a_large_case_goes_to_the_regional_approver(app, browser, live_server):
    case_id = create_case(app, large=True)
    officer = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "coop_officer")
    choose_and_submit(officer, case_id)
    approver = browser.new_context(base_url=live_server).new_page()
    sign_in(approver, "province_approver")
    approver.goto(f"/debt-cases/{case_id}")
    approver.get_by_test_id("action-approve").click()
    confirm(approver)
    assert "รออนุมัติระดับภาค" in approver.get_by_test_id("case-status").inner_text()
    regional = browser.new_context(base_url=live_server).new_page()
    sign_in(regional, "region_approver")
    assert regional.get_by_test_id("inbox-count").inner_text() == "1"
    regional.goto(f"/debt-cases/{case_id}")
    regional.get_by_test_id("action-approve").click()
    confirm(regional)
    assert regional.get_by_test_id("case-status").inner_text().startswith("อนุมัติ")
