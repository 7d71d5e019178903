"""Approval notice to the teacher: the approved plan, its monthly instalment and what remains of the salary."""
from __future__ import annotations

from app.i18n import lazy_gettext as _l
from app.pdf.content import Fields, LetterContent, Para
from app.pdf.wording import (baht, be_date, frame, money, months_text, names, percent_of_ratio, rate,
                              resolution_phrase)
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._debt import case_reference, decision_facts

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    data = decision_facts(source)
    return Facts(data, "แจ้งผลการพิจารณาอนุมัติแผนแก้ไขปัญหาหนี้สิน", data["teacher"]["name"])


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def plan_fields(d: dict) -> Fields:
    plan = d["plan"]
    rows = []
    if plan["new_loan"]:
        loan = plan["new_loan"]
        rows += [("รวมหนี้เป็นเงินกู้ใหม่กับ", d["cooperative"]),
                 ("เงินต้น", baht(loan["principal"])),
                 ("อัตราดอกเบี้ย", f"ร้อยละ {rate(loan['annual_rate'])} ต่อปี แบบ{plan['method']}"),
                 ("ระยะเวลา", months_text(loan.get("months", loan["term_months"]))),
                 ("ผ่อนชำระงวดละ", baht(loan["monthly_payment"]))]
    for row in plan["rescheduled"]:
        creditor = next((x["creditor"] for x in d["debts"] if x["id"] == row["debt_id"]), "-")
        rows += [(f"ปรับโครงสร้างหนี้กับ {creditor}", f"{money(row['principal'])} บาท ร้อยละ {rate(row['annual_rate'])} "
                                                        f"{months_text(row.get('months', row['term_months']))} งวดละ {money(row['monthly_payment'])} บาท")]
    for row in plan["pro_rata"]:
        creditor = next((x["creditor"] for x in d["debts"] if x["id"] == row["debt_id"]), "-")
        rows += [(f"ชำระตามสัดส่วนให้ {creditor}", f"เดือนละ {money(row['monthly_payment'])} บาท")]
    rows += [("ภาระผ่อนหนี้ต่อเดือน ก่อน / หลัง", f"{money(plan['before']['debt_service'])} / "
                                                 f"{money(plan['after']['debt_service'])} บาท"),
             ("คงเหลือสุทธิ ก่อน / หลัง", f"ร้อยละ {percent_of_ratio(plan['before']['ratio'])} / "
                                          f"ร้อยละ {percent_of_ratio(plan['after']['ratio'])} ของเงินเดือน"),
             ("เริ่มชำระงวดแรก", be_date(d["first_due"]))]
    return Fields(rows=tuple(rows))


def floor_sentence(d: dict) -> str:
    """The 30% rule with its source as frozen in the letter (issue 18, item 5). Letters issued before carried no
    rule and reprint the sentence they were printed with."""
    rule = d.get("floor_rule")
    if rule is None:
        return ("ทั้งนี้ เงินเดือนคงเหลือหลังหักชำระหนี้ต้องไม่น้อยกว่าร้อยละสามสิบของเงินเดือน ตามระเบียบกระทรวงการคลัง"
                "ว่าด้วยการจ่ายเงินเดือน")
    return (f"ทั้งนี้ เงินเดือนคงเหลือหลังหักชำระหนี้ต้องไม่น้อยกว่าร้อยละ {rule['percent']} ของเงินเดือน "
            f"ตาม{rule['source']}")


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    resolution = resolution_phrase(d)
    body = (Para(f"ตามที่ท่านได้ยื่นคำขอเข้าร่วมโครงการแก้ไขปัญหาหนี้สินครูและบุคลากรทางการศึกษา ผ่าน{d['cooperative']} "
                 f"(กรณีเลขที่ {d['reference']}) นั้น"),
            Para(f"สำนักงานศึกษาธิการจังหวัดได้พิจารณาแล้ว อนุมัติแผนการแก้ไขปัญหาหนี้สินของท่าน เมื่อวันที่ "
                 f"{be_date(d['approved_on'])}{resolution} โดยมีสาระสำคัญดังนี้"),
            plan_fields(d),
            Para(floor_sentence(d) + " ขอให้ท่านติดต่อสหกรณ์เพื่อลงนามในสัญญาภายใน 30 วัน นับแต่วันที่ได้รับหนังสือนี้"),
            Para("จึงเรียนมาเพื่อทราบ"))
    return frame(payload, body=body, reference=f"คำขอเข้าร่วมโครงการ {case_reference(d)}",
                 enclosures=("ตารางการผ่อนชำระหนี้ 1 ฉบับ",), names=names(d["teacher"]["name"]))


KIND = LetterKind(name="approval_notice", programme="debt", order=3, title=_l("Approval notice to the teacher"),
                  issuers=PROVINCE, facts=facts, compose=compose)
