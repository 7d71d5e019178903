"""Reading a relief case from a request (web form or API body): every bad field at once, in the contract's
field paths (api-v1.md, "Relief cases")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain import relief_rules as rules_domain
from app.domain.thai_id import is_valid_citizen_id, normalise_citizen_id
from app.i18n import gettext as _
from app.services.debt_input import FieldReader
from app.services.errors import ValidationFailed

INCIDENT_KINDS = ("shooting", "bombing", "arson", "attack", "other")


@dataclass
class PersonInput:
    citizen_id: str
    title: str
    first_name: str
    last_name: str
    birth_date: date | None


@dataclass
class ReliefInput:
    occurred_on: date
    province_code: str
    district: str
    kind: str
    police_report_no: str | None
    summary: str | None
    victim: PersonInput
    employment_type: str
    workplace: str | None
    harm: str
    beneficiaries: list[tuple[PersonInput, str, str | None, str | None]]
    split_method: str
    # Funeral-welfare membership of the victim (domain.md, "Relief cases"): ช.พ.ค. and ช.พ.ส.
    chpk_member: bool = False
    chps_member: bool = False


def _flag(reader: FieldReader, data: dict, key: str, path: str) -> bool:
    """An optional yes/no: true, false or absent (null) in JSON."""
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        reader.errors[path] = _("Answer true or false.")
        return False
    return value


def _person(reader: FieldReader, data, path: str) -> PersonInput | None:
    if not isinstance(data, dict):
        reader.errors[path] = _("This field is required.")
        return None
    raw = data.get("citizen_id")
    cid = normalise_citizen_id(raw) if isinstance(raw, str) else ""
    if not cid:
        reader.errors[f"{path}.citizen_id"] = _("This field is required.")
    elif not is_valid_citizen_id(cid):
        reader.errors[f"{path}.citizen_id"] = _("This is not a valid 13-digit citizen ID (check digit).")
    return PersonInput(cid, reader.text(data, "title", f"{path}.title", max_length=40),
                       reader.text(data, "first_name", f"{path}.first_name", max_length=100),
                       reader.text(data, "last_name", f"{path}.last_name", max_length=100),
                       reader.day(data, "birth_date", f"{path}.birth_date"))


def parse_relief(data) -> ReliefInput:
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    reader = FieldReader()
    incident = data.get("incident") if isinstance(data.get("incident"), dict) else {}
    if not incident:
        reader.errors["incident"] = _("This field is required.")
    victim = data.get("victim") if isinstance(data.get("victim"), dict) else {}
    occurred_on = reader.day(incident, "date", "incident.date", required=True)
    province = reader.text(incident, "province_code", "incident.province_code", max_length=2)
    district = reader.text(incident, "district", "incident.district", max_length=100)
    kind = reader.choice(incident, "kind", "incident.kind", INCIDENT_KINDS)
    person = _person(reader, victim, "victim")
    employment = reader.choice(victim, "employment_type", "victim.employment_type", rules_domain.EMPLOYMENT_TYPES)
    harm = reader.choice(victim, "harm", "victim.harm", rules_domain.HARMS)
    chpk = _flag(reader, victim, "chpk_member", "victim.chpk_member")
    chps = _flag(reader, victim, "chps_member", "victim.chps_member")
    rows = data.get("beneficiaries", [])
    beneficiaries = []
    if not isinstance(rows, list) or len(rows) > 30:
        reader.errors["beneficiaries"] = _("At most %(n)d rows.", n=30)
        rows = []
    seen = set()
    for i, row in enumerate(rows):
        path = f"beneficiaries[{i}]"
        heir = _person(reader, row, path)
        if not isinstance(row, dict):
            continue
        relationship = reader.choice(row, "relationship", f"{path}.relationship", rules_domain.RELATIONSHIPS)
        level = row.get("education_level")
        if level is not None and level not in rules_domain.EDUCATION_LEVELS:
            reader.errors[f"{path}.education_level"] = _("Choose one of: %(options)s.",
                                                         options=", ".join(rules_domain.EDUCATION_LEVELS))
        account = reader.text(row, "bank_account", f"{path}.bank_account", required=False, max_length=30)
        if heir and heir.citizen_id:
            if heir.citizen_id in seen or heir.citizen_id == (person.citizen_id if person else None):
                reader.errors[f"{path}.citizen_id"] = _("This person is listed twice.")
            seen.add(heir.citizen_id)
        beneficiaries.append((heir, relationship, level, account))
    method = reader.choice(data, "split_method", "split_method", rules_domain.SPLIT_METHODS, "equal")
    if harm == "death" and not rows:
        reader.errors["beneficiaries"] = _("A death case needs its heirs.")
    if reader.errors:
        raise ValidationFailed(_("Please correct the marked fields."), reader.errors)
    return ReliefInput(occurred_on, province, district, kind, reader.text(incident, "police_report_no", "x",
                       required=False, max_length=100), reader.text(incident, "summary", "x", required=False,
                       max_length=2000), person, employment, reader.text(victim, "workplace", "x", required=False),
                       harm, beneficiaries, method, chpk_member=chpk, chps_member=chps)


