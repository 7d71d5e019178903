"""Debt case summary: the cooperative sends the provincial office the teacher's figures and debts."""
from __future__ import annotations

from decimal import Decimal

from app import labels
from app.i18n import lazy_gettext as _l
from app.pdf.content import LATEST_LAYOUT, LAYOUT_2, Fields, LetterContent, Para, Table
from app.pdf.wording import baht, frame, layout_of, money, months_text, names, percent_of_ratio, rate
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import COOPERATIVE, PROVINCE, addressee_for_case_office, province_office, thai
from app.services.letter_kinds._debt import debt_rows, plan_summary, teacher_of

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """The case as it stands (it states no decision), so it can be sent before approval."""
    body, case = source.body, source.case
    plan = body.get("chosen_plan")
    data = {"reference": body["reference"], "status": thai(labels.STATUS_LABELS, case.status),
            "cooperative": case.cooperative.name, "teacher": teacher_of(body),
            "salary": body["monthly_salary"], "allowances": body["monthly_allowances"],
            "deductions": [{"label": d.get("label") or thai(labels.DEDUCTION_LABELS, d["kind"]),
                            "amount": d["monthly_amount"]} for d in body["deductions"]],
            "affordability": body["affordability"], "risk": thai(labels.RISK_LABELS, body.get("risk_group")),
            "debts": debt_rows(body), "plan": plan_summary(plan) if plan else None}
    return Facts(data, f"สรุปข้อมูลกรณีขอแก้ไขปัญหาหนี้สิน ราย {data['teacher']['name']} ({data['reference']})",
                 addressee_for_case_office(source.office, province_office(case.province_code)))


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

DEBT_TABLE_WIDTHS = (0.29, 0.15, 0.17, 0.10, 0.14, 0.15)  # "(ร้อยละ)" fits its column whole (issue 18)
DEBT_TABLE_WIDTHS_LAYOUT_1 = (0.30, 0.15, 0.17, 0.09, 0.14, 0.15)  # letters issued before: as they printed


def debts_table(debts: list[dict], title: str | None = None, layout: int = LATEST_LAYOUT) -> Table:
    total = sum((Decimal(d["outstanding"]) for d in debts), Decimal("0"))
    monthly = sum((Decimal(d["monthly"]) for d in debts), Decimal("0"))
    return Table(header=("เจ้าหนี้", "ประเภท", "ยอดหนี้คงเหลือ (บาท)", "ดอกเบี้ย (ร้อยละ)", "ผ่อนต่อเดือน (บาท)",
                         "สถานะ"),
                 rows=tuple((d["creditor"], d["type"], money(d["outstanding"]), rate(d["rate"]), money(d["monthly"]),
                             d["status"]) for d in debts),
                 widths=DEBT_TABLE_WIDTHS if layout >= LAYOUT_2 else DEBT_TABLE_WIDTHS_LAYOUT_1, numeric=(2, 3, 4),
                 title=title,
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
        debts_table(d["debts"], "รายการหนี้", layout_of(payload)),
    ]
    if d["deductions"]:
        body.append(Table(header=("รายการหักอื่น", "จำนวนต่อเดือน (บาท)"),
                          rows=tuple((x["label"], money(x["amount"])) for x in d["deductions"]),
                          widths=(0.7, 0.3), numeric=(1,), title="รายการหักที่ไม่ใช่หนี้"))
    plan = d.get("plan")
    if plan and plan.get("new_loan"):
        loan = plan["new_loan"]
        body += [Para(f"แผนที่เสนอ: {plan['label']} รวมหนี้เป็นเงินกู้ใหม่ {baht(loan['principal'])} อัตราดอกเบี้ย"
                      f"ร้อยละ {rate(loan['annual_rate'])} ต่อปี ระยะเวลา {months_text(loan.get('months', loan['term_months']))} "
                      f"ผ่อนชำระงวดละ {baht(loan['monthly_payment'])} ทำให้คงเหลือสุทธิร้อยละ "
                      f"{percent_of_ratio(plan['after']['ratio'])} ของเงินเดือน")]
    body.append(Para("จึงเรียนมาเพื่อโปรดพิจารณา"))
    return frame(payload, body=tuple(body), enclosures=("ตารางสรุปรายการหนี้ 1 ชุด",), names=names(teacher["name"]))


KIND = LetterKind(name="case_summary", programme="debt", order=1, title=_l("Case summary"),
                  issuers=COOPERATIVE | PROVINCE, decision=False, facts=facts, compose=compose)
