"""The guarantor notice and the closure notice (issue 20; domain.md, "After approval" 6–7; api-v1.md v1.1, "Letter
kinds added"), issued through the services for cases made active through the API, read back from their PDFs.

The known answers are worked out here from the plan the API returned and the days chosen: the case's first
instalment is due in February 2027, so its due day is 28 February 2027 (the last day of the month), and with
nothing repaid the debt is 59 days overdue on 28 April 2027 and 60 on the 29th.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import clock
from app.extensions import db
from app.models import DebtCase, Letter
from app.models.guarantors import DebtGuarantor
from app.models.repayments import Repayment
from app.services import arrears, guarantor_notices, instalments, letter_batches, letter_kinds, letters
from app.services.errors import Conflict, ValidationFailed
from tests.factories import user
from tests.helpers import at, active_case, citizen_id
from tests.pdf.helpers import norm, page_count, page_texts, pdf_text

FIRST_DUE_DAY = date(2027, 2, 28)
DAY_59, DAY_60 = FIRST_DUE_DAY + timedelta(days=59), FIRST_DUE_DAY + timedelta(days=60)
GUARANTORS = [("3100100123451", "นาย", "ประเสริฐ", "วงศ์สวัสดิ์"), ("1409900123454", "นาง", "ขวัญใจ", "แก้วมณี")]
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม")




def be(day: date) -> str:
    """"28 กุมภาพันธ์ 2570", written out here rather than through the app's formatter."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def masked(cid: str) -> str:
    return f"{cid[0]}-{cid[1:5]}-xxxxx-{cid[10:12]}-{cid[12]}"


def add_guarantors(debt_id: int, people=GUARANTORS) -> None:
    for position, (cid, title, first, last) in enumerate(people):
        db.session.add(DebtGuarantor(debt_id=debt_id, position=position, citizen_id=cid, title=title,
                                     first_name=first, last_name=last))
    db.session.flush()


@pytest.fixture
def overdue(api):
    """An active case (first instalment February 2027, nothing repaid): the GSB debt consolidated into the new
    loan, guaranteed by two teachers; the KTB debt rescheduled, guaranteed by no one. (case, debt ids, plan)."""
    _officer, url, ids, plan = active_case(api)
    case = db.session.get(DebtCase, int(url.rsplit("/", 1)[1]))
    add_guarantors(ids[1])
    return case, ids, plan


def issue(case, kind, debt_id=None, **kw):
    return letters.issue(user("coop_officer"), "debt", case.id, kind, debt_id, **kw)


# ---- guarantor notice -------------------------------------------------------------------------------------

def test_59_days_overdue_is_refused_with_the_days_and_60_is_issued(overdue):
    case, ids, _plan = overdue
    with at(DAY_59):
        with pytest.raises(Conflict) as refused:
            issue(case, "guarantor_notice", ids[1])
        assert "59" in refused.value.message and "60" in refused.value.message
    assert db.session.scalar(select(func.count(Letter.id))) == 0
    with at(DAY_60):
        letter = issue(case, "guarantor_notice", ids[1])
    assert letter.kind == "guarantor_notice" and letter.debt_id == ids[1] and letter.number_text
    assert letter.payload["data"]["notice"]["days_past_due"] == 60


def test_the_notice_holds_one_copy_per_guarantor_each_addressed_by_name(overdue):
    case, ids, plan = overdue
    with at(DAY_60):
        letter = issue(case, "guarantor_notice", ids[1])
        content = letters.pdf_of(letter)
    pages = page_texts(content)
    names = [f"{title}{first} {last}" for _cid, title, first, last in GUARANTORS]
    # each copy opens on a page of its own, addressed to its guarantor, naming that guarantor's masked ID only
    openings = [i for i, text in enumerate(pages) if norm("เรียน") in text and norm("เรื่อง") in text]
    assert len(openings) == 2 and openings[0] == 0
    first, second = "".join(pages[:openings[1]]), "".join(pages[openings[1]:])
    for (cid, *_rest), name, copy, other in zip(GUARANTORS, names, (first, second), (second, first)):
        assert norm(f"เรียน{name}") in copy and norm(f"เรียน{name}") not in other
        assert norm(masked(cid)) in copy and norm(masked(cid)) not in other
        assert cid not in copy  # never the full ID
    # the facts, worked out here: two instalments of the new loan (February and March) unpaid, the oldest due on
    # 28 February 2027, 60 days before the issue day
    overdue_amount = 2 * Decimal(plan["new_loan"]["monthly_payment"])
    for copy in (first, second):
        for shown in ("นางสมศรี ใจดี", "ธนาคารออมสิน (ช.พ.ค.)", "600,000.00", be(FIRST_DUE_DAY), "60 วัน",
                      f"{overdue_amount:,.2f}", "มาตรา 686", f"กรณีเลขที่ {letter.case_reference} แผนฉบับที่ 1",
                      "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"):
            assert norm(shown) in copy, shown
    assert letter.number_text.split("/")[-1] in pdf_text(content)
    assert letter.addressee == f"{names[0]} และ{names[1]}"


