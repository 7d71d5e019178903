"""Payment-approval memo (บันทึกข้อความ): approved, paid so far and outstanding per entitlement, for the head
of office to approve the next payment round."""
from __future__ import annotations

from decimal import Decimal

from app.i18n import lazy_gettext as _l
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, be_date, frame, money, resolution_phrase
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE, head_of
from app.services.letter_kinds._relief import decision_facts, people_of

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """An internal memo to the head of the issuing office."""
    data = decision_facts(source)
    data["payments"] = payments_of(source.case, data)
    return Facts(data, f"ขออนุมัติเบิกจ่ายเงินช่วยเหลือเยียวยา กรณี{data['victim']['name']}", head_of(source.office))


def payments_of(case, data: dict) -> dict:
    """Paid so far per entitlement, at issue time (payments are not part of the approval snapshot)."""
    paid: dict[int, Decimal] = {}
    for payment in case.payments:
        paid[payment.entitlement_id] = paid.get(payment.entitlement_id, Decimal("0")) + payment.amount
    rounds = [{"entitlement_id": p.entitlement_id, "round": p.round_no, "amount": str(p.amount),
               "paid_on": p.paid_on.isoformat(), "reference": p.reference or ""} for p in case.payments]
    return {"paid": {str(e["id"]): str(paid.get(e["id"], Decimal("0.00"))) for e in data["entitlements"]},
            "rounds": rounds}


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

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
    resolution = resolution_phrase(d)
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
    return frame(payload, form="memo", body=body, names=people_of(d))


KIND = LetterKind(name="payment_memo", programme="relief", order=2, title=_l("Payment-approval memo"),
                  issuers=PROVINCE, facts=facts, compose=compose)
