"""Scholarship continuation notice: this academic year's instalment for each child, and the proof still needed."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import ContinuationCheck, Person
from app.pdf.content import LetterContent, Para, Table
from app.pdf.wording import baht, frame, money
from app.services.errors import ValidationFailed
from app.services.letter_kinds import Facts, LetterKind, Source
from app.services.letter_kinds._common import PROVINCE
from app.services.letter_kinds._relief import decision_facts, people_of
from app.services.relief import academic_year_of

# ---- what it prints: built when it is issued --------------------------------------------------------------

def facts(source: Source) -> Facts:
    """The academic year the issue date falls in, with the enrolment checks recorded so far."""
    data = decision_facts(source)
    year = academic_year_of(source.on)
    data["academic_year"] = year
    data["year_rows"] = year_rows(data, year, enrolment_checks(source.case))
    return Facts(data, f"แจ้งการได้รับทุนการศึกษาต่อเนื่อง ปีการศึกษา {year}",
                 f"ผู้ปกครองของบุตร{data['victim']['name']}")


def enrolment_checks(case) -> dict:
    """(entitlement id, citizen ID, period) -> enrolled, the latest check winning."""
    ids = [e.id for e in case.entitlements]
    rows = list(db.session.scalars(select(ContinuationCheck).where(ContinuationCheck.entitlement_id.in_(ids))
                                   .order_by(ContinuationCheck.id))) if ids else []
    citizen_ids = dict(db.session.execute(select(Person.id, Person.citizen_id).where(
        Person.id.in_({c.person_id for c in rows}))).all()) if rows else {}
    return {(c.entitlement_id, citizen_ids.get(c.person_id), c.period): c.enrolled for c in rows}


def year_rows(data: dict, academic_year: int, checks: dict) -> list[dict]:
    """This academic year's scholarship and stipend instalments, with whether enrolment has been proved."""
    rows = []
    for e in data["entitlements"]:
        for item in e["schedule"]:
            if item["period"] == str(academic_year):
                rows.append({"title": e["title"], "name": item["name"], "level": item["level"],
                             "amount": item["amount"],
                             "enrolled": checks.get((e["id"], item["citizen_id"], item["period"]))})
    if not rows:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "kind": _("This case has no scholarship or stipend instalment in academic year %(year)s.",
                      year=academic_year)})
    return rows


# ---- how it prints: from the stored payload alone ---------------------------------------------------------

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
    return frame(payload, body=tuple(body), reference=f"กรณีเลขที่ {d['reference']}",
                 names=people_of(d) + tuple(r["name"] for r in rows))


KIND = LetterKind(name="scholarship_continuation", programme="relief", order=3,
                  title=_l("Scholarship continuation notice"), issuers=PROVINCE, facts=facts, compose=compose)
