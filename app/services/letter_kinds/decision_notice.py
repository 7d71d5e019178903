"""Relief decision notice to the family: the incident, the approval and each entitlement with every heir's share."""
from __future__ import annotations

from decimal import Decimal

from app.i18n import lazy_gettext as _l
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, be_date, frame, money, resolution_phrase
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._relief import decision_facts, people_of

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """Addressed to the first heir "and the heirs" when there are several."""
    data = decision_facts(source)
    family = next((b["name"] for b in data["beneficiaries"]), "ทายาท")
    return Facts(data, f"แจ้งผลการพิจารณาให้ความช่วยเหลือเยียวยา กรณี{data['victim']['name']}",
                 f"{family}" + (" และทายาท" if len(data["beneficiaries"]) > 1 else ""))


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

def entitlement_table(d: dict) -> Table:
    rows, total = [], Decimal("0")
    for e in d["entitlements"]:
        shares = ", ".join(f"{s['name']} {money(s['amount'])}" for s in e["shares"])
        note = f"หักเงินที่ได้รับแล้ว {money(e['offset'])} บาท" if Decimal(e["offset"]) else ""
        rows.append((e["title"], money(e["amount"]), "; ".join(x for x in (shares, note) if x)))
        total += Decimal(e["amount"])
    return Table(header=("รายการ", "จำนวนเงิน (บาท)", "ผู้มีสิทธิและส่วนแบ่ง (บาท)"), rows=tuple(rows),
                 widths=(0.42, 0.18, 0.40), numeric=(1,), total=("รวม", money(total), ""))


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    v, i = d["victim"], d["incident"]
    total = sum((Decimal(e["amount"]) for e in d["entitlements"]), Decimal("0"))
    resolution = resolution_phrase(d)
    body = [Para(f"ตามที่ {v['name']} {v['employment']} {v['workplace']} ได้รับผลกระทบจากเหตุการณ์ความไม่สงบ"
                 f"ในจังหวัดชายแดนภาคใต้ ({i['kind']}) เมื่อวันที่ {be_date(i['date'])} ที่อำเภอ{i['district']} "
                 f"จังหวัด{i['province']} กรณี{v['harm']} นั้น"),
            Para(f"คณะกรรมการได้พิจารณาแล้ว อนุมัติให้ความช่วยเหลือเยียวยาแก่ทายาทและผู้มีสิทธิ เมื่อวันที่ "
                 f"{be_date(d['approved_on'])}{resolution} รวมเป็นเงินทั้งสิ้น {baht(total)} ดังนี้"),
            entitlement_table(d)]
    yearly = [e for e in d["entitlements"] if e["schedule"]]
    if yearly:
        body.append(Para("สำหรับทุนการศึกษาและเงินช่วยเหลือรายปีของบุตร จะจ่ายเป็นรายปีการศึกษา เมื่อได้รับหลักฐาน"
                         "การศึกษาต่อของแต่ละปีแล้ว"))
    accounts = [f"{b['name']} บัญชี {b['bank_account']}" for b in d["beneficiaries"] if b["bank_account"]]
    if accounts:
        body.append(Para("การจ่ายเงินจะโอนเข้าบัญชีเงินฝากธนาคารของผู้มีสิทธิ ได้แก่ " + ", ".join(accounts)))
    body.append(Para("จึงเรียนมาเพื่อทราบ"))
    return frame(payload, body=tuple(body), reference=f"กรณีเลขที่ {d['reference']}", names=people_of(d))


KIND = LetterKind(name="decision_notice", programme="relief", order=1, title=_l("Decision notice to the family"),
                  issuers=PROVINCE, facts=facts, compose=compose)
