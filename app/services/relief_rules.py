"""Entitlement rules as data: seeded from the public figures in domain.md, changed by administrators
(a change is a new version from an effective date; cases keep the rule they were computed with)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain.money import MoneyError, parse_money
from app.domain.relief_rules import EDUCATION_LEVELS, Rule
from app.extensions import db
from app.i18n import gettext as _
from app.models import EntitlementRule, User
from app.services import audit
from app.services.debt_input import money_message
from app.services.errors import ValidationFailed
from app.services.permissions import require

TEACHERS = ["civil_servant_teacher", "education_personnel"]
NOT_STATE_OFFICIALS = ["temporary_staff", "student"]
SINCE_2004 = date(2004, 1, 1)

SEED_RULES = [
    dict(code="sbpac.remedy.death", programme="sbpac", kind="remedy", title="เงินเยียวยากรณีเสียชีวิต (ศอ.บต.)",
         harms=["death"], employment_types=None, recipient="heirs", amount=Decimal("500000"),
         source="มติคณะรัฐมนตรี 14 สิงหาคม 2555 (ย้อนหลังถึง พ.ศ. 2547)"),
    dict(code="sbpac.remedy.disability", programme="sbpac", kind="remedy",
         title="เงินเยียวยากรณีทุพพลภาพถาวร (ศอ.บต.)", harms=["permanent_disability"], employment_types=None,
         recipient="victim", amount=Decimal("500000"), source="มติคณะรัฐมนตรี 14 สิงหาคม 2555 (ย้อนหลังถึง พ.ศ. 2547)"),
    dict(code="sbpac.immediate.death", programme="sbpac", kind="immediate_aid",
         title="เงินช่วยเหลือเบื้องต้นกรณีเสียชีวิต (ศอ.บต.) ไม่รวมเจ้าหน้าที่รัฐ", harms=["death"],
         employment_types=NOT_STATE_OFFICIALS, recipient="heirs", amount=Decimal("6000"),
         source="ศอ.บต. เงินช่วยเหลือเบื้องต้น (domain.md)"),
    dict(code="sbpac.immediate.injury", programme="sbpac", kind="immediate_aid",
         title="เงินช่วยเหลือเบื้องต้นกรณีบาดเจ็บ (ศอ.บต.) ไม่รวมเจ้าหน้าที่รัฐ",
         harms=["serious_injury", "minor_injury", "permanent_disability"], employment_types=NOT_STATE_OFFICIALS,
         recipient="victim", amount=Decimal("3000"), source="ศอ.บต. เงินช่วยเหลือเบื้องต้น (domain.md)"),
    dict(code="sbpac.rehabilitation", programme="sbpac", kind="rehabilitation", title="เงินฟื้นฟูสมรรถภาพ (ศอ.บต.)",
         harms=["serious_injury", "permanent_disability"], employment_types=None, recipient="victim",
         amount=Decimal("200000"), source="ศอ.บต. (domain.md)"),
    dict(code="sbpac.child_stipend", programme="sbpac", kind="stipend",
         title="เงินช่วยเหลือรายเดือนบุตร (ศอ.บต.) จนจบปริญญาตรีหรืออายุ 25 ปี",
         harms=["death", "serious_injury", "permanent_disability"], employment_types=None, recipient="each_child",
         period="monthly", rates={"kindergarten": "1000", "primary": "1000"}, end_age=25, until_bachelor=True,
         source="ศอ.บต. (domain.md): อนุบาล/ประถม 1,000 บาทต่อเดือน; ระดับอื่นยังไม่กำหนดอัตรา"),
    dict(code="moe.welfare.death", programme="moe", kind="welfare",
         title="เงินสวัสดิการครูและบุคลากรทางการศึกษาที่เสียชีวิต (ศธ.) หักเงินที่รัฐจ่ายแล้ว",
         harms=["death"], employment_types=TEACHERS, recipient="heirs", amount=Decimal("4000000"),
         offset_codes=["sbpac.remedy.death"], source="มติคณะรัฐมนตรี 1 ตุลาคม 2556 (ย้อนหลังถึง 1 มกราคม 2547)"),
    dict(code="moe.scholarship", programme="moe", kind="scholarship",
         title="ทุนการศึกษาต่อเนื่องรายปีสำหรับบุตร (ศธ.) จนจบปริญญาตรี", harms=["death", "permanent_disability"],
         employment_types=TEACHERS, recipient="each_child", period="annual",
         rates={"primary": "6000", "lower_secondary": "10000", "upper_secondary": "10000", "vocational": "10000",
                "higher": "20000"}, until_bachelor=True,
         source="กระทรวงศึกษาธิการ (domain.md): จนจบปริญญาตรีใบแรก ไม่จำกัดอายุ ต้องแสดงหลักฐานการศึกษาทุกปี"),
    # Funeral welfare (domain.md, "Relief cases"): for a death, only where the victim was a member of the fund;
    # "the amount is set per fund by an administrator, since it depends on the fund's membership count". domain.md
    # gives no figure, so these are seeded WITHOUT an amount: they give nothing, and a case they apply to says the
    # amount is not set yet, until an administrator sets one (admin rules page: a new version with an amount).
    dict(code="chpk.funeral", programme="otep", kind="funeral",
         title="เงินสงเคราะห์ครอบครัวสมาชิก ช.พ.ค. (ผู้เสียชีวิตเป็นสมาชิก)", harms=["death"], employment_types=None,
         recipient="heirs", membership="chpk",
         source="ช.พ.ค. (domain.md): จำนวนเงินขึ้นกับจำนวนสมาชิกของกองทุน ผู้ดูแลระบบเป็นผู้กำหนด"),
    dict(code="chps.funeral", programme="otep", kind="funeral",
         title="เงินสงเคราะห์ครอบครัวสมาชิก ช.พ.ส. (ผู้เสียชีวิตเป็นสมาชิก)", harms=["death"], employment_types=None,
         recipient="heirs", membership="chps",
         source="ช.พ.ส. (domain.md): จำนวนเงินขึ้นกับจำนวนสมาชิกของกองทุน ผู้ดูแลระบบเป็นผู้กำหนด"),
    # Property damage (domain.md): "a rule an administrator sets (no public figure)": seeded without an amount.
    dict(code="sbpac.property_damage", programme="sbpac", kind="property_damage",
         title="เงินช่วยเหลือกรณีทรัพย์สินเสียหาย", harms=["property_damage"], employment_types=None,
         recipient="victim", source="ไม่มีตัวเลขสาธารณะ (domain.md): ผู้ดูแลระบบเป็นผู้กำหนด"),
]


def seed_rules() -> int:
    """Add the seeded rule versions that are missing (by code and start date). The caller commits."""
    existing = {(code, start) for code, start in db.session.execute(
        select(EntitlementRule.code, EntitlementRule.effective_from))}
    added = 0
    for spec in SEED_RULES:
        if (spec["code"], SINCE_2004) in existing:
            continue
        db.session.add(EntitlementRule(effective_from=SINCE_2004, effective_to=None, period=spec.get("period", "once"),
                                       rates=spec.get("rates", {}), offset_codes=spec.get("offset_codes", []),
                                       end_age=spec.get("end_age"), until_bachelor=spec.get("until_bachelor", False),
                                       **{k: v for k, v in spec.items() if k not in (
                                           "period", "rates", "offset_codes", "end_age", "until_bachelor")}))
        added += 1
    return added


def to_domain(row: EntitlementRule) -> Rule:
    return Rule(code=row.code, programme=row.programme, kind=row.kind, harms=tuple(row.harms),
                employment_types=tuple(row.employment_types) if row.employment_types is not None else None,
                recipient=row.recipient, effective_from=row.effective_from, effective_to=row.effective_to,
                amount=row.amount, period=row.period, rates={k: Decimal(v) for k, v in (row.rates or {}).items()},
                end_age=row.end_age, until_bachelor=row.until_bachelor, offset_codes=tuple(row.offset_codes or ()),
                source=row.source, rule_id=row.id, membership=row.membership, title=row.title)


def all_rules() -> list[Rule]:
    return [to_domain(r) for r in db.session.scalars(select(EntitlementRule).order_by(EntitlementRule.id))]


def snapshot(row: EntitlementRule) -> dict:
    return {"id": row.id, "code": row.code, "title": row.title, "amount": str(row.amount) if row.amount else None,
            "rates": row.rates, "period": row.period, "effective_from": row.effective_from.isoformat(),
            "effective_to": row.effective_to.isoformat() if row.effective_to else None, "source": row.source,
            "offset_codes": row.offset_codes, "membership": row.membership}


def is_unset(row: EntitlementRule) -> bool:
    """A rule an administrator has not given a figure yet (seeded without one: funeral welfare, property damage)."""
    return to_domain(row).unset


def _figures(old: EntitlementRule, amount: str | None, rates: dict[str, str] | None, errors: dict):
    """The new version's amount and rates, each checked as money; the old ones where none is given."""
    new_amount, new_rates = old.amount, dict(old.rates or {})
    if amount not in (None, ""):
        try:
            new_amount = parse_money(amount)
        except MoneyError as error:
            errors["amount"] = money_message(error)
    if rates:
        new_rates = {}
        for level, value in rates.items():
            if level not in EDUCATION_LEVELS:
                errors["rates"] = _("Unknown education level “%(level)s”; use: %(options)s.", level=level[:40],
                                    options=", ".join(EDUCATION_LEVELS))
                continue
            try:
                new_rates[level] = str(parse_money(value))
            except MoneyError as error:
                errors["rates"] = money_message(error)
    if old.period == "once" and new_amount is None and "amount" not in errors:
        errors["amount"] = _("Enter the amount.")
    return new_amount, new_rates


