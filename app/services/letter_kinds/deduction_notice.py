"""Salary-deduction notice to the paying unit: what to deduct each month, for whom, from which month."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import OrgUnit
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, be_date, frame, money, months_text, names, resolution_phrase
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._debt import case_reference, decision_facts

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """Addressed to the paying unit the approved case names (domain.md, "After approval" 3: the area office that pays
    the salary, or draws a retired teacher's pension), else to the head of the teacher's workplace. For a retired
    teacher the letter speaks of the pension (บำนาญ), which the 30% rule covers too (domain.md, "The 30% rule")."""
    data = decision_facts(source)
    retired = bool(source.body.get("retired"))
    if retired:  # only then: the payload of a serving teacher's letter stays as it always was
        data = {**data, "retired": True, "pension": source.body["monthly_pension"]}
    code = source.body.get("paying_unit_code")
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if code else None
    fallback = "หน่วยงานผู้เบิกจ่ายบำนาญ" if retired else "หน่วยงานผู้เบิกจ่ายเงินเดือน"
    payer = unit.name if unit else (data["teacher"]["workplace"] or fallback)
    noun = "เงินบำนาญ" if retired else "เงินเดือน"
    return Facts(data, f"แจ้งการหัก{noun}ชำระหนี้ของ {data['teacher']['name']}", f"ผู้อำนวยการ{payer}")


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

# The 30% rule for a pension (domain.md, "The 30% rule": the MOE regulation covers pensions; never cite MoF).
RETIRED_FLOOR = ("ทั้งนี้ ให้คงเงินบำนาญเหลือไม่น้อยกว่าร้อยละสามสิบของเงินบำนาญ (เงินบำนาญ {pension} บาท) "
                 "ตามระเบียบกระทรวงศึกษาธิการว่าด้วยหลักเกณฑ์การหักเงินเดือน เงินบำเหน็จบำนาญ เพื่อชำระหนี้ พ.ศ. 2551 "
                 "ข้อ 7(5) หากมีการเปลี่ยนแปลงขอให้แจ้งสำนักงานศึกษาธิการจังหวัดทราบ")


def floor_sentence(d: dict, retired: bool) -> str:
    """The 30% rule of the salary or the pension, with its source as frozen in the letter (issue 18, item 5). Letters
    issued before carried no rule and reprint the sentence they were printed with."""
    rule, noun = d.get("floor_rule"), "เงินบำนาญ" if retired else "เงินเดือน"
    amount = money(d["pension"] if retired else d["salary"])
    if rule is None:
        return RETIRED_FLOOR.format(pension=amount) if retired else (
            f"ทั้งนี้ ให้คงเงินเดือนเหลือไม่น้อยกว่าร้อยละสามสิบของเงินเดือน (เงินเดือน {amount} บาท) "
            "ตามระเบียบกระทรวงการคลังว่าด้วยการจ่ายเงินเดือน หากมีการเปลี่ยนแปลงขอให้แจ้งสำนักงานศึกษาธิการจังหวัดทราบ")
    return (f"ทั้งนี้ ให้คง{noun}เหลือไม่น้อยกว่าร้อยละ {rule['percent']} ของ{noun} ({noun} {amount} บาท) "
            f"ตาม{rule['source']} หากมีการเปลี่ยนแปลงขอให้แจ้งสำนักงานศึกษาธิการจังหวัดทราบ")


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    retired = bool(d.get("retired"))  # letters issued before issue 17 have no such key: serving, printed as then
    plan, teacher = d["plan"], d["teacher"]
    by_id = {x["id"]: x["creditor"] for x in d["debts"]}
    # (creditor, monthly payment, months), in the order the plan lists them. The number of instalments is the
    # schedule's ("months"): rounding upward clears a loan before its term (issue 17: 178 of 9,700.00, not 180).
    payments = []
    if plan["new_loan"]:
        loan = plan["new_loan"]
        payments.append((d["cooperative"], loan["monthly_payment"], loan.get("months", loan["term_months"])))
    payments += [(by_id.get(r["debt_id"], "-"), r["monthly_payment"], r.get("months", r["term_months"]))
                 for r in plan["rescheduled"]]
    payments += [(by_id.get(r["debt_id"], "-"), r["monthly_payment"], r["months"]) for r in plan["pro_rata"]]
    rows = [(creditor, money(amount), months_text(months)) for creditor, amount, months in payments]
    total = sum((Decimal(amount) for _creditor, amount, _months in payments), Decimal("0"))
    resolution = resolution_phrase(d)
    body = (Para(f"ด้วยสำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไขปัญหาหนี้สินของ {teacher['name']} ตำแหน่ง "
                 f"{teacher['position']} สังกัด{teacher['workplace']} เลขประจำตัวประชาชน {teacher['citizen_id']} "
                 f"เมื่อวันที่ {be_date(d['approved_on'])}{resolution}"),
            Para(f"จึงขอให้หน่วยงานของท่านหัก{'เงินบำนาญ' if retired else 'เงินเดือน'}ของผู้กู้ตั้งแต่งวดเดือน"
                 f"{be_date(d['first_due'])[2:]} "
                 f"เป็นต้นไป รวมเดือนละ {baht(total)} และนำส่งเจ้าหนี้ ดังนี้"),
            Table(header=("เจ้าหนี้ผู้รับเงิน", "หักต่อเดือน (บาท)", "จำนวนงวด"), rows=tuple(rows),
                  widths=(0.5, 0.22, 0.28), numeric=(1,), total=("รวม", money(total), "")),
            Para(floor_sentence(d, retired)),
            Para("จึงเรียนมาเพื่อโปรดดำเนินการ"))
    return frame(payload, body=body, reference=case_reference(d), names=names(teacher["name"]))


KIND = LetterKind(name="deduction_notice", programme="debt", order=4,
                  title=_l("Salary-deduction notice to the paying unit"), issuers=PROVINCE, facts=facts,
                  compose=compose, full_citizen_id=True)
