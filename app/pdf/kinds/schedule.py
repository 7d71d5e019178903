"""Repayment schedule annex: every instalment of each approved loan; the table header repeats on each page."""
from __future__ import annotations

from datetime import date

from app.pdf.content import LetterContent, Para, Table
from app.pdf.kinds.common import be_month, frame, money, months_text, rate


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
