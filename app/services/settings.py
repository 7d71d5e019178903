"""Settings with effective dates (domain.md: "Every amount, rate and limit is data with an effective date,
editable by an administrator and audited"). A value applies from its effective date until a later one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import SettingValue, User
from app.services import audit
from app.services.errors import ValidationFailed
from app.services.permissions import require


@dataclass(frozen=True)
class SettingDefinition:
    default: str
    label: object
    source: str
    choices: tuple[str, ...] = ()
    kind: str = "decimal"  # decimal, integer, choice, optional_decimal


# Issue 21 point 2: a setting's source is the rule an officer would cite, in Thai, never a file of ours.
REGULATION_2551 = ("ระเบียบกระทรวงศึกษาธิการว่าด้วยหลักเกณฑ์การหักเงินเดือน เงินบำเหน็จบำนาญ เพื่อชำระหนี้ พ.ศ. 2551 "
                   "ข้อ 7(5)")
PROGRAMME_TERMS = "หลักเกณฑ์โครงการแก้ไขปัญหาหนี้สินครูและบุคลากรทางการศึกษา: เงื่อนไขเงินกู้ปรับโครงสร้างหนี้"

DEFINITIONS: dict[str, SettingDefinition] = {
    # Letters cite the floor's source from here (issue 18, item 5: one place for rule citations; domain.md: the MOE
    # regulation, never a Ministry of Finance one). An administrator's change may cite its own (SettingValue.source).
    "affordability.floor": SettingDefinition(
        "0.30", _l("Share of salary a teacher must keep (floor)"),
        "ระเบียบกระทรวงศึกษาธิการว่าด้วยหลักเกณฑ์การหักเงินเดือน เงินบำเหน็จบำนาญ เพื่อชำระหนี้ พ.ศ. 2551 ข้อ 7(5) "
        "และมติคณะรัฐมนตรีเมื่อวันที่ 19 ธันวาคม 2566"),
    "affordability.base": SettingDefinition(
        "salary", _l("Base of the ratio"), REGULATION_2551, choices=("salary", "receipts"),
        kind="choice"),
    "affordability.absolute_minimum": SettingDefinition(
        "", _l("Absolute minimum net income in baht (blank: off)"), REGULATION_2551,
        kind="optional_decimal"),
    "plan.max_term_months": SettingDefinition(
        "360", _l("Longest term of a restructured loan (months)"), PROGRAMME_TERMS, kind="integer"),
    "plan.max_age_at_end": SettingDefinition(
        "75", _l("Highest age of the borrower at the last instalment"), PROGRAMME_TERMS,
        kind="integer"),
    "repayment.rounding_step": SettingDefinition(
        "0.01", _l("Round instalments to (baht)"), "วิธีคำนวณค่างวดของโครงการ: ปัดค่างวดตามหน่วยที่กำหนด",
        choices=("0.01", "1", "10", "100"), kind="choice"),
    "repayment.rounding_mode": SettingDefinition(
        "half_up", _l("Rounding of instalments"), "วิธีคำนวณค่างวดของโครงการ: ปัดค่างวดตามหน่วยที่กำหนด", choices=("half_up", "up"),
        kind="choice"),
    "relief.satun_covered": SettingDefinition(
        "no", _l("Relief programmes cover incidents in Satun"), "ขอบเขตพื้นที่ของโครงการช่วยเหลือผู้ได้รับผลกระทบจากเหตุการณ์ความไม่สงบในจังหวัดชายแดนภาคใต้",
        choices=("no", "yes"), kind="choice"),
    "relief.evidence_max_mb": SettingDefinition(
        "10", _l("Largest evidence upload (MB)"), "ข้อกำหนดของระบบ: ขนาดไฟล์หลักฐานที่รับได้", kind="integer"),
    "approval.regional_threshold": SettingDefinition(
        "3000000.00", _l("Consolidated principal above which a regional approval is needed (baht)"),
        "ลำดับการอนุมัติของโครงการ: วงเงินรวมหนี้ที่ต้องให้ศึกษาธิการภาคอนุมัติ"),
    "privacy.retention_years": SettingDefinition(
        "10", _l("Years a closed or rejected case is kept before the retention report lists it"),
        "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 มาตรา 37(3): เก็บข้อมูลส่วนบุคคลไม่นานเกินจำเป็น", kind="integer"),
    "letters.thai_digits": SettingDefinition(
        "no", _l("Print Thai digits in letters"), "ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ: นิยมใช้เลขไทยในหนังสือราชการ (เลขอารบิกใช้ได้)",
        choices=("no", "yes"), kind="choice"),
}


def value(key: str, on: date | None = None) -> str:
    """The value of `key` in force on `on` (today by default)."""
    on = on or clock.today()
    row = db.session.scalar(
        select(SettingValue.value).where(SettingValue.key == key, SettingValue.effective_from <= on)
        .order_by(SettingValue.effective_from.desc(), SettingValue.id.desc()).limit(1))
    return DEFINITIONS[key].default if row is None else row


def values(on: date | None = None) -> dict[str, str]:
    """Every setting in force on `on`, in one query (the plan service reads them on each request)."""
    on = on or clock.today()
    current = {key: definition.default for key, definition in DEFINITIONS.items()}
    rows = db.session.execute(
        select(SettingValue.key, SettingValue.value).where(SettingValue.effective_from <= on)
        .order_by(SettingValue.effective_from, SettingValue.id)).all()
    for key, stored in rows:  # later rows win
        if key in current:
            current[key] = stored
    return current


def source_of(key: str, on: date | None = None) -> str:
    """What the value of `key` in force on `on` rests on: the source cited with it, else the definition's."""
    on = on or clock.today()
    row = db.session.scalar(
        select(SettingValue.source).where(SettingValue.key == key, SettingValue.effective_from <= on)
        .order_by(SettingValue.effective_from.desc(), SettingValue.id.desc()).limit(1))
    return (row or "").strip() or DEFINITIONS[key].source


