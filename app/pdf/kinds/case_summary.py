"""Debt case summary: the cooperative sends the provincial office the teacher's figures and debts."""
from __future__ import annotations

from decimal import Decimal

from app.pdf.content import Fields, LetterContent, Para, Table
from app.pdf.kinds.common import baht, frame, money, months_text, percent_of_ratio, rate

DEBT_TABLE_WIDTHS = (0.30, 0.15, 0.17, 0.09, 0.14, 0.15)


def debts_table(debts: list[dict], title: str | None = None) -> Table:
    total = sum((Decimal(d["outstanding"]) for d in debts), Decimal("0"))
    monthly = sum((Decimal(d["monthly"]) for d in debts), Decimal("0"))
    return Table(header=("เจ้าหนี้", "ประเภท", "ยอดหนี้คงเหลือ (บาท)", "ดอกเบี้ย (ร้อยละ)", "ผ่อนต่อเดือน (บาท)",
                         "สถานะ"),
                 rows=tuple((d["creditor"], d["type"], money(d["outstanding"]), rate(d["rate"]), money(d["monthly"]),
                             d["status"]) for d in debts),
                 widths=DEBT_TABLE_WIDTHS, numeric=(2, 3, 4), title=title,
                 total=("รวม", "", money(total), "", money(monthly), ""))


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    teacher, a = d["teacher"], d["affordability"]
    body = [
        Para(f"ด้วย{d['cooperative']} ได้รับคำขอเข้าร่วมโครงการแก้ไขปัญหาหนี้สินครูและบุคลากรทางการศึกษาของ "
             f"{teacher['name']} ตำแหน่ง {teacher['position']} {teacher['workplace']} "
             f"เลขประจำตัวประชาชน {teacher['citizen_id']} (กรณีเลขที่ {d['reference']} สถานะ{d['status']}) "
             f"จึงขอสรุปข้อมูลเพื่อประกอบการพิจารณา ดังนี้"),
        Fields(rows=(("เงินเดือน", f"{money(d['salary'])} บาท"),
                     ("เงินเพิ่มและค่าตอบแทน", f"{money(d['allowances'])} บาท"),
                     ("รายการหักที่ไม่ใช่หนี้", f"{money(a['non_debt_deductions'])} บาท"),
                     ("ภาระผ่อนหนี้ต่อเดือน", f"{money(a['debt_service'])} บาท"),
                     ("คงเหลือสุทธิ", f"{money(a['net'])} บาท (ร้อยละ {percent_of_ratio(a['ratio'])} ของเงินเดือน)"),
                     ("เกณฑ์คงเหลือขั้นต่ำ", f"ร้อยละ {percent_of_ratio(a['floor'])}"
                                            + ("" if a["meets_floor"] else f" (ขาดอีก {money(a['shortfall'])} บาท)")),
                     ("กลุ่มความเสี่ยง", d["risk"]))),
        debts_table(d["debts"], "รายการหนี้"),
    ]
    if d["deductions"]:
        body.append(Table(header=("รายการหักอื่น", "จำนวนต่อเดือน (บาท)"),
                          rows=tuple((x["label"], money(x["amount"])) for x in d["deductions"]),
                          widths=(0.7, 0.3), numeric=(1,), title="รายการหักที่ไม่ใช่หนี้"))
    plan = d.get("plan")
    if plan and plan.get("new_loan"):
        loan = plan["new_loan"]
        body += [Para(f"แผนที่เสนอ: {plan['label']} รวมหนี้เป็นเงินกู้ใหม่ {baht(loan['principal'])} อัตราดอกเบี้ย"
                      f"ร้อยละ {rate(loan['annual_rate'])} ต่อปี ระยะเวลา {months_text(loan['term_months'])} "
                      f"ผ่อนชำระงวดละ {baht(loan['monthly_payment'])} ทำให้คงเหลือสุทธิร้อยละ "
                      f"{percent_of_ratio(plan['after']['ratio'])} ของเงินเดือน")]
    body.append(Para("จึงเรียนมาเพื่อโปรดพิจารณา"))
    return frame(payload, body=tuple(body), enclosures=("ตารางสรุปรายการหนี้ 1 ชุด",))
