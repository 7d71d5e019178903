"""Request to one creditor: the cooperative asks it to confirm and close, reschedule or accept a pro-rata share of
the teacher's debt, as the province approved. A pack is one of these per restructured debt."""
from __future__ import annotations

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import Debt
from app.pdf.content import Fields, LetterContent, Para
from app.pdf.wording import baht, be_date, frame, money, months_text, names, rate, resolution_phrase
from app.services.creditors import addressee_line
from app.services.errors import ValidationFailed
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import COOPERATIVE
from app.services.letter_kinds._debt import case_reference, decision_facts

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    data = decision_facts(source)
    debt_id = source.debt_id
    if not isinstance(debt_id, int) or isinstance(debt_id, bool):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"debt_id": _("Choose the creditor's debt for this letter.")})
    creditor = creditor_of(source, debt_id)
    data["request"] = treatment_of(data, debt_id, own=is_own(source, creditor, data, debt_id))
    if creditor is not None:
        data["request"]["creditor"] = creditor
    # Addressed by the creditor's addressee position and its own name (issue 18; domain.md, Documents: "addressed
    # to whoever acts on it, by office and position"); without a creditor on file, as before.
    addressee = creditor["addressed_to"] if creditor else f"ผู้จัดการ{data['request']['debt']['creditor']}"
    return Facts(data, f"ขอความร่วมมือปรับโครงสร้างหนี้ของ {data['teacher']['name']}", addressee)


def creditor_of(source: Source, debt_id: int) -> dict | None:
    """The debt's creditor on file as the approval snapshot froze it (issue 18); a snapshot frozen before creditors
    were on file has none, and then the debt's current creditor row is read; None when there is neither."""
    debt = next((d for d in source.body.get("debts", []) if d.get("id") == debt_id), None)
    if debt is None:
        return None
    frozen = debt.get("creditor") if "creditor_id" in debt else None
    if frozen is not None:
        creditor_id = debt["creditor_id"]
    else:
        row = db.session.get(Debt, debt_id)
        if row is None or row.case_id != source.case.id or row.creditor is None:
            return None
        creditor_id, current = row.creditor_id, row.creditor
        frozen = {"name": current.name, "branch": current.branch, "address": current.address,
                  "addressee": current.addressee, "org_unit_id": current.org_unit_id}
    return {"id": creditor_id, **frozen,
            "addressed_to": addressee_line(frozen["name"], frozen.get("branch"), frozen.get("addressee"))}


def is_own(source: Source, creditor: dict | None, data: dict, debt_id: int) -> bool:
    """domain.md, "After approval" 1: the issuing cooperative is itself a creditor on file and never writes to itself.
    Decided by the creditor's org unit against the issuing cooperative's id, never by names; only a debt with no
    creditor on file (an old snapshot of a debt since deleted) falls back to comparing the typed name."""
    if creditor is not None:
        issuing = source.office.id if source.office is not None else source.case.cooperative_id
        return creditor.get("org_unit_id") is not None and creditor["org_unit_id"] in {issuing,
                                                                                      source.case.cooperative_id}
    debt = next((d for d in data["debts"] if d["id"] == debt_id), None)
    return debt is not None and debt["creditor"] == data["cooperative"]


def treatment_of(data: dict, debt_id: int, own: bool | None = None) -> dict:
    """How the approved plan treats one creditor's debt: consolidated (paid off by the new loan), rescheduled
    with new terms, or paid a pro-rata share. A debt the plan leaves alone has no request letter, nor has a debt
    owed to the issuing cooperative itself (`own`; without it, the old comparison of names)."""
    debt = next((d for d in data["debts"] if d["id"] == debt_id), None)
    plan = data["plan"]
    if own is None:
        own = debt is not None and debt["creditor"] == data["cooperative"]
    if debt is not None and own:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "debt_id": _("This debt is owed to the cooperative itself: it needs no request letter.")})
    if debt is not None:
        if debt_id in data["consolidated_ids"]:
            return {"debt": debt, "treatment": "consolidate", "terms": plan["new_loan"]}
        for row in plan["rescheduled"]:
            if row["debt_id"] == debt_id:
                return {"debt": debt, "treatment": "reschedule", "terms": row}
        for row in plan["pro_rata"]:
            if row["debt_id"] == debt_id:
                return {"debt": debt, "treatment": "pro_rata", "terms": row}
    raise ValidationFailed(_("Please correct the marked fields."),
                           {"debt_id": _("Choose a debt of this case that the approved plan restructures.")})


