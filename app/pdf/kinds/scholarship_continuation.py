"""Scholarship continuation notice: this academic year's instalment for each child, and the proof still needed."""
from __future__ import annotations

from decimal import Decimal

from app.pdf.content import LetterContent, Para, Table
from app.pdf.kinds.common import baht, frame, money


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    year = d["academic_year"]
    rows = d["year_rows"]
    total = sum((Decimal(r["amount"]) for r in rows), Decimal("0"))
    status = {True: "ได้รับหลักฐานแล้ว", False: "ไม่ได้ศึกษาต่อ", None: "รอหลักฐาน"}
    waiting = [r for r in rows if r["enrolled"] is None]
    body = [Para(f"ตามที่บุตรของ {d['victim']['name']} ได้รับอนุมัติทุนการศึกษาและเงินช่วยเหลือต่อเนื่องรายปี "
                 f"(กรณีเลขที่ {d['reference']}) นั้น"),
            Para(f"ในปีการศึกษา {year} บุตรมีสิทธิได้รับเงินรวม {baht(total)} ดังนี้"),
            Table(header=("ผู้มีสิทธิ", "ระดับการศึกษา", "รายการ", "จำนวนเงิน (บาท)", "หลักฐานการศึกษา"),
                  rows=tuple((r["name"], r["level"], r["title"], money(r["amount"]), status[r["enrolled"]])
                             for r in rows),
                  widths=(0.2, 0.16, 0.34, 0.14, 0.16), numeric=(3,))]
    if waiting:
        body.append(Para("ขอให้ท่านส่งหลักฐานการเป็นนักเรียนหรือนักศึกษาของปีการศึกษานี้ (หนังสือรับรองจากสถานศึกษา) "
                         "ให้สำนักงานศึกษาธิการจังหวัด เพื่อดำเนินการเบิกจ่ายต่อไป"))
    body.append(Para("จึงเรียนมาเพื่อทราบและดำเนินการ"))
    return frame(payload, body=tuple(body), reference=f"กรณีเลขที่ {d['reference']}")
