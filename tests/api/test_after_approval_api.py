"""After approval through the API (api-v1.md v1.1): creditor answers, payoffs, activation, revision."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Debt, DeductionLine
from tests.helpers import approved_through_api, standard_plan


def approved(api, reschedule_last=True):
    """A case whose plan consolidates the first two debts (and reschedules the third), approved by the province."""
    plan_for = standard_plan if reschedule_last else (lambda ids: {"consolidate": standard_plan(ids)["consolidate"]})
    return approved_through_api(api, plan_for=plan_for)


def accept(officer, url, debt_id, amount="1450000.00", valid="2027-01-31", **more):
    return officer.post(url + "/creditor-responses", json={
        "debt_id": debt_id, "response": "accepted", "responded_on": "2026-11-20", "reference": f"REF-{debt_id}",
        "payoff_amount": amount, "payoff_valid_until": valid, **more})


def test_answers_payoffs_and_activation_in_order(api):
    officer, url, ids, plan = approved(api)
    # nothing answered: activation names every debt the plan touches
    version = officer.get(url).json["version"]
    early = officer.post(url + "/transitions", json={"action": "activate", "version": version,
                                                     "agreement_signed_on": "2026-11-25", "first_due_month": "2027-01"})
    assert early.status_code == 409
    assert [(m["debt_id"], m["missing"]) for m in early.json["error"]["missing"]] == [(d, "answer") for d in ids]
    assert all(name in early.json["error"]["message"] for name in ("ธนาคารออมสิน (ช.พ.ค.)", "ธนาคารกรุงไทย"))

    for debt_id in ids[:2]:
        assert accept(officer, url, debt_id).status_code == 201
    # a rescheduled debt's acceptance needs no payoff amount
    rescheduled = officer.post(url + "/creditor-responses", json={
        "debt_id": ids[2], "response": "accepted", "responded_on": "2026-11-21"})
    assert rescheduled.status_code == 201, rescheduled.json
    listed = officer.get(url + "/creditor-responses").json["items"]
    assert [row["debt_id"] for row in listed] == [ids[2], ids[1], ids[0]] and all(r["current"] for r in listed)

    # consolidated debts still unpaid: 409 naming them, not the rescheduled one
    version = officer.get(url).json["version"]
    waiting = officer.post(url + "/transitions", json={"action": "activate", "version": version,
                                                       "agreement_signed_on": "2026-11-25", "first_due_month": "2027-01"})
    assert waiting.status_code == 409
    assert [(m["debt_id"], m["missing"]) for m in waiting.json["error"]["missing"]] == [
        (ids[0], "payoff"), (ids[1], "payoff")]

    # the rescheduled debt is not paid off: 422
    assert officer.post(url + "/payoffs", json={"debt_id": ids[2], "amount": "1.00",
                                               "paid_on": "2026-11-24"}).status_code == 422
    # a different amount needs a reason
    differs = officer.post(url + "/payoffs", json={"debt_id": ids[0], "amount": "1450100.00", "paid_on": "2026-11-24"})
    assert differs.status_code == 422 and {"amount", "difference_reason"} <= set(differs.json["error"]["fields"])
    paid = officer.post(url + "/payoffs", json={"debt_id": ids[0], "amount": "1450100.00", "paid_on": "2026-11-24",
                                               "reference": "TR-1", "difference_reason": "ดอกเบี้ยเพิ่ม 2 วัน"})
    assert paid.status_code == 201, paid.json
    assert officer.post(url + "/payoffs", json={"debt_id": ids[0], "amount": "1450100.00", "paid_on": "2026-11-24",
                                               "difference_reason": "ซ้ำ"}).status_code == 409
    assert officer.post(url + "/payoffs", json={"debt_id": ids[1], "amount": "1450000.00",
                                               "paid_on": "2026-11-24"}).status_code == 201
    assert db.session.get(Debt, ids[0]).closed_on == date(2026, 11, 24)

    # dates are checked: a month that is no month, a first deduction before the agreement
    version = officer.get(url).json["version"]
    bad = officer.post(url + "/transitions", json={"action": "activate", "version": version,
                                                   "agreement_signed_on": "2026-11-25", "first_due_month": "2026-13"})
    assert bad.status_code == 422 and "first_due_month" in bad.json["error"]["fields"]
    active = officer.post(url + "/transitions", json={"action": "activate", "version": version,
                                                      "agreement_signed_on": "2026-11-25",
                                                      "first_due_month": "2027-01"})
    assert active.status_code == 200 and active.json["status"] == "active", active.json
    lines = db.session.scalars(select(DeductionLine).where(DeductionLine.case_id == active.json["id"])
                               .order_by(DeductionLine.legal_order, DeductionLine.from_month)).all()
    # the new loan first (the model cooperative), from January 2027; the rescheduled bank debt after it
    assert lines[0].part == "new_loan" and lines[0].from_month == date(2027, 1, 1)
    assert Decimal(lines[0].amount) == Decimal(plan["new_loan"]["monthly_payment"])
    assert {line.part for line in lines} == {"new_loan", str(ids[2])}
    # an annuity is one run and its last instalment: the run's months plus the last one are the schedule's
    loan = [line for line in lines if line.part == "new_loan"]
    months = sum((l.to_month.year * 12 + l.to_month.month) - (l.from_month.year * 12 + l.from_month.month) + 1
                 for l in loan)
    schedule = officer.get(f"{url}/plans/{plan['id']}/schedule?part=new_loan").json["items"]
    assert months == len(schedule)
    # answers and payoffs are for an approved case only
    assert accept(officer, url, ids[0]).status_code == 409


def test_counter_offer_then_revise_starts_a_new_version(api):
    officer, url, ids, plan = approved(api)
    offer = officer.post(url + "/creditor-responses", json={
        "debt_id": ids[2], "response": "counter_offer", "responded_on": "2026-11-20",
        "counter_annual_rate": "6.50", "counter_term_months": 72})
    assert offer.status_code == 201 and offer.json["counter_annual_rate"] == "6.50"
    case = officer.get(url).json
    revised = officer.post(url + "/transitions", json={"action": "revise", "version": case["version"],
                                                       "comment": "เจ้าหนี้เสนอเงื่อนไขใหม่"})
    assert revised.status_code == 200 and revised.json["status"] == "draft"
    assert revised.json["plan_version"] == 2
    # the earlier answer stays, marked as of version 1 and no longer current
    items = officer.get(url + "/creditor-responses").json["items"]
    assert [(i["plan_version"], i["current"]) for i in items] == [(1, False)]
    history = officer.get(url + "/history").json["items"]
    assert history[-1]["action"] == "revise" and history[-1]["to"] == "draft"


def test_bad_answers_are_field_errors(api):
    officer, url, ids, plan = approved(api)
    missing = officer.post(url + "/creditor-responses", json={"debt_id": ids[0], "response": "accepted",
                                                              "responded_on": "2026-11-20"})
    assert missing.status_code == 422
    assert {"payoff_amount", "payoff_valid_until"} <= set(missing.json["error"]["fields"])
    assert officer.post(url + "/creditor-responses", json={"debt_id": 999999, "response": "accepted",
                                                           "responded_on": "2026-11-20"}).status_code == 422
    expired = accept(officer, url, ids[0], valid="2026-11-01")
    assert expired.status_code == 422 and "payoff_valid_until" in expired.json["error"]["fields"]
    assert officer.post(url + "/creditor-responses", json={"debt_id": ids[2], "response": "maybe",
                                                           "responded_on": "2026-11-20"}).status_code == 422
    # the role first: an approver records no answers
    assert api("province_approver").post(url + "/creditor-responses", json={}).status_code == 403
    assert api("coop_officer2").post(url + "/creditor-responses", json={}).status_code == 404


def activated(api):
    officer, url, ids, plan = approved(api, reschedule_last=False)
    for debt_id in ids[:2]:
        accept(officer, url, debt_id)
        officer.post(url + "/payoffs", json={"debt_id": debt_id, "amount": "1450000.00", "paid_on": "2026-11-24"})
    version = officer.get(url).json["version"]
    active = officer.post(url + "/transitions", json={"action": "activate", "version": version,
                                                      "agreement_signed_on": "2026-11-25",
                                                      "first_due_month": "01/2570"})
    assert active.status_code == 200, active.json
    return officer, url, ids, plan, active.json


def test_the_funnel_days_follow_the_answers_and_payoffs(api):
    officer, url, ids, plan, case = activated(api)
    days = case["after_approval"]
    # approved today; answered on the answers' day; paid off on the last payoff day; active on the agreement day
    assert days["answered_on"] == "2026-11-20" and days["paid_off_on"] == "2026-11-24"
    assert days["agreement_signed_on"] == "2026-11-25" and case["first_due_month"] == "2027-01"
    assert days["approved_on"] is not None


def test_revising_an_active_case_ends_its_deductions_and_approval_makes_version_2(api):
    from app.domain import clock
    from app.services.deduction_lines import add_months
    from app.services.plan_schedules import approval_snapshot
    from app.models import DebtCase

    officer, url, ids, plan, case = activated(api)
    revised = officer.post(url + "/transitions", json={"action": "revise", "version": case["version"]})
    assert revised.status_code == 200 and revised.json["plan_version"] == 2
    assert revised.json["after_approval"] == {"approved_on": None, "answered_on": None, "paid_off_on": None,
                                              "agreement_signed_on": None}
    # no run reaches past the month under way (today, Bangkok)
    this_month = clock.today().replace(day=1)
    lines = db.session.scalars(select(DeductionLine).where(DeductionLine.case_id == case["id"])).all()
    assert all(line.to_month <= this_month for line in lines)
    assert all(line.from_month < add_months(this_month, 1) for line in lines)
    # the same plan submitted and approved again: a second snapshot, of version 2
    submitted = officer.post(url + "/transitions", json={"action": "submit", "plan_id": plan["id"],
                                                         "version": revised.json["version"]}).json
    again = api("province_approver").post(url + "/transitions", json={"action": "approve",
                                                                      "version": submitted["version"]})
    assert again.status_code == 200 and again.json["status"] == "approved"
    snapshot = approval_snapshot(db.session.get(DebtCase, case["id"]))
    assert snapshot.data["plan_version"] == 2
    # version 1's answers do not count for version 2: activation names the debts again
    blocked = officer.post(url + "/transitions", json={"action": "activate", "version": again.json["version"],
                                                       "agreement_signed_on": "2026-11-28",
                                                       "first_due_month": "2027-02"})
    assert blocked.status_code == 409
    assert {m["debt_id"] for m in blocked.json["error"]["missing"]} == set(ids[:2])
