"""The paying unit's deduction notice for one month (issue 19): one letter to the head of a paying unit — the area
office that pays serving teachers' salaries, or the pension payer of retired ones (domain.md, "After approval" 3) —
saying which month, how many teachers, how many are new, changed or stopped, the total and what goes to each
creditor, with the 30% rule; and an annex (บัญชีรายชื่อแนบท้าย) with one row per teacher: the full citizen ID (the
unit acts on it: the use is logged, once for the letter, with the count), the name, each creditor's amount in the
legal order, the total and the change against the month before.

It is about no single case: its letters are stored with case_type "deduction_list", the paying unit's id as case_id,
the unit's path as org_path (scoped like the cases it lists: a province sees its units' notices) and
"<YYYY-MM> <unit code>" as case_reference, which is what a reissue is checked against (one notice per unit and
month without a reason). app/services/unit_notices.py gathers the month's list and issues it; the issuing office is
the provincial education office (ศธจ.) the unit belongs to, like the single deduction notice.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from app.domain.thai_id import format_citizen_id
from app.domain.thai_text import format_be_month
from app.i18n import lazy_gettext as _l
from app.pdf.content import LetterContent, Pairs, Para, Table
from app.pdf.wording import baht, be_date, frame, money, names
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._debt import floor_rule

CASE_TYPE = "deduction_list"
CHANGES = ("new", "changed", "unchanged", "stopped")
CHANGE_TH = {"new": "ใหม่", "changed": "เปลี่ยนแปลง", "unchanged": "คงเดิม", "stopped": "หยุดหัก"}


def reference_of(unit_code: str, month: date) -> str:
    """The letter's case_reference: the month first, so that the column's 32 characters always keep it."""
    return f"{month:%Y-%m} {unit_code}"[:32]


def head_of_payer(unit) -> str:
    """Whom the notice is addressed to: the position the unit's letterhead names, else the head of an area office
    (ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา…), of a สำนักงาน… ("สำนักงานคลังจังหวัดเชียงใหม่" → "คลังจังหวัดเชียงใหม่"),
    or หัวหน้า… of any other pension payer; a bracketed remark after the name is left out."""
    if unit.signer_position:
        return unit.signer_position
    if unit.kind == "area_office":
        return f"ผู้อำนวยการ{unit.name}"
    name = re.sub(r"\s*\([^()]*\)$", "", unit.name)  # "สำนักงานคลังจังหวัดเชียงใหม่ (ผู้จ่ายบำนาญ)": the office
    if name.startswith("สำนักงาน"):
        return name.removeprefix("สำนักงาน")
    return f"หัวหน้า{name}"


def month_words(iso: str) -> str:
    """"ธันวาคม 2569" for "2026-12-01"."""
    return format_be_month(date.fromisoformat(iso[:10]))


# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """`source.case` is the paying unit (OrgUnit); `source.body` {"month": date, "items": deduction_lists.Item…}.
    A stopped teacher is listed with nothing to deduct. A row's total is the sum of its lines, and the letter's the
    sum of its rows, so what it prints adds up whatever the list's own rounding."""
    unit, month, items = source.case, source.body["month"], list(source.body["items"])
    retired = unit.kind == "pension_payer"
    rows, changes = [], dict.fromkeys(CHANGES, 0)
    creditors: dict[str, dict] = {}
    for number, item in enumerate(items, start=1):
        change = item.change if item.change in CHANGES else "changed"
        changes[change] += 1
        lines = [] if change == "stopped" else sorted(item.lines, key=lambda line: line.order)
        for position, line in enumerate(lines):
            entry = creditors.setdefault(line.creditor, {"creditor": line.creditor, "order": (line.order, len(
                creditors), position), "people": 0, "amount": Decimal("0")})
            entry["people"] += 1
            entry["amount"] += Decimal(line.amount)
        total = sum((Decimal(line.amount) for line in lines), Decimal("0"))
        rows.append({"no": number, "citizen_id": format_citizen_id("".join(filter(str.isdigit, item.citizen_id))), "name": item.name,
                     "case_id": item.case_id, "case": item.case_reference or "",
                     "lines": [{"creditor": line.creditor, "part": str(line.part),
                                "amount": f"{Decimal(line.amount):.2f}"} for line in lines],
                     "total": f"{total:.2f}", "change": change})
    grand = sum((Decimal(row["total"]) for row in rows), Decimal("0"))
    payees = [{"creditor": c["creditor"], "people": c["people"], "amount": f"{c['amount']:.2f}"}
              for c in sorted(creditors.values(), key=lambda c: c["order"])]
    data = {"month": month.isoformat(), "retired": retired, "full_citizen_id": True,
            "paying_unit": {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind},
            "floor_rule": floor_rule({}, source.on.isoformat()), "count": len(rows), "changes": changes,
            "total": f"{grand:.2f}", "creditors": payees, "rows": rows}
    noun = "เงินบำนาญ" if retired else "เงินเดือน"
    return Facts(data, f"แจ้งการหัก{noun}ชำระหนี้ ประจำงวดเดือน{month_words(data['month'])}", head_of_payer(unit))