def addressed_debts(source: Source) -> list[int]:
    """The creditors a request pack goes to: every debt the approved plan restructures, in case order, except
    those owed to the issuing cooperative itself (it does not write to itself: no letter, by org unit id)."""
    data = decision_facts(source)
    touched = set(data["consolidated_ids"]) | {r["debt_id"] for r in data["plan"]["rescheduled"]} | {
        r["debt_id"] for r in data["plan"]["pro_rata"]}
    debt_ids = [d["id"] for d in data["debts"] if d["id"] in touched
                and not is_own(source, creditor_of(source, d["id"]), data, d["id"])]
    if not debt_ids:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "kind": _("The approved plan restructures no debt owed to another creditor: there is no one to write to.")})
    return debt_ids


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    request, teacher = d["request"], d["teacher"]
    debt, terms = request["debt"], request["terms"]
    resolution = resolution_phrase(d)
    # The creditor must find the borrower's account: the full citizen ID (domain.md, "Documents"; letters issued
    # before issue 18 carried the masked one and printed none)
    person_id = f"เลขประจำตัวประชาชน {teacher['citizen_id']} " if d.get("full_citizen_id") else ""
    body = [Para(f"ด้วย{d['cooperative']} ได้ดำเนินการแก้ไขปัญหาหนี้สินของ {teacher['name']} {person_id}ตำแหน่ง "
                 f"{teacher['position']} {teacher['workplace']} ซึ่งสำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไข"
                 f"ปัญหาหนี้สินแล้ว เมื่อวันที่ {be_date(d['approved_on'])}{resolution} "
                 f"โดยผู้กู้มีหนี้คงค้างกับท่าน จำนวน {baht(debt['outstanding'])} อัตราดอกเบี้ยร้อยละ "
                 f"{rate(debt['rate'])} ต่อปี ผ่อนชำระเดือนละ {money(debt['monthly'])} บาท")]
    if request["treatment"] == "consolidate":
        body += [Para(f"{d['cooperative']} จะรวมหนี้ดังกล่าวเข้าเป็นเงินกู้ใหม่ของสหกรณ์ และชำระหนี้คงค้างทั้งหมดแทนผู้กู้ "
                      "จึงขอความร่วมมือท่านแจ้งยอดหนี้ที่ต้องชำระเพื่อปิดบัญชี ณ วันที่ชำระ พร้อมเลขที่บัญชีสำหรับรับชำระ "
                      "และเมื่อได้รับชำระครบถ้วนแล้ว ขอได้โปรดปิดบัญชีและปลดภาระผู้ค้ำประกัน"),
                 Fields(rows=(("ยอดหนี้ตามทะเบียน", f"{money(debt['outstanding'])} บาท"),
                              ("เงินกู้ใหม่ที่รวมหนี้", f"{money(terms['principal'])} บาท"),
                              ("เริ่มชำระงวดแรก", be_date(d["first_due"]))))]
    elif request["treatment"] == "reschedule":
        body += [Para("จึงขอความร่วมมือท่านปรับโครงสร้างหนี้ดังกล่าวตามแผนที่ได้รับอนุมัติ ดังนี้"),
                 Fields(rows=(("เงินต้น", f"{money(terms['principal'])} บาท"),
                              ("อัตราดอกเบี้ย", f"ร้อยละ {rate(terms['annual_rate'])} ต่อปี"),
                              ("ระยะเวลา", months_text(terms.get("months", terms["term_months"]))),
                              ("ผ่อนชำระงวดละ", baht(terms["monthly_payment"])),
                              ("เริ่มชำระงวดแรก", be_date(d["first_due"]))))]
    else:
        body += [Para("เนื่องจากเงินเดือนคงเหลือของผู้กู้ไม่พอชำระหนี้ทุกรายตามสัญญาเดิม จึงขอความร่วมมือท่านรับชำระหนี้"
                      f"ตามสัดส่วนเดือนละ {baht(terms['monthly_payment'])} ตั้งแต่งวดเดือน{be_date(d['first_due'])[2:]}"
                      " เป็นต้นไป")]
    body.append(Para("จึงเรียนมาเพื่อโปรดพิจารณาให้ความร่วมมือ และแจ้งผลให้สหกรณ์ทราบภายใน 15 วัน นับแต่วันที่ได้รับหนังสือนี้"))
    return frame(payload, body=tuple(body), reference=case_reference(d), names=names(teacher["name"]))


KIND = LetterKind(name="creditor_request", programme="debt", order=2, title=_l("Request to a creditor"),
                  issuers=COOPERATIVE, facts=facts, compose=compose, debts=addressed_debts, full_citizen_id=True)
