"""Repayment schedule annex: every instalment of each approved loan; the table header repeats on each page."""
from __future__ import annotations

from datetime import date

from app import labels
from app.i18n import lazy_gettext as _l
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import be_month, frame, money, months_text, names, rate
from app.services.deduction_lines import add_months
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE, thai
from app.services.letter_kinds._debt import case_reference, decision_facts
from app.services.plan_schedules import frozen_snapshot_plan

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    data = decision_facts(source)
    data["schedules"] = schedules_of(source, data)
    teacher = data["teacher"]["name"]
    return Facts(data, f"ตารางการผ่อนชำระหนี้ของ {teacher}", teacher)


def schedules_of(source: Source, data: dict) -> list[dict]:
    """Each repayment schedule of the approved plan, instalment by instalment, with the month it falls due: the
    schedules of the approval snapshot, under the settings the plan was worked out with (issue 17), never today's."""
    start = date.fromisoformat(data["first_due"])
    creditors = {"new_loan": data["cooperative"], **{str(d["id"]): d["creditor"] for d in data["debts"]}}
    parts = []
    for part, schedule in frozen_snapshot_plan(source.snapshot).schedules():
        parts.append({"part": part, "creditor": creditors.get(part, "-"), "principal": str(schedule.principal),
                      "annual_rate": str(schedule.annual_rate), "method": thai(labels.METHOD_LABELS, schedule.method),
                      "rows": [[i.n, add_months(start, i.n - 1).isoformat(), str(i.payment), str(i.principal),
                                str(i.interest), str(i.balance)] for i in schedule.instalments]})
    return parts


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    body = [Para(f"ผู้กู้: {d['teacher']['name']}   {case_reference(d)}", indent=False)]
    for part in d["schedules"]:
        body.append(Para(f"เจ้าหนี้: {part['creditor']}   เงินต้น {money(part['principal'])} บาท   ดอกเบี้ยร้อยละ "
                         f"{rate(part['annual_rate'])} ต่อปี   {part['method']}   {months_text(len(part['rows']))}",
                         indent=False, bold=True))
        body.append(Table(header=("งวดที่", "เดือนที่ครบกำหนด", "ชำระงวดนี้", "เงินต้น", "ดอกเบี้ย", "คงเหลือ"),
                          rows=tuple((str(n), be_month(date.fromisoformat(due)), money(pay), money(principal),
                                      money(interest), money(balance))
                                     for n, due, pay, principal, interest, balance in part["rows"]),
                          widths=(0.09, 0.19, 0.18, 0.18, 0.16, 0.20), numeric=(0, 2, 3, 4, 5)))
    return frame(payload, form="annex", body=tuple(body), names=names(d["teacher"]["name"]))


KIND = LetterKind(name="schedule", programme="debt", order=5, title=_l("Repayment schedule (annex)"),
                  issuers=PROVINCE, facts=facts, compose=compose)
