"""Issue 3's journey: an officer registers a teacher with three debts, builds two plans, compares them,
and chooses one — in a real browser, typing into the real form."""
import os

import pytest

from tests.e2e.steps import choose_plan
from tests.helpers import sign_in

pytestmark = pytest.mark.e2e

DEBTS = [
    ("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "1850000", "5.75", "21500", "132"),
    ("ธนาคารออมสิน (ช.พ.ค.)", "gsb", "600000", "6.90", "9000", "96"),
    ("ธนาคารกรุงไทย", "ktb", "150000", "7.12", "4500", "40"),
]


def test_register_three_debts_build_two_plans_and_compare(page):
    sign_in(page, "coop_officer")
    page.get_by_test_id("menu").get_by_role("link", name="กรณีหนี้ครู").click()
    page.get_by_role("link", name="ลงทะเบียนครู").click()
    page.fill("#teacher-citizen_id", "1101700230708")
    page.fill("#teacher-title", "นาง")
    page.fill("#teacher-first_name", "สมศรี")
    page.fill("#teacher-last_name", "ใจดี")
    page.fill("#teacher-birth_date", "1975-04-01")
    page.fill("#monthly_salary", "45000")
    page.fill("#monthly_allowances", "3500")
    page.fill("#deductions-0-monthly_amount", "1200")
    page.fill("#deductions-1-monthly_amount", "1350")
    for i, (name, kind, outstanding, rate, payment, months) in enumerate(DEBTS):
        if i:
            page.get_by_test_id("add-debt").click()
        page.fill(f"#debts-{i}-creditor_name", name)
        page.select_option(f"#debts-{i}-creditor_type", kind)
        page.fill(f"#debts-{i}-outstanding", outstanding)
        page.fill(f"#debts-{i}-annual_rate", rate)
        page.fill(f"#debts-{i}-monthly_payment", payment)
        page.fill(f"#debts-{i}-remaining_months", months)
    # nothing typed was lost while rows were added
    assert page.input_value("#debts-0-creditor_name") == DEBTS[0][0]
    assert page.input_value("#teacher-first_name") == "สมศรี"
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/debt-cases/*")

    # 48,500 − 2,550 − 35,000 = 10,950 → 24.33% of 45,000; short 13,500 − 10,950 = 2,550
    assert page.get_by_test_id("ratio").inner_text() == "24.33%"
    assert page.get_by_test_id("shortfall").inner_text() == "2,550.00"
    assert "ส้ม" in page.get_by_test_id("risk-group").inner_text()

    debt_ids = page.locator("[data-testid=debts] tbody tr td:first-child").all_inner_texts()
    assert len(debt_ids) == 3
    # Plan A: consolidate the two bank debts
    page.fill("#label", "แผน ก รวมหนี้ธนาคาร")
    for debt_id in debt_ids[1:]:
        page.check(f"#c{debt_id}")
    page.fill("#annual_rate", "4.5")
    page.fill("#term_months", "120")
    page.get_by_test_id("add-plan").click()
    page.wait_for_url("**#plans")
    # Plan B: ask for the shortest term consolidating everything, then add it
    page.fill("#label", "แผน ข รวมหนี้ทั้งหมด")
    for debt_id in debt_ids:
        page.check(f"#c{debt_id}")
    page.fill("#annual_rate", "4.5")
    page.get_by_test_id("suggest").click()
    suggestion = page.get_by_test_id("suggestion").inner_text()
    assert "ระยะเวลาสั้นที่สุดที่ผ่านเกณฑ์" in suggestion
    assert page.input_value("#term_months") != ""  # the suggested term is filled in
    page.get_by_test_id("add-plan").click()
    page.wait_for_url("**#plans")

    table = page.get_by_test_id("plan-comparison")
    header = table.locator("thead").inner_text()
    assert "แผน ก รวมหนี้ธนาคาร" in header and "แผน ข รวมหนี้ทั้งหมด" in header
    ratios = table.locator("tbody tr").nth(2).locator("td").all_inner_texts()
    assert ratios[1] == "24.33%" and ratios[3].endswith("%")
    assert float(ratios[3].rstrip("%")) >= 30.0  # plan B meets the floor by construction
    if os.environ.get("KRUDESK_SCREENSHOTS"):
        page.screenshot(path=os.environ["KRUDESK_SCREENSHOTS"] + "/debt-case-plans.png", full_page=True)
    choose_plan(page, table.get_by_role("button", name="เลือก").nth(1))
    assert "เลือกแล้ว" in page.get_by_test_id("plan-comparison").locator("thead").inner_text()
