"""One deduction notice per paying unit and month (issue 19): one letter to the unit's head, every teacher in an
annex table whose header repeats on each page, read back from the PDF; numbered, reissued only with a reason,
scoped like the unit, audited (services/unit_notices.py, letter_kinds/deduction_list_notice.py).

The month's list is stood in for by 300 made-up teachers (deduction_lists.items replaced for the test): what is
checked is the letter, not the list; tests/api/test_unit_notice_api.py issues one from a real active case."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.money import format_money
from app.domain.thai_id import format_citizen_id
from app.extensions import db
from app.models import AuditEvent, Letter
from app.services import deduction_lists, letters, unit_notices
from app.services.deduction_lists import Item, Line
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.letter_kinds.deduction_list_notice import ANNEX_HEADER
from tests.factories import OrgUnitFactory, unit_by_code, user
from tests.helpers import citizen_id, login
from tests.pdf.helpers import norm, page_texts, pdf_text

UNIT = "AREA-CMI-01"
MONTH = date(2027, 1, 1)
COOP, GSB, KTB = "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "ธนาคารออมสิน (ช.พ.ค.)", "ธนาคารกรุงไทย"
FIRST = ("สมศรี", "วิชัย", "นูรฮายาตี", "ประเสริฐ", "กาญจนาภรณ์", "อับดุลเลาะ", "ธนพล")
LAST = ("ใจดี", "สุขสวัสดิ์", "สาและ", "วงศ์ใหญ่", "ณ อยุธยา", "มะแซ", "ศรีสุข")
CHANGES = ("new", "changed", "unchanged", "unchanged", "unchanged")


def teachers(count: int = 300) -> list[Item]:
    """Made-up teachers: one to three creditors each (the cooperative's new loan first, in the legal order), every
    17th stopped (nothing to deduct, as deduction_lists lists a stopped case)."""
    out = []
    for n in range(count):
        name = f"{'นาง' if n % 2 else 'นาย'}{FIRST[n % 7]} {LAST[(n // 7) % 7]}"
        stopped = n % 17 == 16
        amounts = [Decimal("1000.00") + Decimal(n * 3725) / 100, Decimal("2500.50") + n, Decimal("733.25")]
        creditors = [COOP, GSB, KTB][: 1 + n % 3]
        lines = () if stopped else tuple(Line(i + 1, c, "new_loan" if i == 0 else str(1000 + i), amounts[i])
                                         for i, c in enumerate(creditors))
        out.append(Item(citizen_id(n), name, UNIT, "สพป.เชียงใหม่ เขต 1", 5000 + n, f"DC-2569-{n:05d}", lines,
                        sum((line.amount for line in lines), Decimal("0.00")),
                        "stopped" if stopped else CHANGES[n % 5]))
    return out


@pytest.fixture
def listed(monkeypatch):
    made = teachers()
    asked = []

    def items(actor, month, paying_unit_code=None, province_code=None):
        asked.append((actor.username, month, paying_unit_code))
        return iter(made)

    monkeypatch.setattr(deduction_lists, "items", items)
    return made, asked


def test_one_letter_lists_every_teacher_with_full_ids_amounts_and_totals(listed):
    made, asked = listed
    letter = unit_notices.issue_unit_notice(user("province_officer"), UNIT, "2027-01")
    unit = unit_by_code(UNIT)
    assert asked == [("province_officer", MONTH, UNIT)]
    # one row: the unit as its case, the month in its reference and payload, scoped like the unit
    assert (letter.kind, letter.case_type, letter.case_id) == ("deduction_list_notice", "deduction_list", unit.id)
    assert letter.case_reference == f"2027-01 {UNIT}" and letter.org_path == unit.path
    assert letter.addressee == f"ผู้อำนวยการ{unit.name}"
    assert letter.subject == "แจ้งการหักเงินเดือนชำระหนี้ ประจำงวดเดือนมกราคม 2570"
    assert letter.office.code == "50" and letter.number_text.startswith("ศธ 0206.3/")

    pdf = letters.pdf_of(letter)
    assert pdf == letters.render([letter]) or letter.signing_key_id  # the kept (signed) file is the letter
    text = pdf_text(pdf)
    # every teacher's full citizen ID, each amount and each row's total, computed here
    grand = Decimal("0")
    by_creditor: dict[str, Decimal] = {}
    for item in made:
        assert norm(format_citizen_id(item.citizen_id)) in text
        row_total = sum((line.amount for line in item.lines), Decimal("0"))
        grand += row_total
        for line in item.lines:
            assert norm(format_money(line.amount)) in text
            by_creditor[line.creditor] = by_creditor.get(line.creditor, Decimal("0")) + line.amount
    assert grand == sum(
        (Decimal(r["total"]) for r in letter.payload["data"]["rows"]), Decimal("0"))
    assert letter.payload["data"]["total"] == f"{grand:.2f}" and norm(format_money(grand)) in text
    for creditor, amount in by_creditor.items():
        assert norm(format_money(amount)) in text, creditor
    assert [c["creditor"] for c in letter.payload["data"]["creditors"]] == [COOP, GSB, KTB]  # the legal order
    # the counts the body states
    stopped = sum(1 for i in made if i.change == "stopped")
    news = sum(1 for i in made if i.change == "new")
    assert norm(f"ต้องหักเงินเดือน {300 - stopped} ราย เป็นรายใหม่ {news} ราย") in text
    assert norm(f"หยุดหักตั้งแต่งวดนี้ {stopped} ราย รวมทั้งสิ้น 300 ราย") in text
    # the 30% rule with its source (as the single deduction notice cites it)
    assert norm("ไม่น้อยกว่าร้อยละ 30 ของเงินเดือน ตามระเบียบกระทรวงศึกษาธิการ") in text


def test_the_annex_runs_over_many_pages_and_repeats_its_header(listed):
    made, _asked = listed
    letter = unit_notices.issue_unit_notice(user("province_officer"), UNIT, MONTH)
    pdf = letters.render([letter])
    pages = page_texts(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(pages)
    header = [norm(h) for h in ANNEX_HEADER]
    annex = [i for i, page in enumerate(pages) if all(h in page for h in header)]
    # the letter's own page(s), then the annex to the last page, its header on every one of them
    assert annex and annex == list(range(annex[0], len(pages))) and 1 <= annex[0] <= 2
    assert len(annex) >= 8, len(pages)  # 300 rows do not fit a few pages
    assert norm("แนบท้ายหนังสือ ที่ " + letter.number_text) in pages[annex[0]]
    # each teacher once, in order, on some annex page; the status in Thai
    where = [next(i for i in annex if norm(format_citizen_id(t.citizen_id)) in pages[i]) for t in made]
    assert where == sorted(where) and where[-1] == len(pages) - 1
    assert all(norm(word) in pdf_text(pdf) for word in ("ใหม่", "เปลี่ยนแปลง", "คงเดิม", "หยุดหัก"))
    # a reprint is the same document, composed from the stored payload alone
    assert letters.render([db.session.get(Letter, letter.id)]) == pdf


def test_composition_reads_the_stored_payload_alone(listed, monkeypatch):
    letter = unit_notices.issue_unit_notice(user("province_officer"), UNIT, MONTH)
    payload = letter.payload

    class Unreachable:
        def __getattr__(self, name):
            raise AssertionError(f"compose() touched the database: db.session.{name}")

    monkeypatch.setattr(db, "session", Unreachable())
    content = letters.letter_kinds.get("deduction_list_notice").compose(payload)
    assert content.subject == payload["letter"]["subject"] and len(content.annex[1].rows) == 300


def test_the_same_unit_and_month_again_needs_a_reason(listed):
    officer = user("province_officer")
    first = unit_notices.issue_unit_notice(officer, UNIT, MONTH)
    with pytest.raises(Conflict) as refused:
        unit_notices.issue_unit_notice(user("province_approver"), UNIT, "01/2570")
    assert first.number_text in refused.value.message
    assert refused.value.extra["existing_letter"]["id"] == first.id
    assert "reissue_reason" in refused.value.fields
    again = unit_notices.issue_unit_notice(officer, UNIT, MONTH, reissue_reason="แก้ไขจำนวนเงิน")
    assert again.number == first.number + 1  # the refusal used up no number
    assert again.payload["letter"]["reissue_reason"] == "แก้ไขจำนวนเงิน"
    # another month is another notice: no reason needed
    february = unit_notices.issue_unit_notice(officer, UNIT, date(2027, 2, 1))
    assert february.case_reference == f"2027-02 {UNIT}" and february.number == again.number + 1
    assert [x.id for x in unit_notices.notices_of(officer, UNIT, MONTH)] == [again.id, first.id]


def test_scope_role_and_input(listed):
    # another province's officer: the unit is outside their scope, and they learn nothing of it
    with pytest.raises(NotFound):
        unit_notices.issue_unit_notice(user("south_officer"), UNIT, MONTH)
    with pytest.raises(NotFound):
        unit_notices.issue_unit_notice(user("coop_officer"), UNIT, MONTH)
    with pytest.raises(Forbidden):  # a role that issues no letters
        unit_notices.issue_unit_notice(user("region_approver"), UNIT, MONTH)
    with pytest.raises(ValidationFailed) as bad:
        unit_notices.issue_unit_notice(user("province_officer"), UNIT, "13/2570")
    assert "month" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad:
        unit_notices.issue_unit_notice(user("province_officer"), "COOP-CMI-01", MONTH)  # not a paying unit
    assert "paying_unit_code" in bad.value.fields
    with pytest.raises(NotFound):
        unit_notices.issue_unit_notice(user("province_officer"), "NO-SUCH-UNIT", MONTH)
    letter = unit_notices.issue_unit_notice(user("province_approver"), UNIT, MONTH)
    # the letter is scoped like the unit: the province reads it, the other province does not
    assert letters.get_letter(user("province_officer"), letter.id).id == letter.id
    assert letters.get_letter(user("auditor"), letter.id).id == letter.id
    with pytest.raises(NotFound):
        letters.get_letter(user("south_officer"), letter.id)


def test_a_pension_payer_is_told_of_pensions_and_addressed_by_its_head(listed):
    payer = OrgUnitFactory(code="PENSION-T-CMI", name="สำนักงานคลังจังหวัดเชียงใหม่ (ผู้จ่ายบำนาญ)",
                           kind="pension_payer")
    letter = unit_notices.issue_unit_notice(user("province_officer"), payer.code, MONTH)
    assert letter.addressee == "คลังจังหวัดเชียงใหม่" and letter.org_path == payer.path
    assert letter.subject == "แจ้งการหักเงินบำนาญชำระหนี้ ประจำงวดเดือนมกราคม 2570"
    text = pdf_text(letters.pdf_of(letter))
    assert norm("ให้คงเงินบำนาญของแต่ละรายเหลือไม่น้อยกว่าร้อยละ 30 ของเงินบำนาญ") in text


def test_nothing_to_deduct_is_refused(monkeypatch):
    monkeypatch.setattr(deduction_lists, "items", lambda *args, **kwargs: iter(()))
    with pytest.raises(Conflict):
        unit_notices.issue_unit_notice(user("province_officer"), UNIT, MONTH)
    assert db.session.scalar(select(Letter).where(Letter.kind == "deduction_list_notice")) is None


def test_issuing_is_audited_and_the_ids_use_logged_once_with_the_count(listed):
    letter = unit_notices.issue_unit_notice(user("province_officer"), UNIT, MONTH)
    issued = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "letter.issue",
                                                         AuditEvent.object_id == str(letter.id))).all()
    assert len(issued) == 1 and issued[0].after["kind"] == "deduction_list_notice"
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.letter_use")).all()
    assert [(e.object_type, e.object_id, e.after["letter_id"], e.after["people"]) for e in used] == [
        ("letter", str(letter.id), letter.id, 300)]
    assert used[0].org_path == letter.org_path


def test_the_letter_page_register_and_verify_page(listed, app, client, as_user):
    letter = unit_notices.issue_unit_notice(user("province_officer"), UNIT, MONTH)
    as_user("province_approver")
    page = client.get(f"/letters/{letter.id}")
    assert page.status_code == 200 and f"2027-01 {UNIT}" in page.get_data(as_text=True)
    assert client.get(f"/letters/{letter.id}.pdf").status_code == 200
    register = client.get("/letters?kind=deduction_list_notice").get_data(as_text=True)
    assert letter.number_text in register
    public = client.get(f"/verify/{letter.token}")
    assert public.status_code == 200 and citizen_id(0) not in public.get_data(as_text=True)
    other = app.test_client()
    login(other, "south_officer")
    assert other.get(f"/letters/{letter.id}").status_code == 404