def test_a_rescheduled_debt_is_measured_by_its_own_instalments(overdue):
    case, ids, plan = overdue
    add_guarantors(ids[2], GUARANTORS[1:])
    with at(DAY_60):
        letter = issue(case, "guarantor_notice", ids[2])
    rescheduled = plan["rescheduled"][0]
    assert letter.payload["data"]["notice"]["part"] == str(ids[2])
    assert letter.payload["data"]["notice"]["amount_overdue"] == f"{2 * Decimal(rescheduled['monthly_payment']):.2f}"
    text = pdf_text(letters.pdf_of(letter))
    assert norm("ธนาคารกรุงไทย") in text and norm(f"{2 * Decimal(rescheduled['monthly_payment']):,.2f}") in text


def test_a_debt_without_guarantors_or_outside_the_plan_is_refused(overdue):
    case, ids, _plan = overdue
    with at(DAY_60):
        with pytest.raises(Conflict) as nobody:
            issue(case, "guarantor_notice", ids[2])  # the KTB debt: overdue, but guaranteed by no one
        assert "guarantor" in nobody.value.message.lower() or "ผู้ค้ำ" in nobody.value.message
        add_guarantors(ids[0])
        with pytest.raises(ValidationFailed) as untouched:
            issue(case, "guarantor_notice", ids[0])  # the cooperative's own debt: left on its own terms
        assert "debt_id" in untouched.value.fields
        with pytest.raises(ValidationFailed):
            issue(case, "guarantor_notice", None)
    assert db.session.scalar(select(func.count(Letter.id))) == 0


def test_only_an_active_case_has_guarantor_notices(decided):
    debt, _ = decided  # approved, not yet active
    with pytest.raises(Conflict):
        letters.issue(user("coop_officer"), "debt", debt.id, "guarantor_notice", debt.debts[0].id)


def test_a_second_notice_in_the_same_episode_needs_a_reason_and_a_new_episode_does_not(overdue):
    case, ids, plan = overdue
    with at(DAY_60):
        first = issue(case, "guarantor_notice", ids[1])
    later = DAY_60 + timedelta(days=10)
    with at(later):
        with pytest.raises(Conflict) as again:
            issue(case, "guarantor_notice", ids[1])
        assert again.value.extra["existing_letter"]["id"] == first.id
    # the teacher catches up on the new loan in May (everything due through April), then pays nothing more: by
    # 29 July the May instalment is 60 days overdue (due 31 May) — a new episode, notified without a reason
    monthly = Decimal(plan["new_loan"]["monthly_payment"])
    db.session.add(Repayment(reference="CATCH-UP-1", case_id=case.id, plan_version=case.plan_version,
                             part="new_loan", month=date(2027, 5, 1), amount=3 * monthly, paid_on=date(2027, 5, 10),
                             source="api", batch="test-catch-up"))
    db.session.flush()
    with at(date(2027, 5, 31) + timedelta(days=59)):
        assert letters.existing_letter("debt", case.id, "guarantor_notice", ids[1]) is None
        with pytest.raises(Conflict):
            issue(case, "guarantor_notice", ids[1])  # 59 days into the new episode
    with at(date(2027, 5, 31) + timedelta(days=60)):
        second = issue(case, "guarantor_notice", ids[1])
    assert second.id != first.id and second.payload["data"]["notice"]["oldest_unpaid_due"] == "2027-05-31"
    assert "reissue_reason" not in second.payload["letter"]


