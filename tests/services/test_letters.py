"""Letters through the services: every kind prints from the approval snapshot for the demo's decided cases,
numbering never repeats (also under parallel issuing), reprints are identical, batches are all-or-nothing."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.domain import clock
from app.domain.thai_text import baht_text, be_year, format_be_date
from app.extensions import db
from app.models import AuditEvent, Debt, DebtCase, Letter, LetterBatch, User
from app.services import creditors, letter_batches, letters, settings
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.pdf.helpers import norm, page_count, pdf_text, qr_codes
from tests.factories import act, new_case, snapshot_of, unit_by_code, user
from tests.helpers import at_once, three_debts


def text_of(letter) -> str:
    return pdf_text(letters.render([letter]))


def today_words() -> str:
    return format_be_date(clock.today())


def test_approval_notice_prints_the_approved_plan_in_digits_and_words(decided):
    debt, _ = decided
    loan = snapshot_of("debt", debt.id).data["chosen_plan"]["new_loan"]
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    text = text_of(letter)
    monthly = Decimal(loan["monthly_payment"])
    for part in ("นางพิมพ์ใจ ศรีวงศ์", f"{monthly:,.2f} บาท ({baht_text(monthly)})",
                 "2,065,000.00 บาท (สองล้านหกหมื่นห้าพันบาทถ้วน)", "ร้อยละ 4.75 ต่อปี", "96 งวด (8 ปี)",
                 f"ที่ {letter.number_text}", today_words(), "ขอแสดงความนับถือ", "ศธจ.ชม. 12/2569"):
        assert norm(part) in text, part
    assert "3509900111117" not in text  # no full citizen ID in a letter
    assert letter.content_sha256 == snapshot_of("debt", debt.id).sha256


def test_every_debt_kind_prints_for_the_demo_case(decided):
    debt, _ = decided
    officer, coop = user("province_officer"), user("coop_officer")
    summary = text_of(letters.issue(coop, "debt", debt.id, "case_summary"))
    assert norm("สรุปข้อมูลกรณีขอแก้ไขปัญหาหนี้สิน") in summary and "1,250,000.00" in summary
    deduction = text_of(letters.issue(officer, "debt", debt.id, "deduction_notice"))
    assert norm("ผู้อำนวยการโรงเรียนบ้านแม่ริม") in deduction and norm("หักเงินเดือน") in deduction
    plan = debt.chosen_plan.result  # the monthly total: the new loan plus every rescheduled or pro-rata payment
    monthly = sum((Decimal(p["monthly_payment"]) for p in [plan["new_loan"] or {"monthly_payment": "0"},
                                                          *plan["rescheduled"], *plan["pro_rata"]]), Decimal("0"))
    assert norm(f"รวมเดือนละ {monthly:,.2f} บาท ({baht_text(monthly)})") in deduction
    schedule = letters.issue(officer, "debt", debt.id, "schedule")
    pdf = letters.render([schedule])
    rows = schedule.payload["data"]["schedules"][0]["rows"]
    assert len(rows) == 96 and rows[-1][5] == "0.00"  # the last instalment clears the loan
    assert Decimal(rows[0][2]) == Decimal(snapshot_of("debt", debt.id).data["chosen_plan"]["new_loan"]["monthly_payment"])
    text = pdf_text(pdf)
    assert page_count(pdf) >= 2 and text.count(norm("งวดที่")) >= page_count(pdf)  # the header repeats
    assert f"{Decimal(rows[-1][3]):,.2f}" in text


def test_creditor_pack_is_one_request_per_restructured_debt(decided):
    debt, _ = decided
    pack = letters.creditor_pack(user("coop_officer"), debt.id)
    # the first debt is owed to the cooperative itself, which does not write to itself
    assert [x.debt_id for x in pack] == [d.id for d in debt.debts[1:]]
    numbers = [x.number for x in pack]
    assert numbers == list(range(numbers[0], numbers[0] + 2))
    text = text_of(pack[0])
    # issue 18: addressed by the creditor's addressee position and its own name on file, not "ผู้จัดการ" + typed text
    assert norm("ผู้อำนวยการธนาคารออมสิน") in text and "720,000.00" in text
    assert norm("ผู้จัดการธนาคารออมสิน (ช.พ.ค.)") not in text


def test_a_creditor_request_needs_a_debt_of_the_plan(decided):
    debt, _ = decided
    with pytest.raises(ValidationFailed) as error:
        letters.issue(user("coop_officer"), "debt", debt.id, "creditor_request")
    assert "debt_id" in error.value.fields
    with pytest.raises(ValidationFailed):
        letters.issue(user("coop_officer"), "debt", debt.id, "creditor_request", debt_id=999999)
    with pytest.raises(ValidationFailed) as own:  # owed to the issuing cooperative itself
        letters.issue(user("coop_officer"), "debt", debt.id, "creditor_request", debt_id=debt.debts[0].id)
    assert "debt_id" in own.value.fields


def test_decision_letters_wait_for_approval_and_summaries_do_not():
    case_id, _plan = new_case()
    officer = user("province_officer")
    for kind in ("approval_notice", "deduction_notice", "schedule"):
        with pytest.raises(Conflict):
            letters.issue(officer, "debt", case_id, kind)
    assert letters.issue(user("coop_officer"), "debt", case_id, "case_summary").kind == "case_summary"
    assert db.session.scalar(select(func.count(Letter.id))) == 1  # refused letters took no number


def test_letters_print_the_snapshot_not_later_changes(decided):
    debt, _ = decided
    db.session.execute(update(Debt).where(Debt.case_id == debt.id).values(outstanding=Decimal("1.00")))
    db.session.commit()
    letter = letters.issue(user("coop_officer"), "debt", debt.id, "creditor_request", debt_id=debt.debts[1].id)
    assert "720,000.00" in text_of(letter)


def test_roles_issue_only_their_office_kinds(decided):
    debt, relief = decided
    with pytest.raises(Forbidden):
        letters.issue(user("coop_officer"), "debt", debt.id, "approval_notice")
    with pytest.raises(Forbidden):
        letters.issue(user("ministry_viewer"), "debt", debt.id, "case_summary")
    with pytest.raises(NotFound):  # Khon Kaen's officer does not see a Chiang Mai case
        letters.issue(user("coop_officer2"), "debt", debt.id, "case_summary")
    with pytest.raises(ValidationFailed):
        letters.issue(user("province_officer"), "debt", debt.id, "decision_notice")  # a relief kind


def test_relief_letters_for_the_demo_family(decided):
    _, relief = decided
    officer = user("south_officer")
    decision = text_of(letters.issue(officer, "relief", relief.id, "decision_notice"))
    for part in ("นางมาลี แก้วมณี", "เด็กหญิงขวัญใจ แก้วมณี", "3,500,000.00", "1,750,000.00", "คกก.เยียวยา 2/2568",
                 "xxxxxx4567"):
        assert norm(part) in decision, part
    memo = text_of(letters.issue(officer, "relief", relief.id, "payment_memo"))
    assert norm("บันทึกข้อความ") in memo and "250,000.00" in memo and norm("ขออนุมัติเบิกจ่าย") in memo
    year = be_year(clock.today()) - (1 if (clock.today().month, clock.today().day) < (5, 16) else 0)
    notice = text_of(letters.issue(officer, "relief", relief.id, "scholarship_continuation"))
    assert norm(f"ปีการศึกษา {year}") in notice and norm("รอหลักฐาน") in notice


def test_numbers_run_per_office_and_restart_each_year(decided):
    debt, relief = decided
    first = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    second = letters.issue(user("province_approver"), "debt", debt.id, "deduction_notice")
    other_office = letters.issue(user("south_officer"), "relief", relief.id, "decision_notice")
    assert (first.number, second.number, other_office.number) == (1, 2, 1)
    assert first.be_year == be_year(clock.today())
    start_next_year = letters.allocate_numbers(first.office_id, first.be_year + 1)
    assert start_next_year == 1


def test_letter_prefix_and_thai_digits_come_from_the_office_and_settings(decided):
    debt, _ = decided
    province = user("province_officer").org_unit
    province.letter_prefix = "ศธ 0206.3"
    db.session.commit()
    settings.set_value(user("admin"), "letters.thai_digits", "yes", date(2000, 1, 1), "test")
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    assert letter.number_text == "ศธ 0206.3/1"
    text = text_of(letter)
    assert norm("ที่ ศธ ๐๒๐๖.๓/๑") in text and "๒,๐๖๕,๐๐๐.๐๐" in text


def test_a_reprint_is_the_same_document(decided):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    first = letters.render([letter])
    db.session.expire_all()
    assert letters.render([db.session.get(Letter, letter.id)]) == first


def test_the_qr_code_carries_the_public_verification_address(decided):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    assert qr_codes(letters.render([letter])) == [letter.payload["letter"]["verify_url"]]
    assert letter.payload["letter"]["verify_url"].endswith(f"/verify/{letter.token}")
    assert letters.verify(letter.token).id == letter.id
    with pytest.raises(NotFound):
        letters.verify("not-a-token")


def test_issuing_is_audited(decided):
    debt, _ = decided
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.issue"))
    assert event.object_id == str(letter.id) and event.after["number"] == letter.number_text


@pytest.mark.commits  # threads, each with its own connection
def test_parallel_issuing_never_repeats_a_number(app, decided):
    """Twenty workers issue letters from one office at once, on SQLite and PostgreSQL alike."""
    debt, _ = decided
    case_id, officer_id = debt.id, user("province_officer").id
    outcomes = at_once(app, 20, lambda _i: letters.issue(
        db.session.get(User, officer_id), "debt", case_id, "approval_notice",
        reissue_reason="ฉบับที่ต้องส่งหลายหน่วยงาน").number)
    assert sorted(outcomes) == list(range(1, 21))
    numbers = sorted(db.session.scalars(select(Letter.number).where(Letter.office_id == user("province_officer").org_unit_id)))
    assert numbers == list(range(1, 21))


@pytest.mark.commits  # threads, each with its own connection
def test_twenty_clicks_at_once_issue_one_letter_and_use_up_no_number(app, decided):
    """A double click (here twenty) without a reissue reason: one letter, nineteen refusals naming it, and the next
    letter of the office takes the very next number (issue 18, item 6)."""
    debt, _ = decided
    case_id, officer_id = debt.id, user("province_officer").id

    def click(_i):
        try:
            letters.issue(db.session.get(User, officer_id), "debt", case_id, "approval_notice")
        except Conflict as error:
            return error.extra["existing_letter"]["number"]
        return "issued"

    outcomes = at_once(app, 20, click)
    issued = db.session.scalars(select(Letter).where(Letter.case_id == case_id, Letter.kind == "approval_notice")).all()
    assert len(issued) == 1
    assert sorted(outcomes) == sorted(["issued"] + [issued[0].number_text] * 19)
    office = user("province_officer").org_unit_id
    following = letters.issue(user("province_officer"), "debt", case_id, "deduction_notice")
    assert following.number == issued[0].number + 1 and following.office_id == office


def test_batches_refuse_bad_requests():
    officer = user("province_officer")
    with pytest.raises(ValidationFailed):
        letter_batches.create(officer, "no_such_kind", [1])
    with pytest.raises(ValidationFailed):
        letter_batches.create(officer, "approval_notice", [])
    with pytest.raises(ValidationFailed):  # a cooperative does not notify teachers of approvals
        letter_batches.create(user("coop_officer"), "approval_notice", [1])


# ---- found in review ------------------------------------------------------------------------------

def test_markup_in_names_is_printed_as_text(decided):
    """A name is text, never ReportLab markup (an <img> would read a server file; an unclosed tag would 500)."""
    from app.services import debt_cases
    from app.services.debt_input import parse_case

    body = three_debts()
    body["teacher"]["last_name"] = 'A<B <img src="/etc/hostname"/> & co'
    officer = user("coop_officer")
    case = debt_cases.create_case(officer, parse_case(body))
    from app.services import debt_plans

    plan = debt_plans.create_plan(officer, case.id, {"consolidate": {
        "debt_ids": [d.id for d in case.debts][1:], "annual_rate": "4.50", "term_months": 120}})
    act("coop_officer", case.id, "submit", plan_id=plan.id)
    act("province_approver", case.id, "approve")
    province = user("province_officer").org_unit
    province.signer_name = "<i>นาย & ผู้ลงนาม"
    db.session.commit()
    for kind in ("schedule", "approval_notice"):
        pdf = letters.render([letters.issue(user("province_officer"), "debt", case.id, kind)])
        assert b"/Subtype /Image" not in pdf
        assert norm('A<B <img src="/etc/hostname"/> & co') in pdf_text(pdf)
    assert norm("(<i>นาย & ผู้ลงนาม)") in pdf_text(pdf)


def test_moving_a_cooperative_takes_its_letters_along(decided):
    from app.services import org as org_service

    debt, _ = decided
    letter = letters.issue(user("coop_officer"), "debt", debt.id, "case_summary")
    coop, khon_kaen = unit_by_code("COOP-CMI-01"), unit_by_code("40")
    org_service.update_unit(user("admin"), coop.id, org_service.UnitInput(
        code=coop.code, name=coop.name, name_en=coop.name_en, kind=coop.kind, parent_id=khon_kaen.id))
    with pytest.raises(NotFound):  # Chiang Mai no longer sees the case's letters
        letters.get_letter(user("province_officer"), letter.id)
    assert db.session.get(Letter, letter.id).org_path.startswith(khon_kaen.path)


def test_a_pack_with_no_other_creditor_is_refused():
    case_id, plan_id = new_case(consolidate_all=False)
    case = db.session.get(DebtCase, case_id)
    own = creditors.of_unit(case.cooperative_id)  # issue 18: the cooperative is a creditor on file
    for debt in case.debts:
        debt.creditor_id, debt.creditor_name = own.id, own.name  # every debt is owed to the cooperative itself
    db.session.commit()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "approve")
    with pytest.raises(ValidationFailed):
        letters.creditor_pack(user("coop_officer"), case_id)
    assert db.session.scalar(select(func.count(Letter.id))) == 0