def listed_people(data: dict) -> int:
    return int(data["count"])


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

ANNEX_HEADER = ("ลำดับ", "เลขประจำตัวประชาชน", "ชื่อ - สกุล", "เจ้าหนี้ผู้รับเงิน และจำนวนเงินที่หัก (บาท)",
                "รวมหัก (บาท)", "สถานะ")
ANNEX_WIDTHS = (0.07, 0.20, 0.185, 0.335, 0.115, 0.095)


def floor_sentence(d: dict) -> str:
    """The 30% rule, with its source as frozen in the letter (deduction_notice.floor_sentence, for every teacher of
    the list rather than one salary)."""
    rule, noun = d["floor_rule"], "เงินบำนาญ" if d["retired"] else "เงินเดือน"
    return (f"ทั้งนี้ ให้คง{noun}ของแต่ละรายเหลือไม่น้อยกว่าร้อยละ {rule['percent']} ของ{noun} ตาม{rule['source']} "
            "หากหักได้ไม่ครบหรือมีการเปลี่ยนแปลง ขอให้แจ้งสำนักงานศึกษาธิการจังหวัดทราบ")


def compose(payload: dict) -> LetterContent:
    d, head = payload["data"], payload["letter"]
    noun = "เงินบำนาญ" if d["retired"] else "เงินเดือน"
    month, unit, changes = month_words(d["month"]), d["paying_unit"], d["changes"]
    deducted = d["count"] - changes["stopped"]
    people = "ข้าราชการบำนาญ" if d["retired"] else "ข้าราชการครูและบุคลากรทางการศึกษา"
    listing = f"บัญชีรายชื่อผู้ที่ต้องหัก{noun}ชำระหนี้ ประจำงวดเดือน{month}"
    body = (
        Para(f"ด้วยสำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไขปัญหาหนี้สินของ{people}ซึ่งรับ{noun}จาก"
             f"หน่วยงานของท่าน โดยให้หัก{noun}ชำระหนี้ตามแผน สำหรับงวดเดือน{month} มีผู้ที่ต้องหัก{noun} "
             f"{deducted} ราย เป็นรายใหม่ {changes['new']} ราย เปลี่ยนแปลงจำนวนเงิน {changes['changed']} ราย "
             f"คงเดิม {changes['unchanged']} ราย และให้หยุดหักตั้งแต่งวดนี้ {changes['stopped']} ราย "
             f"รวมทั้งสิ้น {d['count']} ราย เป็นเงินที่ต้องหักทั้งสิ้น {baht(d['total'])}"),
        Para(f"จึงขอให้หน่วยงานของท่านหัก{noun}ของผู้มีรายชื่อตามบัญชีแนบท้ายตามจำนวนและลำดับที่ระบุ "
             "ถัดจากเงินที่กฎหมายกำหนดให้หักก่อน (ภาษี กบข. ประกันสังคม) โดยหนี้สหกรณ์ก่อนเจ้าหนี้อื่น "
             "(พระราชบัญญัติสหกรณ์ พ.ศ. 2542 มาตรา 42/1) และนำส่งเจ้าหนี้แต่ละราย ดังนี้"),
        Table(header=("เจ้าหนี้ผู้รับเงิน", "จำนวนราย", "จำนวนเงิน (บาท)"),
              rows=tuple((c["creditor"], str(c["people"]), money(c["amount"])) for c in d["creditors"]),
              widths=(0.56, 0.16, 0.28), numeric=(1, 2), total=("รวม", "", money(d["total"]))),
        Para(floor_sentence(d)),
        Para("จึงเรียนมาเพื่อโปรดดำเนินการ"))
    annex = (
        Para(f"{listing} ({unit['name']}) แนบท้ายหนังสือ ที่ {head['number_text']} ลงวันที่ "
             f"{be_date(head['issued_on'])}", indent=False, bold=True),
        Table(header=ANNEX_HEADER,
              rows=tuple((str(r["no"]), r["citizen_id"], r["name"],
                          Pairs(tuple((line["creditor"], money(line["amount"])) for line in r["lines"]), 0.64),
                          money(r["total"]), CHANGE_TH[r["change"]]) for r in d["rows"]),
              widths=ANNEX_WIDTHS, numeric=(0, 4), split_rows=False,
              total=("", "", f"รวม {d['count']} ราย", "", money(d["total"]), "")),)
    enclosure = f"บัญชีรายชื่อแนบท้าย ประจำงวดเดือน{month} จำนวน {d['count']} ราย"
    return frame(payload, body=body, annex=annex, enclosures=(enclosure,), names=names([r["name"] for r in d["rows"]]))


KIND = LetterKind(name="deduction_list_notice", programme=CASE_TYPE, order=1,
                  title=_l("Deduction notice to a paying unit (one month, every teacher)"), issuers=PROVINCE,
                  facts=facts, compose=compose, decision=False, full_citizen_id=True, per_reference=True,
                  listed_people=listed_people, view_permission="view_debt_cases")