def new_version(actor: User, rule_id: int, *, amount: str | None, rates: dict[str, str] | None,
                effective_from: date, source: str) -> EntitlementRule:
    """A new version of a rule from `effective_from`; the old version ends the day before. Audited.
    A rule seeded without an amount (never applied to any case) may be given its first amount from its own start
    date: it then ends before it began and is never in force."""
    require(actor, "manage_rules")
    old = db.session.get(EntitlementRule, rule_id)
    if old is None:
        raise ValidationFailed(_("Unknown rule."), {"rule": _("Unknown rule.")})
    errors = {}
    if old.effective_to is not None:
        errors["effective_from"] = _("This version has already been replaced; change the current one.")
    elif effective_from < old.effective_from or (effective_from == old.effective_from and not is_unset(old)):
        errors["effective_from"] = _("The new version must start after the current one.")
    if not source.strip():
        errors["source"] = _("Name the Cabinet resolution or regulation and its date.")
    new_amount, new_rates = _figures(old, amount, rates, errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)

    before = snapshot(old)
    old.effective_to = effective_from - timedelta(days=1)
    row = EntitlementRule(code=old.code, programme=old.programme, kind=old.kind, title=old.title, harms=old.harms,
                          employment_types=old.employment_types, recipient=old.recipient, amount=new_amount,
                          period=old.period, rates=new_rates, end_age=old.end_age, until_bachelor=old.until_bachelor,
                          offset_codes=old.offset_codes, membership=old.membership, effective_from=effective_from,
                          effective_to=None, source=source.strip()[:300])
    db.session.add(row)
    db.session.flush()
    audit.record("rule.new_version", actor=actor, object_type="entitlement_rule", object_id=row.id,
                 before=before, after=snapshot(row))
    db.session.commit()
    return row


def note_message(note: dict) -> str:
    """A stored entitlement note in words, for the case page and the API (domain.md, "Relief cases": until a rule
    exists, the case says so plainly)."""
    if note.get("reason") == "no_rule":
        return _("No rule for property damage has been set by an administrator yet, so no amount can be computed. "
                 "Once an administrator sets one, save the case again to compute it.")
    return _("“%(title)s” applies to this case, but its amount has not been set by an administrator yet. "
             "Once it is set, save the case again to compute it.", title=note.get("title") or note.get("rule_code"))
