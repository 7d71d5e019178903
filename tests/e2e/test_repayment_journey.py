"""Issue 20's journey in a real browser: a case brought in from an earlier round is behind (90+, flagged) → the
officer uploads the payroll file, sees the dry run's report (row, column, reason), records the matching rows → the
case page shows the timeline and a 1–30 bucket → one repayment by hand brings it back to current, the flag gone."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain import clock
from app.domain.instalments import month_index, month_of
from app.domain.thai_text import typed_date_text, typed_month_text
from tests.helpers import citizen_id, sign_in, three_debts
from tests.e2e.steps import confirm

TEACHER = citizen_id(920)   # a teacher of this test only
MONTHS = 10                 # instalments due since the first due month, the month under way not counted

pytestmark = pytest.mark.e2e


def active_since_ten_months(app) -> tuple[int, list]:
    """Through the services: the GSB debt consolidated, approved, settled and activated with its first due month
    ten months ago (dates in the past are accepted). (case id, [(month, amount due)] of the ended months)."""
    from app.extensions import db
    from app.models import DebtCase, User
    from app.services import creditor_answers, debt_cases, debt_plans, instalments, payoffs
    from app.services.debt_input import parse_case
    from app.services.workflow import TransitionRequest, transition

    users = {u.username: u for u in db.session.scalars(select(User))}
    officer, today = users["coop_officer"], clock.today()
    body = three_debts()
    body["teacher"]["citizen_id"] = TEACHER
    case = debt_cases.create_case(officer, parse_case(body))
    gsb = case.debts[1]
    plan = debt_plans.create_plan(officer, case.id, {"label": "รวมหนี้ออมสิน", "consolidate": {
        "debt_ids": [gsb.id], "annual_rate": "4.50", "term_months": 180}})
    transition("debt", officer, case.id, TransitionRequest("submit", plan_id=plan.id))
    transition("debt", users["province_approver"], case.id, TransitionRequest("approve"))
    first_due = month_of(month_index(today) - MONTHS)
    signed = first_due - timedelta(days=20)
    creditor_answers.record_response(officer, case.id, {
        "debt_id": gsb.id, "response": "accepted", "responded_on": (signed - timedelta(days=5)).isoformat(),
        "payoff_amount": "600000.00", "payoff_valid_until": signed.isoformat()})
    payoffs.record_payoff(officer, case.id, {"debt_id": gsb.id, "amount": "600000.00",
                                             "paid_on": (signed - timedelta(days=2)).isoformat()})
    case = db.session.get(DebtCase, case.id)
    transition("debt", officer, case.id, TransitionRequest("activate", version=case.version,
                                                           agreement_signed_on=signed.isoformat(),
                                                           first_due_month=first_due.strftime("%Y-%m")))
    due = [(i.due_month, i.amount_due) for i in instalments.items(db.session.get(DebtCase, case.id), today)
           if i.due_month < today.replace(day=1)]
    assert len(due) == MONTHS
    return case.id, due


def payroll_file(case_id: int, due: list) -> bytes:
    """The first nine ended months as the payroll office sends them, and one row for somebody else's ID."""
    header = "เลขประจำตัวประชาชน,เลขที่กรณี,รายการ,จำนวนเงินที่หักได้,วันที่หัก/ชำระ,เลขอ้างอิงรายการ\n"
    rows = [f"{TEACHER},{case_id},new_loan,{amount},{typed_date_text(month + timedelta(days=24))},PR-{month:%Y%m}"
            for month, amount in due[:-1]]
    rows.append(f"{citizen_id(921)},{case_id},new_loan,100.00,{typed_date_text(clock.today())},PR-WRONG")
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def upload(page, content: bytes, *, dry_run: bool, partial: bool = False):
    page.goto("/debt-cases/deductions")
    page.get_by_test_id("to-repayments").click()
    today = clock.today()
    page.locator("#month").fill(typed_month_text(today.year, today.month))
    page.locator("#file").set_input_files(files=[{"name": "payroll.csv", "mimeType": "text/csv", "buffer": content}])
    page.locator("#dry_run").set_checked(dry_run)
    page.locator("#accept_partial").set_checked(partial)
    page.get_by_test_id("upload-repayments").click()
    return page.get_by_test_id("repayment-report")


def test_upload_the_payroll_file_then_catch_up_by_hand(app, browser, live_server):
    case_id, due = active_since_ten_months(app)
    officer = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "coop_officer")

    officer.goto(f"/debt-cases/{case_id}")
    assert "เกิน 90 วัน" in officer.get_by_test_id("bucket").inner_text()
    assert officer.get_by_test_id("restructure-flag").is_visible()

    # the dry run: row 11 (the header is row 1) is somebody else's ID; nothing recorded
    report = upload(officer, payroll_file(case_id, due), dry_run=True)
    assert "ตรวจสอบอย่างเดียว" in report.get_by_test_id("report-verdict").inner_text()
    row = report.get_by_test_id("report-rows").locator("tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "11"
    assert row.locator("td").nth(1).inner_text() == "เลขประจำตัวประชาชน"
    assert "ผู้กู้" in row.locator("td").nth(2).inner_text()

    # recorded, the matching rows only
    report = upload(officer, payroll_file(case_id, due), dry_run=False, partial=True)
    assert report.get_by_test_id("report-verdict").inner_text().startswith("บันทึกแล้ว")
    officer.goto(f"/debt-cases/{case_id}")
    assert "1–30" in officer.get_by_test_id("bucket").inner_text()   # only last month's instalment is behind
    timeline = officer.get_by_test_id("repayment-timeline")
    assert timeline.locator("g.tl-paid").count() == MONTHS - 1 and timeline.locator("g.tl-overdue").count() == 1

    # last month's instalment by hand, with its receipt: current again, the flag gone
    last_month, amount = due[-1]
    form = officer.get_by_test_id("repayment-form")
    form.locator("#rp-month").fill(typed_month_text(last_month.year, last_month.month))
    form.locator("#rp-amount").fill(f"{amount}")
    form.locator("#rp-paid_on").fill(typed_date_text(clock.today()))
    form.locator("#rp-reference").fill("RCPT-001")
    form.get_by_test_id("record-repayment").click()
    confirm(officer)
    assert "ปกติ" in officer.get_by_test_id("bucket").inner_text()
    assert officer.get_by_test_id("restructure-flag").count() == 0
    history = officer.get_by_test_id("delinquency-history").text_content()   # inside a closed <details>
    assert "เกิน 90 วัน" in history and "1–30" in history
