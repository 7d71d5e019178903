"""Notice to the guarantors of a debt that has fallen overdue (domain.md, "After approval" 6; api-v1.md v1.1:
guarantor_notice, `debt_id`, only for a debt 60 or more days overdue): the cooperative, creditor of the loan they
stand behind, tells them in writing of the debtor's default, as the Civil and Commercial Code s.686 requires
(within 60 days of the default).

One letter, one number, for the debt: its PDF holds one copy per guarantor, each addressed to that guarantor by
name, with their citizen ID masked (they act for themselves, not for the debtor). Each copy states the debtor, the
case and plan version, the original debt and its creditor, how the plan repays it, the amount overdue, the due
day of the oldest unpaid instalment, the days past due, and what the guarantor may do. When the episode it
answers ends (the debtor catches up), a later default is notified again without a reissue reason
(services/guarantor_notices.py, LetterKind.covers).
"""
from __future__ import annotations

from dataclasses import replace

from app.domain.thai_id import mask_citizen_id
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.pdf.content import Fields, LetterContent, Para
from app.pdf.wording import baht, be_date, frame, money, months_text, names, resolution_phrase
from app.services import guarantor_notices
from app.services.errors import ValidationFailed
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import COOPERATIVE
from app.services.letter_kinds._debt import case_reference, decision_facts
from app.services.letter_kinds.creditor_request import treatment_of

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """409 unless the debt is 60 or more days overdue on the issue day and names guarantors; 422 for a debt the
    plan does not restructure (guarantor_notices.check_notifiable)."""
    overdue, guarantors = guarantor_notices.check_notifiable(source.case, source.debt_id, source.on)
    data = decision_facts(source)
    treated = treatment_of(data, overdue.debt_id, own=False)
    data["notice"] = {
        "debt": treated["debt"], "treatment": treated["treatment"], "terms": treated["terms"],
        "part": overdue.part, "plan_version": source.case.plan_version, "as_of": overdue.as_of.isoformat(),
        "days_past_due": overdue.days_past_due, "amount_overdue": f"{overdue.amount_overdue:.2f}",
        "oldest_unpaid_due": overdue.oldest_unpaid_due.isoformat()}
    data["guarantors"] = [{"name": g.full_name, "citizen_id": mask_citizen_id(g.citizen_id)} for g in guarantors]
    subject = f"แจ้งผู้ค้ำประกันให้ทราบการผิดนัดชำระหนี้ของ {data['teacher']['name']}"
    return Facts(data, subject, addressees([g["name"] for g in data["guarantors"]]))


def addressees(people: list[str]) -> str:
    """The letter's addressee in the register: "นาย ก", "นาย ก และนาง ข", "นาย ก, นาง ข และนาย ค"."""
    if len(people) <= 1:
        return "".join(people)
    return f"{', '.join(people[:-1])} และ{people[-1]}"


def notified_debts(source: Source) -> list[int]:
    """The debts a batch notifies for a case: every restructured debt 60 or more days overdue with guarantors."""
    found = guarantor_notices.notifiable_debts(source.case, source.on)
    if not found:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "kind": _("No debt of this case with guarantors is 60 or more days overdue.")})
    return [d.debt_id for d in found]


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def repaid_through(d: dict) -> str:
    """How the plan repays the debt, as the guarantor reads it."""
    notice, cooperative = d["notice"], d["cooperative"]
    terms = notice["terms"]
    instalments = f"ผ่อนชำระงวดละ {money(terms['monthly_payment'])} บาท {months_text(terms.get('months', terms['term_months']))}"
    if notice["treatment"] == "consolidate":
        return f"{cooperative}ได้ชำระหนี้ดังกล่าวแทนลูกหนี้และรวมเข้าเป็นเงินกู้ใหม่ของสหกรณ์ {instalments}"
    return f"ปรับโครงสร้างหนี้ดังกล่าวเป็นเงินต้น {money(terms['principal'])} บาท {instalments}"


def copy_body(d: dict, guarantor: dict) -> tuple:
    """One guarantor's copy: addressed to them, their own citizen ID (masked), the same facts in every copy."""
    notice, teacher = d["notice"], d["teacher"]
    debt, cooperative = notice["debt"], d["cooperative"]
    through = f"เงินกู้ใหม่ของ{cooperative}" if notice["treatment"] == "consolidate" else (
        f"หนี้ที่ปรับโครงสร้างกับ{debt['creditor']}")
    return (
        Para(f"ตามที่ท่าน เลขประจำตัวประชาชน {guarantor['citizen_id']} เป็นผู้ค้ำประกันหนี้ของ {teacher['name']} "
             f"ตำแหน่ง {teacher['position']} {teacher['workplace']} ซึ่งมีต่อ{debt['creditor']} และสำนักงานศึกษาธิการ"
             f"จังหวัดได้อนุมัติแผนการแก้ไขปัญหาหนี้สินของลูกหนี้ เมื่อวันที่ {be_date(d['approved_on'])}"
             f"{resolution_phrase(d)} โดย{repaid_through(d)} นั้น"),
        Para("บัดนี้ ลูกหนี้ผิดนัดไม่ชำระหนี้ตามแผนดังกล่าว รายละเอียดดังนี้"),
        Fields(rows=(("ลูกหนี้", teacher["name"]),
                     ("หนี้เดิม", f"{debt['creditor']} ยอดหนี้ {money(debt['outstanding'])} บาท"),
                     ("ชำระตามแผนผ่าน", through),
                     ("งวดแรกที่ค้างชำระ ครบกำหนด", be_date(notice["oldest_unpaid_due"])),
                     ("ค้างชำระมาแล้ว", f"{notice['days_past_due']} วัน (ณ วันที่ {be_date(notice['as_of'])})"),
                     ("ยอดเงินที่ค้างชำระ", baht(notice["amount_overdue"])))),
        Para(f"{cooperative}ในฐานะเจ้าหนี้ จึงบอกกล่าวให้ท่านทราบในฐานะผู้ค้ำประกัน ตามประมวลกฎหมายแพ่งและพาณิชย์ "
             "มาตรา 686 ซึ่งกำหนดให้เจ้าหนี้มีหนังสือบอกกล่าวไปยังผู้ค้ำประกันภายในหกสิบวันนับแต่วันที่ลูกหนี้ผิดนัด "
             "ท่านมีสิทธิชำระหนี้ที่ค้างชำระจำนวนดังกล่าวแทนลูกหนี้ หรือติดต่อสหกรณ์เพื่อสอบถามยอดหนี้และหารือ"
             "แนวทางการชำระหนี้"),
        Para("จึงเรียนมาเพื่อโปรดทราบ"),
    )


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    people = names(d["teacher"]["name"], [g["name"] for g in d["guarantors"]])
    reference = case_reference(d)
    copies = tuple(replace(frame(payload, body=copy_body(d, g), reference=reference, names=people),
                           addressee=g["name"]) for g in d["guarantors"])
    return frame(payload, body=copies[0].body, reference=reference, names=people, copies=copies)


KIND = LetterKind(name="guarantor_notice", programme="debt", order=6, title=_l("Notice to the guarantors"),
                  issuers=COOPERATIVE, facts=facts, compose=compose, debts=notified_debts,
                  covers=guarantor_notices.covers)
