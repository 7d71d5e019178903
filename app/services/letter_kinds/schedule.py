"""Repayment schedule annex: every instalment of each approved loan; the table header repeats on each page."""
from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app import labels
from app.domain.repayment import build_schedule
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import be_month, frame, money, months_text, rate
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE, thai
from app.services.letter_kinds._debt import decision_facts
from app.services.plan_settings import plan_settings

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    data = decision_facts(source)
    data["schedules"] = schedules_of(data, data["approved_on"])
    teacher = data["teacher"]["name"]
    return Facts(data, f"ตารางการผ่อนชำระหนี้ของ {teacher}", teacher)


def schedules_of(data: dict, approved_on: str) -> list[dict]:
    """Each repayment schedule of the approved plan, instalment by instalment, with the month it falls due.
    Built with the rounding rule in force on the approval date, so it is the schedule that was approved."""
    rounding = plan_settings(date.fromisoformat(approved_on)).rounding
    start = date.fromisoformat(data["first_due"])
    parts = []
    loans = ([("new_loan", data["cooperative"], data["plan"]["new_loan"])] if data["plan"]["new_loan"] else [])
    by_id = {d["id"]: d for d in data["debts"]}
    loans += [(str(r["debt_id"]), by_id[r["debt_id"]]["creditor"], r) for r in data["plan"]["rescheduled"]]
    for part, creditor, terms in loans:
        schedule = build_schedule(Decimal(terms["principal"]), Decimal(terms["annual_rate"]), terms["term_months"],
                                  terms["method"], rounding)
        parts.append({"part": part, "creditor": creditor, "principal": terms["principal"],
                      "annual_rate": terms["annual_rate"], "method": thai(labels.METHOD_LABELS, terms["method"]),
                      "rows": [[i.n, _add_months(start, i.n - 1).isoformat(), str(i.payment), str(i.principal),
                                str(i.interest), str(i.balance)] for i in schedule.instalments]})
    return parts


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    body = [Para(f"ผู้กู้: {d['teacher']['name']}   กรณีเลขที่ {d['reference']}", indent=False)]
    for part in d["schedules"]:
        body.append(Para(f"เจ้าหนี้: {part['creditor']}   เงินต้น {money(part['principal'])} บาท   ดอกเบี้ยร้อยละ "
                         f"{rate(part['annual_rate'])} ต่อปี   {part['method']}   {months_text(len(part['rows']))}",
                         indent=False, bold=True))
        body.append(Table(header=("งวดที่", "เดือนที่ครบกำหนด", "ชำระงวดนี้", "เงินต้น", "ดอกเบี้ย", "คงเหลือ"),
                          rows=tuple((str(n), be_month(date.fromisoformat(due)), money(pay), money(principal),
                                      money(interest), money(balance))
                                     for n, due, pay, principal, interest, balance in part["rows"]),
                          widths=(0.09, 0.19, 0.18, 0.18, 0.16, 0.20), numeric=(0, 2, 3, 4, 5)))
    return frame(payload, form="annex", body=tuple(body))


KIND = LetterKind(name="schedule", programme="debt", order=5, title=_l("Repayment schedule (annex)"),
                  issuers=PROVINCE, facts=facts, compose=compose)
