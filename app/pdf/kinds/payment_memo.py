"""Payment-approval memo (บันทึกข้อความ): approved, paid so far and outstanding per entitlement, for the head
of office to approve the next payment round."""
from __future__ import annotations

from decimal import Decimal

from app.pdf.content import LetterContent, Para, Table
from app.pdf.kinds.common import baht, be_date, frame, money


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    paid = d["payments"]["paid"]
    rows, approved_total, paid_total = [], Decimal("0"), Decimal("0")
    for e in d["entitlements"]:
        done = Decimal(paid.get(str(e["id"]), "0"))
        rows.append((e["title"], money(e["amount"]), money(done), money(Decimal(e["amount"]) - done)))
        approved_total += Decimal(e["amount"])
        paid_total += done
    outstanding = approved_total - paid_total
    resolution = f" ตามมติ {d['resolution_no']}" if d.get("resolution_no") else ""
    body = (Para(f"เรื่องเดิม คณะกรรมการได้อนุมัติให้ความช่วยเหลือเยียวยา กรณี{d['victim']['name']} "
                 f"(กรณีเลขที่ {d['reference']}) เมื่อวันที่ {be_date(d['approved_on'])}{resolution} "
                 f"รวมเป็นเงิน {baht(approved_total)}"),
            Para(f"ข้อเท็จจริง ได้จ่ายเงินแล้ว {len(d['payments']['rounds'])} รอบ รวม {baht(paid_total)} "
                 f"คงเหลือที่ยังไม่ได้จ่าย {baht(outstanding)} รายละเอียดดังนี้"),
            Table(header=("รายการ", "อนุมัติ (บาท)", "จ่ายแล้ว (บาท)", "คงเหลือ (บาท)"), rows=tuple(rows),
                  widths=(0.46, 0.18, 0.18, 0.18), numeric=(1, 2, 3),
                  total=("รวม", money(approved_total), money(paid_total), money(outstanding))),
            Para("ข้อพิจารณา เห็นควรอนุมัติเบิกจ่ายเงินในรอบถัดไปตามยอดคงเหลือที่ถึงกำหนด โดยทุนการศึกษารายปี"
                 "จ่ายเมื่อได้รับหลักฐานการศึกษาต่อของปีการศึกษานั้นแล้ว และโอนเข้าบัญชีของผู้มีสิทธิ"),
            Para("จึงเรียนมาเพื่อโปรดพิจารณาอนุมัติ"))
    return frame(payload, form="memo", body=body)
