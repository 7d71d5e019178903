"""Entitlement rules as data: seeded from the public figures in domain.md, changed by administrators
(a change is a new version from an effective date; cases keep the rule they were computed with)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.relief_rules import Rule
from app.extensions import db
from app.models import EntitlementRule, User
from app.services import audit
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
                "higher": "20000"}, until_bachelor=True, source="กระทรวงศึกษาธิการ (domain.md)"),
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
                source=row.source, rule_id=row.id)


def all_rules() -> list[Rule]:
    return [to_domain(r) for r in db.session.scalars(select(EntitlementRule).order_by(EntitlementRule.id))]


def snapshot(row: EntitlementRule) -> dict:
    return {"id": row.id, "code": row.code, "title": row.title, "amount": str(row.amount) if row.amount else None,
            "rates": row.rates, "period": row.period, "effective_from": row.effective_from.isoformat(),
            "effective_to": row.effective_to.isoformat() if row.effective_to else None, "source": row.source,
            "offset_codes": row.offset_codes}


def new_version(actor: User, rule_id: int, *, amount: str | None, rates: dict[str, str] | None,
                effective_from: date, source: str) -> EntitlementRule:
    """A new version of a rule from `effective_from`; the old version ends the day before. Audited."""
    require(actor, "manage_rules")
    old = db.session.get(EntitlementRule, rule_id)
    if old is None:
        raise ValidationFailed(_("Unknown rule."), {"rule": _("Unknown rule.")})
    errors = {}
    if effective_from <= old.effective_from:
        errors["effective_from"] = _("The new version must start after the current one.")
    if not source.strip():
        errors["source"] = _("Name the Cabinet resolution or regulation and its date.")
    try:
        new_amount = Decimal(amount) if amount not in (None, "") else old.amount
        new_rates = {k: str(Decimal(v)) for k, v in (rates or old.rates or {}).items()}
    except Exception:  # noqa: BLE001 — any unparsable figure is the user's typo
        errors["amount"] = _("Enter a number.")
        new_amount, new_rates = old.amount, old.rates
    if new_amount is not None and new_amount < 0:
        errors["amount"] = _("Enter an amount of zero or more.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)

    before = snapshot(old)
    old.effective_to = effective_from - timedelta(days=1)
    row = EntitlementRule(code=old.code, programme=old.programme, kind=old.kind, title=old.title, harms=old.harms,
                          employment_types=old.employment_types, recipient=old.recipient, amount=new_amount,
                          period=old.period, rates=new_rates, end_age=old.end_age, until_bachelor=old.until_bachelor,
                          offset_codes=old.offset_codes, effective_from=effective_from, effective_to=None,
                          source=source.strip()[:300])
    db.session.add(row)
    db.session.flush()
    audit.record("rule.new_version", actor=actor, object_type="entitlement_rule", object_id=row.id,
                 before=before, after=snapshot(row))
    db.session.commit()
    return row