def test_a_batch_notifies_every_eligible_debt_once(api, overdue):
    case, ids, _plan = overdue
    add_guarantors(ids[2], GUARANTORS[:1])  # both restructured debts of this case are now guaranteed
    # a case not yet 60 days behind (first instalment March 2027), and one whose debts no one guarantees
    _o, url_late, ids_late, _p = active_case(api, citizen_id=citizen_id(41), first_due_month="2027-03")
    add_guarantors(ids_late[1])
    _o, url_bare, _ids_bare, _p = active_case(api, citizen_id=citizen_id(42))
    late, bare = (int(u.rsplit("/", 1)[1]) for u in (url_late, url_bare))
    officer = user("coop_officer")
    with at(DAY_60):
        arrears.assess(clock.today(), case_ids=[case.id, late, bare])
        found = {c.case.id: c for c in guarantor_notices.candidates(officer)}
        assert list(found) == [case.id]
        assert [d.debt_id for d in found[case.id].due] == [ids[1], ids[2]]
        batch = letter_batches.create(officer, "guarantor_notice", [case.id, late, bare])
        db.session.expire_all()
        batch = db.session.get(type(batch), batch.id)
        assert batch.status == "done", batch.error
        issued = letter_batches.letters_of(batch)
        assert sorted(letter.debt_id for letter in issued) == sorted([ids[1], ids[2]])
        # each letter's own file, cut from the batch's pages: one page per guarantor (two, then one)
        assert {letter.debt_id: page_count(letters.pdf_of(letter)) for letter in issued} == {ids[1]: 2, ids[2]: 1}
        assert {s["case_id"] for s in batch.criteria["skipped"]} == {late, bare}
        # again: nothing left to notify, nothing numbered twice
        again = letter_batches.create(officer, "guarantor_notice", [case.id])
        db.session.expire_all()
        again = db.session.get(type(again), again.id)
        assert again.status == "failed" and len(again.criteria["skipped"]) == 2
        assert db.session.scalar(select(func.count(Letter.id)).where(Letter.kind == "guarantor_notice")) == 2
        assert not guarantor_notices.candidates(officer)[0].due


# ---- closure notice ---------------------------------------------------------------------------------------

def pay_everything(case: DebtCase) -> tuple[Decimal, date]:
    """A Repayment row for every instalment of the plan, each paid on the 20th of its month: (total, last day)."""
    rows = [Repayment(reference=f"PAY-{case.id}-{item.part}-{item.n}", case_id=case.id,
                      plan_version=case.plan_version, part=item.part, month=item.due_month, amount=item.amount_due,
                      paid_on=item.due_month.replace(day=20), source="api", batch="test-pay-all") for item in instalments.items(case)]
    db.session.add_all(rows)
    db.session.flush()
    return sum((r.amount for r in rows), Decimal("0")), max(r.paid_on for r in rows)


def test_the_closure_notice_is_for_closed_cases_only(overdue, decided):
    case, _ids, _plan = overdue
    with pytest.raises(Conflict):
        issue(case, "closure_notice")  # active: still repaying
    debt, _ = decided
    with pytest.raises(Conflict):
        letters.issue(user("coop_officer"), "debt", debt.id, "closure_notice")  # approved, never active
    assert db.session.scalar(select(func.count(Letter.id))) == 0


def test_the_closure_notice_states_what_was_repaid_and_copies_the_paying_unit(overdue):
    case, _ids, plan = overdue
    total, last_paid = pay_everything(case)
    arrears.assess(clock.today(), case_ids=[case.id])
    db.session.expire_all()
    case = db.session.get(DebtCase, case.id)
    assert case.status == "closed"
    letter = issue(case, "closure_notice")
    text = pdf_text(letters.pdf_of(letter))
    today = clock.today()
    stop = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    for shown in ("เรียนนางสมศรี ใจดี", f"{total:,.2f}", be(last_paid), "สำเนาเรียน",
                  "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", f"งวดเดือน{THAI_MONTHS[stop.month - 1]} {stop.year + 543}",
                  f"กรณีเลขที่ {case.reference} แผนฉบับที่ 1", f"{plan['new_loan']['months']} งวด",
                  f"{plan['rescheduled'][0]['months']} งวด"):
        assert norm(shown) in text, shown
    assert letter.payload["data"]["closure"]["total_repaid"] == f"{total:.2f}"


def test_both_kinds_compose_from_the_stored_payload_alone(overdue, monkeypatch):
    """A reprint draws the stored payload only (issue 15): with the database out of reach both still compose."""
    case, ids, _plan = overdue
    with at(DAY_60):
        notice = issue(case, "guarantor_notice", ids[1])
    pay_everything(case)
    arrears.assess(clock.today(), case_ids=[case.id])
    db.session.expire_all()
    closure = issue(db.session.get(DebtCase, case.id), "closure_notice")
    payloads = {letter.kind: letter.payload for letter in (notice, closure)}

    class Unreachable:
        def __getattr__(self, name):
            raise AssertionError(f"compose() touched the database: db.session.{name}")

    with monkeypatch.context() as patch:
        patch.setattr(db, "session", Unreachable())
        composed = {kind: letter_kinds.get(kind).compose(payload) for kind, payload in payloads.items()}
    assert [c.addressee for c in composed["guarantor_notice"].copies] == [
        f"{title}{first} {last}" for _cid, title, first, last in GUARANTORS]
    assert composed["closure_notice"].copy_to and not composed["closure_notice"].copies
