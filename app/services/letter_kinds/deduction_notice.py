"""Salary-deduction notice to the paying unit: what to deduct each month, for whom, from which month."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, be_date, frame, money, months_text, resolution_phrase
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._debt import decision_facts

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """Addressed to the head of the teacher's workplace, which pays the salary."""
    data = decision_facts(source)
    workplace = data["teacher"]["workplace"] or "หน่วยงานผู้เบิกจ่ายเงินเดือน"
    return Facts(data, f"แจ้งการหักเงินเดือนชำระหนี้ของ {data['teacher']['name']}", f"ผู้อำนวยการ{workplace}")


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    plan, teacher = d["plan"], d["teacher"]
    by_id = {x["id"]: x["creditor"] for x in d["debts"]}
    payments = []  # (creditor, monthly payment, months), in the order the plan lists them
    if plan["new_loan"]:
        payments.append((d["cooperative"], plan["new_loan"]["monthly_payment"], plan["new_loan"]["term_months"]))
    payments += [(by_id.get(r["debt_id"], "-"), r["monthly_payment"], r["term_months"]) for r in plan["rescheduled"]]
    payments += [(by_id.get(r["debt_id"], "-"), r["monthly_payment"], r["months"]) for r in plan["pro_rata"]]
    rows = [(creditor, money(amount), months_text(months)) for creditor, amount, months in payments]
    total = sum((Decimal(amount) for _creditor, amount, _months in payments), Decimal("0"))
    resolution = resolution_phrase(d)
    body = (Para(f"ด้วยสำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไขปัญหาหนี้สินของ {teacher['name']} ตำแหน่ง "
                 f"{teacher['position']} สังกัด{teacher['workplace']} เลขประจำตัวประชาชน {teacher['citizen_id']} "
                 f"เมื่อวันที่ {be_date(d['approved_on'])}{resolution}"),
            Para(f"จึงขอให้หน่วยงานของท่านหักเงินเดือนของผู้กู้ตั้งแต่งวดเดือน{be_date(d['first_due'])[2:]} "
                 f"เป็นต้นไป รวมเดือนละ {baht(total)} และนำส่งเจ้าหนี้ ดังนี้"),
            Table(header=("เจ้าหนี้ผู้รับเงิน", "หักต่อเดือน (บาท)", "จำนวนงวด"), rows=tuple(rows),
                  widths=(0.5, 0.22, 0.28), numeric=(1,), total=("รวม", money(total), "")),
            Para(f"ทั้งนี้ ให้คงเงินเดือนเหลือไม่น้อยกว่าร้อยละสามสิบของเงินเดือน (เงินเดือน {money(d['salary'])} บาท) "
                 "ตามระเบียบกระทรวงการคลังว่าด้วยการจ่ายเงินเดือน หากมีการเปลี่ยนแปลงขอให้แจ้งสำนักงานศึกษาธิการจังหวัดทราบ"),
            Para("จึงเรียนมาเพื่อโปรดดำเนินการ"))
    return frame(payload, body=body, reference=f"กรณีเลขที่ {d['reference']}")


KIND = LetterKind(name="deduction_notice", programme="debt", order=4,
                  title=_l("Salary-deduction notice to the paying unit"), issuers=PROVINCE, facts=facts,
                  compose=compose)
