"""Demo data for repayments (issue 20), so that `make run` shows a case being repaid: a teacher whose restructured
plan started ten months ago, repaid every month from payroll except the last two, so the case page has a timeline
and a bucket (31–60 days), and the repayment report has a year's trend. Through the real services; once.

The case is brought in from an earlier round (api-v1.md "Dates in the past are accepted"): approved and activated
today with its agreement and first due month in the past. Activation assesses it at once, before its past
repayments are recorded, so this seed sets its arrears aside and walks the months again in order, as the daily run
would have: each month's payroll file, then the sweep on the 5th of the next month.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from app.domain import clock
from app.domain.instalments import month_index, month_of
from app.extensions import db
from app.models import DebtCase, Notification, User
from app.models.repayments import CaseDelinquency, DelinquencyChange
from app.services import arrears, creditor_answers, instalments, payoffs, repayments
from app.services.debt_cases import create_case
from app.services.debt_input import parse_case
from app.services.debt_plans import create_plan
from app.services.workflow import TransitionRequest, transition

MONTHS_AGO = 10   # the first due month
MISSED = 2        # the last months payroll did not deduct

DEMO_REPAYING_DEBT = ("coop_officer", {
    "teacher": {"citizen_id": "3501200888880", "title": "นางสาว", "first_name": "กัลยา", "last_name": "ศรีวงศ์",
                "birth_date": "1978-08-14", "position": "ครู ชำนาญการ", "workplace": "โรงเรียนบ้านแม่ริม"},
    "monthly_salary": "38500.00", "monthly_allowances": "3500.00", "paying_unit_code": "AREA-CMI-02",
    "deductions": [{"kind": "tax", "monthly_amount": "900.00"}, {"kind": "gpf", "monthly_amount": "1155.00"}],
    "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
               "outstanding": "780000.00", "annual_rate": "5.75", "monthly_payment": "12500.00",
               "remaining_months": 84, "legal_status": "normal", "salary_deducted": True},
              {"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "420000.00",
               "annual_rate": "6.90", "monthly_payment": "8200.00", "remaining_months": 72,
               "legal_status": "normal", "salary_deducted": True,
               "guarantors": [{"citizen_id": "1501200999995", "title": "นาย", "first_name": "วีระ",
                               "last_name": "ใจมั่น"}]}],
})


def seed_demo_repaying(users: dict[str, User]) -> int:
    username, body = DEMO_REPAYING_DEBT
    if db.session.scalar(select(DebtCase.id).where(
            DebtCase.person.has(citizen_id=body["teacher"]["citizen_id"]))) is not None:
        return 0
    officer, today = users[username], clock.today()
    first_due = month_of(month_index(today) - MONTHS_AGO)
    signed = first_due - timedelta(days=20)
    case = create_case(officer, parse_case(body))
    ids = [d.id for d in case.debts]
    plan = create_plan(officer, case.id, {
        "label": "รวมหนี้ธนาคารเข้าสหกรณ์ 4.75% 120 งวด",
        "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.75", "term_months": 120, "method": "annuity"}})
    transition("debt", officer, case.id, TransitionRequest("submit", plan_id=plan.id))
    transition("debt", users["province_approver"], case.id,
               TransitionRequest("approve", comment="เห็นชอบ", resolution_no="ศธจ.ชม. 3/2569"))
    debt = case.debts[1]
    creditor_answers.record_response(officer, case.id, {
        "debt_id": debt.id, "response": "accepted", "responded_on": (signed - timedelta(days=10)).isoformat(),
        "reference": "ออมสิน ชพค. 2568/977", "payoff_amount": str(debt.outstanding),
        "payoff_valid_until": signed.isoformat()})
    payoffs.record_payoff(officer, case.id, {"debt_id": debt.id, "amount": str(debt.outstanding),
                                             "paid_on": (signed - timedelta(days=3)).isoformat(), "reference": "TR-2568-977"})
    case = db.session.get(DebtCase, case.id)
    transition("debt", officer, case.id, TransitionRequest(
        "activate", version=case.version, agreement_signed_on=signed.isoformat(),
        first_due_month=first_due.strftime("%Y-%m")))
    _replay_months(users["province_officer"], db.session.get(DebtCase, case.id), first_due, today)
    return 1


def _replay_months(payroll: User, case: DebtCase, first_due: date, today: date) -> None:
    """Each ended month's deduction from payroll (none for the last MISSED), then the sweep of the 5th after it."""
    db.session.execute(delete(CaseDelinquency).where(CaseDelinquency.case_id == case.id))
    db.session.execute(delete(DelinquencyChange).where(DelinquencyChange.case_id == case.id))
    db.session.execute(delete(Notification).where(Notification.link.like(f"%/debt-cases/{case.id}#repayments")))
    db.session.commit()
    schedule = {item.due_month: item.amount_due for item in instalments.items(case, today)}
    ended = [month_of(index) for index in range(month_index(first_due), month_index(today))]
    for number, month in enumerate(ended):
        fifth = min(month_of(month_index(month) + 1) + timedelta(days=4), today)
        if number < len(ended) - MISSED:
            repayments.record(payroll, month, [{
                "citizen_id": case.person.citizen_id, "case_id": case.id, "part": "new_loan",
                "amount": str(schedule[month]), "paid_on": (month_of(month_index(month) + 1) - timedelta(days=3)).isoformat(),
                "reference": f"AREA-CMI-02-{month:%Y%m}-{case.id}"}], source="file", as_of=fifth)
        arrears.assess(fifth, report_month=month)
        db.session.commit()
    arrears.assess(today, report_month=today.replace(day=1))
    db.session.commit()