def history(key: str) -> list[SettingValue]:
    return list(db.session.scalars(select(SettingValue).where(SettingValue.key == key)
                                   .order_by(SettingValue.effective_from.desc(), SettingValue.id.desc())))


def _check(key: str, raw: str) -> str:
    definition = DEFINITIONS[key]
    raw = (raw or "").strip()
    if definition.kind == "choice":
        if raw not in definition.choices:
            raise ValidationFailed(_("Please correct the marked fields."), {"value": _("Choose one of the options.")})
        return raw
    if definition.kind == "optional_decimal" and raw == "":
        return ""
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Please correct the marked fields."), {"value": _("Enter a number.")}) from None
    if not number.is_finite() or number < 0:
        raise ValidationFailed(_("Please correct the marked fields."), {"value": _("Enter a number of zero or more.")})
    if definition.kind == "integer":
        if number != number.to_integral_value() or not 1 <= number <= 1200:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"value": _("Enter a whole number from 1 to 1200.")})
        return str(int(number))
    if key == "affordability.floor" and number > 1:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"value": _("Enter a share between 0 and 1, e.g. 0.30.")})
    return str(number)


def set_value(actor: User, key: str, raw: str, effective_from: date, source: str | None) -> SettingValue:
    require(actor, "manage_settings")
    if key not in DEFINITIONS:
        raise ValidationFailed(_("Please correct the marked fields."), {"key": _("Unknown setting.")})
    checked = _check(key, raw)
    before = value(key, effective_from)
    row = SettingValue(key=key, value=checked, effective_from=effective_from, source=(source or None),
                       created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("setting.change", actor=actor, object_type="setting", object_id=key,
                 before={"value": before}, after={"value": checked, "effective_from": effective_from.isoformat(),
                                                  "source": source})
    db.session.commit()
    return row
