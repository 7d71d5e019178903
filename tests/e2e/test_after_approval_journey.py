"""Issue 19's journey in a real browser: approve → three creditors answer, one with a counter-offer → revise →
approve the new version → pay the old debt off → activate → download February's deduction list as XLSX and check
its lines against the approved plan."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.domain import clock
from app.domain.thai_text import typed_date_text
from tests.helpers import citizen_id, sign_in, three_debts
from tests.e2e.steps import choose_plan, confirm

TEACHER = citizen_id(919)  # a teacher of this test only: the list is read by ID

pytestmark = pytest.mark.e2e


def create_case_with_two_plans(app) -> tuple[int, list[int], list[int]]:
    """Plan A consolidates the GSB and KTB debts and reschedules the cooperative's own; plan B, for after the KTB's
    counter-offer, leaves the KTB debt as it is."""
    from app.extensions import db
    from app.models import User
    from app.services import debt_cases, debt_plans
    from app.services.debt_input import parse_case

    officer = db.session.scalar(select(User).where(User.username == "coop_officer"))
    body = three_debts()
    body["teacher"]["citizen_id"] = TEACHER
    case = debt_cases.create_case(officer, parse_case(body))
    coop, gsb, ktb = (d.id for d in case.debts)
    plans = []
    for label, consolidated in (("แผน ก รวมหนี้ธนาคาร", [gsb, ktb]), ("แผน ข รวมหนี้ออมสิน", [gsb])):
        plan = debt_plans.create_plan(officer, case.id, {"label": label, "consolidate": {
            "debt_ids": consolidated, "annual_rate": "4.50", "term_months": 180},
            "reschedule": [{"debt_id": coop, "annual_rate": "5.50", "term_months": 120}]})
        plans.append(plan.id)
    return case.id, [coop, gsb, ktb], plans


def answer(page, debt_id: int, response: str, **fields):
    form = page.get_by_test_id("answer-form")
    form.locator("#aa-debt_id").select_option(str(debt_id))
    form.locator(f"#aa-r-{response}").check()
    form.locator("#aa-responded_on").fill(typed_date_text(clock.today()))
    for name, value in fields.items():
        form.locator(f"#aa-{name}").fill(value)
    form.get_by_test_id("record-answer").click()
    page.get_by_test_id("after-approval").wait_for()


def approve(approver, case_id: int):
    approver.goto(f"/debt-cases/{case_id}")
    approver.get_by_test_id("action-approve").click()
    confirm(approver)
    assert approver.get_by_test_id("case-status").inner_text().startswith("อนุมัติ")


def test_answers_revise_payoff_activate_and_the_february_list(app, browser, live_server):
    case_id, (coop, gsb, ktb), (plan_a, plan_b) = create_case_with_two_plans(app)
    officer = browser.new_context(base_url=live_server, accept_downloads=True).new_page()
    approver = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "coop_officer")
    sign_in(approver, "province_approver")
    valid_until = typed_date_text(clock.today() + timedelta(days=30))

    # version 1: plan A submitted and approved; the three creditors answer, the KTB with a counter-offer
    officer.goto(f"/debt-cases/{case_id}")
    choose_plan(officer, officer.get_by_test_id("plan-comparison").get_by_role("button", name="เลือก",
                                                                              disabled=False).first)
    officer.get_by_test_id("action-submit").click()
    confirm(officer)
    approve(approver, case_id)
    officer.goto(f"/debt-cases/{case_id}")
    assert "แผนฉบับที่ 1" in officer.get_by_test_id("aa-plan-version").inner_text()
    answer(officer, coop, "accepted")
    answer(officer, gsb, "accepted", payoff_amount="600000.00", payoff_valid_until=valid_until)
    answer(officer, ktb, "counter_offer", counter_annual_rate="6.50", counter_term_months="72")
    assert "เสนอเงื่อนไขใหม่" in officer.get_by_test_id(f"aa-debt-{ktb}").inner_text()
    officer.get_by_test_id("action-activate").click()  # refused: the KTB did not accept, the GSB is not paid
    confirm(officer)
    assert "ธนาคารกรุงไทย" in officer.get_by_test_id("activation-refused").inner_text()

    # revise: version 2, plan B, approved again; version 1's answers stay visible as history
    officer.locator("#rv-confirm").check()
    officer.get_by_test_id("action-revise").click()
    assert "แผนฉบับที่ 2" in officer.get_by_test_id("aa-plan-version").inner_text()
    choose_plan(officer, officer.get_by_test_id("plan-comparison").get_by_role("button", name="เลือก",
                                                                              disabled=False).first)
    officer.get_by_test_id("action-submit").click()
    confirm(officer)
    approve(approver, case_id)
    officer.goto(f"/debt-cases/{case_id}")
    assert "แผนฉบับที่ 2" in officer.get_by_test_id("aa-plan-version").inner_text()
    assert officer.get_by_test_id("aa-earlier-answers").locator("tr").count() >= 3
    answer(officer, coop, "accepted")
    answer(officer, gsb, "accepted", payoff_amount="600000.00", payoff_valid_until=valid_until)

    # the payoff at the accepted amount (prefilled), then activation from February 2570
    payoff = officer.get_by_test_id("payoff-form")
    assert payoff.locator("#po-amount").input_value() == "600000.00"
    payoff.locator("#po-paid_on").fill(typed_date_text(clock.today()))
    payoff.get_by_test_id("record-payoff").click()
    confirm(officer)
    activate = officer.get_by_test_id("activate-form")
    activate.locator("#act-agreement_signed_on").fill(typed_date_text(clock.today()))
    activate.locator("#act-first_due_month").fill("02/2570")
    activate.get_by_test_id("action-activate").click()
    confirm(officer)
    assert "ผ่อนชำระ" in officer.get_by_test_id("case-status").inner_text() or \
        "ดำเนินการ" in officer.get_by_test_id("case-status").inner_text()

    # February's list as XLSX: the teacher's lines in the legal order, the amounts of the approved plan B
    officer.goto("/debt-cases/deductions?month=02/2570")
    with officer.expect_download() as download:
        officer.get_by_test_id("download-xlsx").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            if row and row[3] and str(row[3]).replace("-", "") == TEACHER]
    expected = _expected_lines(case_id, coop, ktb)
    lines = [(row[8], row[9], Decimal(str(row[11])).quantize(Decimal("0.01"))) for row in rows if row[8]]
    assert lines == expected
    total = [row for row in rows if not row[8]]
    assert len(total) == 1 and Decimal(str(total[0][11])).quantize(Decimal("0.01")) == sum(a for *_x, a in expected)
    assert {row[7] for row in rows} == {"รายใหม่"}  # new this month: nothing was deducted in January


def _expected_lines(case_id: int, coop: int, ktb: int) -> list[tuple[int, str, Decimal]]:
    """From the approved plan itself, not the list: the new loan's first instalment to the model cooperative, then
    the cooperative's rescheduled debt (a cooperative: s.42/1), then the untouched KTB debt at its own payment."""
    from app.extensions import db
    from app.models import DebtCase

    case = db.session.get(DebtCase, case_id)
    plan = case.chosen_plan.result
    rescheduled = next(r for r in plan["rescheduled"] if r["debt_id"] == coop)
    ktb_debt = next(d for d in case.debts if d.id == ktb)
    return [(1, case.cooperative.name, Decimal(plan["new_loan"]["monthly_payment"])),
            (2, next(d.creditor_name for d in case.debts if d.id == coop), Decimal(rescheduled["monthly_payment"])),
            (3, ktb_debt.creditor_name, Decimal(ktb_debt.monthly_payment))]
