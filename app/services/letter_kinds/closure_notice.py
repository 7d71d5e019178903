"""Closure notice (domain.md, "After approval" 7; api-v1.md v1.1: closure_notice, closed cases): every instalment
of the restructured plan is paid and the case is closed. From the cooperative to the teacher, with a copy
(สำเนาเรียน) to the paying unit (the case's paying_unit: the area office or the pension payer), which stops the
plan's deductions from the month after the closure (services/arrears.py closes the case and ends its runs then).

It states the case and plan version, what was repaid for each part of the plan and in all (the Repayment rows of
the current plan version) and the day of the last payment.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.thai_text import format_be_month, to_bangkok
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import CaseTransition
from app.models.repayments import Repayment
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, be_date, frame, money, names, resolution_phrase
from app.services.deduction_lines import add_months
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import COOPERATIVE
from app.services.letter_kinds._debt import case_reference, decision_facts
from app.services.letter_kinds.deduction_list_notice import head_of_payer

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """Only a closed case gets here (letter_availability: 409 otherwise)."""
    case = source.case
    data = decision_facts(source)
    repaid = dict(db.session.execute(
        select(Repayment.part, func.sum(Repayment.amount)).where(
            Repayment.case_id == case.id, Repayment.plan_version == case.plan_version).group_by(Repayment.part)).all())
    last_paid = db.session.scalar(select(func.max(Repayment.paid_on)).where(
        Repayment.case_id == case.id, Repayment.plan_version == case.plan_version))
    closed_at = db.session.scalar(select(CaseTransition.occurred_at).where(
        CaseTransition.case_type == "debt", CaseTransition.case_id == case.id, CaseTransition.to_state == "closed")
        .order_by(CaseTransition.occurred_at.desc(), CaseTransition.id.desc()).limit(1))
    closed_on = to_bangkok(closed_at).date() if closed_at is not None else source.on
    parts = plan_parts(data)
    rows = [{**p, "repaid": f"{Decimal(repaid.get(p['part'], 0)):.2f}"} for p in parts]
    rows += [{"part": part, "creditor": part, "instalments": None, "repaid": f"{Decimal(amount):.2f}"}
             for part, amount in repaid.items() if part not in {p["part"] for p in parts}]
    total = sum((Decimal(r["repaid"]) for r in rows), Decimal("0"))
    unit = case.paying_unit
    retired = bool(case.retired)
    data["closure"] = {
        "plan_version": case.plan_version, "closed_on": closed_on.isoformat(),
        "stop_month": add_months(closed_on.replace(day=1), 1).isoformat(),
        "last_paid_on": last_paid.isoformat() if last_paid else None, "total_repaid": f"{total:.2f}", "parts": rows,
        "retired": retired,
        "paying_unit": ({"name": unit.name, "code": unit.code, "addressed_to": head_of_payer(unit)} if unit else
                        {"name": "", "code": "", "addressed_to": ("หัวหน้าหน่วยงานผู้เบิกจ่ายบำนาญ" if retired
                                                                 else "หัวหน้าหน่วยงานผู้เบิกจ่ายเงินเดือน")})}
    name = data["teacher"]["name"]
    return Facts(data, f"แจ้งการชำระหนี้ครบตามแผนการแก้ไขปัญหาหนี้สินของ {name}", name)


def plan_parts(d: dict) -> list[dict]:
    """The parts of the approved plan repaid through instalments, the new loan first: whom each repays and how
    many instalments the approved schedule has (its "months": rounding clears a loan before its term)."""
    plan, creditors = d["plan"], {x["id"]: x["creditor"] for x in d["debts"]}
    parts = []
    if plan["new_loan"]:
        loan = plan["new_loan"]
        parts.append({"part": "new_loan", "creditor": f"เงินกู้ใหม่ของ{d['cooperative']}",
                      "instalments": loan.get("months", loan["term_months"])})
    for row in plan["rescheduled"]:
        parts.append({"part": str(row["debt_id"]),
                      "creditor": f"หนี้ที่ปรับโครงสร้างกับ{creditors.get(row['debt_id'], '-')}",
                      "instalments": row.get("months", row["term_months"])})
    return parts


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    closure, teacher = d["closure"], d["teacher"]
    noun = "เงินบำนาญ" if closure["retired"] else "เงินเดือน"
    stop = format_be_month(date.fromisoformat(closure["stop_month"]))
    payer = closure["paying_unit"]["addressed_to"]
    rows = tuple((p["creditor"], f"{p['instalments']} งวด" if p["instalments"] else "-", money(p["repaid"]))
                 for p in closure["parts"])
    last = f" โดยชำระครั้งสุดท้ายเมื่อวันที่ {be_date(closure['last_paid_on'])}" if closure["last_paid_on"] else ""
    body = (
        Para(f"ตามที่สำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไขปัญหาหนี้สินของท่าน เมื่อวันที่ "
             f"{be_date(d['approved_on'])}{resolution_phrase(d)} และ{d['cooperative']}ได้ดำเนินการตามแผนดังกล่าว "
             f"โดยหัก{noun}ของท่านชำระหนี้เป็นรายเดือน นั้น"),
        Para(f"บัดนี้ ท่านได้ชำระหนี้ตามแผนครบทุกงวดแล้ว{last} รวมเป็นเงินที่ชำระตามแผนทั้งสิ้น "
             f"{baht(closure['total_repaid'])} รายละเอียดดังนี้"),
        Table(header=("ส่วนของแผน", "จำนวนงวดตามแผน", "ชำระแล้ว (บาท)"), rows=rows, widths=(0.56, 0.2, 0.24),
              numeric=(2,), total=("รวม", "", money(closure["total_repaid"]))),
        Para(f"{d['cooperative']}จึงขอแจ้งปิดกรณีการแก้ไขปัญหาหนี้สินของท่าน ตั้งแต่วันที่ {be_date(closure['closed_on'])} "
             f"และได้แจ้ง{payer}ให้หยุดหัก{noun}ของท่านชำระหนี้ตามแผนนี้ ตั้งแต่งวดเดือน{stop} เป็นต้นไป "
             "ตามสำเนาหนังสือฉบับนี้ ส่วนหนี้อื่นที่มิได้อยู่ในแผนยังคงชำระตามสัญญาเดิม"),
        Para("จึงเรียนมาเพื่อโปรดทราบ"),
    )
    copy_to = (f"{payer} เพื่อโปรดหยุดหัก{noun}ของ {teacher['name']} ชำระหนี้ตามแผนดังกล่าว "
               f"ตั้งแต่งวดเดือน{stop} เป็นต้นไป",)
    return frame(payload, body=body, reference=case_reference(d), names=names(teacher["name"]), copy_to=copy_to)


KIND = LetterKind(name="closure_notice", programme="debt", order=7, title=_l("Closure notice to the teacher"),
                  issuers=COOPERATIVE, facts=facts, compose=compose)
