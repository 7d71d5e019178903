"""Relief cases: register an incident, its victim and the beneficiaries; compute entitlements from the
rules in force on the incident date; evidence, continuation checks and payments (domain.md, "Relief cases")."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.domain import relief_rules as rules_domain
from app.domain.money import MoneyError, money_str, parse_money
from app.domain.thai_id import is_valid_citizen_id, normalise_citizen_id
from app.domain.thai_text import be_year
from app.extensions import db
from app.models import (
    Beneficiary, ContinuationCheck, Entitlement, EntitlementRule, Evidence, Incident, OrgUnit, Payment, Person,
    ReliefCase, UnitKind, User,
)
from app.models.relief import PAYABLE_STATUSES
from app.services import audit, settings
from app.services.debt_input import FieldReader, money_message
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.permissions import require
from app.services.relief_rules import all_rules
from app.services.scope import get_scoped_or_404, scoped

INCIDENT_KINDS = ("shooting", "bombing", "arson", "attack", "other")
# Covered area (domain.md): Pattani, Yala, Narathiwat; four districts of Songkhla; Satun where a programme
# covers it (setting relief.satun_covered).
BORDER_PROVINCES = ("94", "95", "96")
SONGKHLA, SATUN = "90", "91"
SONGKHLA_DISTRICTS = ("จะนะ", "เทพา", "นาทวี", "สะบ้าย้อย")
EVIDENCE_KINDS = ("death_certificate", "police_report", "medical_certificate", "disability_certificate",
                  "house_registration", "marriage_certificate", "birth_certificate", "claimant_id",
                  "damage_assessment", "enrolment_proof", "other")
# What must be on file before a case can be verified, by harm.
REQUIRED_EVIDENCE = {
    "death": ("death_certificate", "police_report", "claimant_id"),
    "permanent_disability": ("disability_certificate", "medical_certificate", "police_report"),
    "serious_injury": ("medical_certificate", "police_report"),
    "minor_injury": ("medical_certificate", "police_report"),
    "property_damage": ("damage_assessment", "police_report"),
}
FILE_SIGNATURES = {  # checked by content, not by name
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def get_case(actor: User, case_id: int) -> ReliefCase:
    require(actor, "view_relief_cases")
    return get_scoped_or_404(ReliefCase, case_id, actor, ReliefCase.org_path)


def cases_query(actor: User):
    require(actor, "view_relief_cases")
    return scoped(select(ReliefCase), ReliefCase.org_path, actor)


# ---- reading a request ---------------------------------------------------------------------------

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
                       harm, beneficiaries, method)


def is_covered(province_code: str, district: str) -> bool:
    if province_code in BORDER_PROVINCES:
        return True
    if province_code == SONGKHLA:
        return district.removeprefix("อำเภอ").strip() in SONGKHLA_DISTRICTS
    return province_code == SATUN and settings.value("relief.satun_covered") == "yes"


# ---- create ---------------------------------------------------------------------------------------

def _person_record(actor: User, data: PersonInput) -> Person:
    """The same person registry as the debt programme: one record per citizen ID."""
    person = db.session.scalar(select(Person).where(Person.citizen_id == data.citizen_id))
    if person is None:
        person = Person(citizen_id=data.citizen_id, title=data.title, first_name=data.first_name,
                        last_name=data.last_name, birth_date=data.birth_date)
        db.session.add(person)
        db.session.flush()
        audit.record("person.create", actor=actor, object_type="person", object_id=person.id,
                     after={"first_name": data.first_name, "last_name": data.last_name})
    elif data.birth_date and person.birth_date is None:
        person.birth_date = data.birth_date
    return person


def academic_year_of(day: date) -> int:
    """The Buddhist-Era academic year a day falls in (years open in mid-May)."""
    start = (day.month, day.day) >= rules_domain.ACADEMIC_YEAR_START
    return be_year(day) if start else be_year(day) - 1


def create_case(actor: User, data: ReliefInput) -> ReliefCase:
    require(actor, "edit_relief_cases")
    if not is_covered(data.province_code, data.district):
        raise ValidationFailed(_("The incident is outside the area the relief programmes cover."), {
            "incident.province_code": _("Covered: Pattani, Yala, Narathiwat and Chana, Thepha, Na Thawi, Saba Yoi "
                                        "in Songkhla (and Satun where a programme covers it).")})
    province = db.session.scalar(scoped(select(OrgUnit).where(OrgUnit.code == data.province_code,
                                                              OrgUnit.kind == UnitKind.PROVINCE.value),
                                        OrgUnit.path, actor))
    if province is None:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"incident.province_code": _("This province is outside your area.")})
    incident = Incident(occurred_on=data.occurred_on, province_code=data.province_code, district=data.district,
                        kind=data.kind, police_report_no=data.police_report_no, summary=data.summary)
    victim = _person_record(actor, data.victim)
    case = ReliefCase(incident=incident, victim=victim, employment_type=data.employment_type, workplace=data.workplace,
                      harm=data.harm, split_method=data.split_method, org_path=province.path,
                      province_code=data.province_code, created_by_id=actor.id)
    for i, (person, relationship, level, account) in enumerate(data.beneficiaries):
        case.beneficiaries.append(Beneficiary(person=_person_record(actor, person), position=i,
                                              relationship_=relationship, education_level=level,
                                              bank_account=account))
    db.session.add(case)
    db.session.flush()
    case.reference = f"RC{be_year(date.today())}-{case.id:06d}"
    compute_entitlements(case)
    audit.record("relief_case.create", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"harm": case.harm, "victim": victim.citizen_id,
                                                "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements]})
    db.session.commit()
    return case


def update_case(actor: User, case_id: int, data: ReliefInput, version: int | None) -> ReliefCase:
    """Correct a reported or returned case; its entitlements are computed again from the rules in force on
    the (possibly corrected) incident date. The victim and heirs link to the person registry as on create."""
    case = get_case(actor, case_id)
    require(actor, "edit_relief_cases")
    if version is not None and version != case.version:
        raise Conflict(_("Someone else changed this case after you opened it. Reload it and try again."))
    if not case.editable:
        raise Conflict(_("Only a reported or returned case can be changed."))
    if not is_covered(data.province_code, data.district) or data.province_code != case.province_code:
        raise ValidationFailed(_("Please correct the marked fields."), {"incident.province_code": _(
            "The province of a registered case cannot change; register a new case instead.")})
    before = {"harm": case.harm, "incident_date": case.incident.occurred_on.isoformat(),
              "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements]}
    incident = case.incident
    incident.occurred_on, incident.district, incident.kind = data.occurred_on, data.district, data.kind
    incident.police_report_no, incident.summary = data.police_report_no, data.summary
    case.victim = _person_record(actor, data.victim)
    case.employment_type, case.workplace, case.harm = data.employment_type, data.workplace, data.harm
    case.split_method = data.split_method
    case.beneficiaries = [Beneficiary(person=_person_record(actor, person), position=i, relationship_=relationship,
                                      education_level=level, bank_account=account)
                          for i, (person, relationship, level, account) in enumerate(data.beneficiaries)]
    db.session.flush()
    compute_entitlements(case)
    changed = db.session.execute(
        update(ReliefCase).where(ReliefCase.id == case.id, ReliefCase.version == case.version,
                                 ReliefCase.status.in_(("reported", "returned")))
        .values(version=ReliefCase.version + 1).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict(_("Someone else acted on this case at the same moment. Reload it to see what happened."))
    audit.record("relief_case.update", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, before=before,
                 after={"harm": case.harm, "incident_date": incident.occurred_on.isoformat(),
                        "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements]})
    db.session.commit()
    db.session.refresh(case)
    return case


def compute_entitlements(case: ReliefCase) -> None:
    """(Re)compute from the rules in force on the incident date; each row keeps its rule as it stood."""
    heirs = [rules_domain.Heir(key=b.person_id, relationship=b.relationship_, birth_date=b.person.birth_date,
                               education_level=b.education_level) for b in case.beneficiaries]
    results = rules_domain.compute(all_rules(), case.harm, case.employment_type, case.incident.occurred_on, heirs,
                                   case.split_method, case.victim_id, academic_year_of(case.incident.occurred_on))
    rows = {r.id: r for r in db.session.scalars(select(EntitlementRule))}
    from app.services.relief_rules import snapshot as rule_snapshot

    case.entitlements = [Entitlement(
        rule_id=e.rule.rule_id, programme=e.rule.programme, kind=e.rule.kind, amount=e.amount, offset=e.offset,
        rule_snapshot=rule_snapshot(rows[e.rule.rule_id]),
        shares=[{"person_id": s.key, "amount": money_str(s.amount), "remainder": s.remainder} for s in e.shares],
        schedule=[{"person_id": i.key, "period": i.period, "due": i.due.isoformat(), "amount": money_str(i.amount),
                   "level": i.education_level, "needs_continuation": i.needs_continuation} for i in e.schedule],
    ) for e in results]


# ---- workflow hooks --------------------------------------------------------------------------------

def missing_evidence(case: ReliefCase) -> list[str]:
    have = {e.kind for e in case.evidence}
    return [kind for kind in REQUIRED_EVIDENCE[case.harm] if kind not in have]


def guard(name: str, case: ReliefCase) -> str | None:
    if name == "evidence_complete":
        missing = missing_evidence(case)
        return _("Evidence still missing: %(kinds)s.", kinds=", ".join(missing)) if missing else None
    raise KeyError(name)


def snapshot(case: ReliefCase) -> dict:
    from app.api.relief_serialise import case_json

    body = case_json(case)
    for volatile in ("version", "status", "evidence", "evidence_required", "payments", "updated_at"):
        body.pop(volatile, None)
    return body


# ---- evidence ------------------------------------------------------------------------------------

def evidence_folder() -> Path:
    folder = Path(current_app.instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_evidence(actor: User, case_id: int, kind: str, filename: str, content: bytes) -> Evidence:
    case = get_case(actor, case_id)
    require(actor, "edit_relief_cases")
    if not case.accepts_evidence:
        raise Conflict(_("A closed or rejected case takes no more evidence."))
    errors = {}
    if kind not in EVIDENCE_KINDS:
        errors["kind"] = _("Choose one of: %(options)s.", options=", ".join(EVIDENCE_KINDS))
    limit = int(settings.value("relief.evidence_max_mb")) * 1024 * 1024
    content_type = next((t for sig, t in FILE_SIGNATURES.items() if content.startswith(sig)), None)
    if not content:
        errors["file"] = _("Choose a file.")
    elif len(content) > limit:
        errors["file"] = _("The file is larger than %(mb)s MB.", mb=settings.value("relief.evidence_max_mb"))
    elif content_type is None:
        errors["file"] = _("Upload a PDF, JPEG or PNG file (checked by its content, not its name).")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    stored = secrets.token_hex(16)
    (evidence_folder() / stored).write_bytes(content)
    row = Evidence(case=case, kind=kind, filename=Path(filename or "file").name[:200], stored_name=stored,
                   content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                   uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("relief_evidence.add", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"kind": kind, "filename": row.filename, "sha256": row.sha256})
    db.session.commit()
    return row


def evidence_file(actor: User, case_id: int, evidence_id: int) -> tuple[Evidence, Path]:
    case = get_case(actor, case_id)
    row = next((e for e in case.evidence if e.id == evidence_id), None)
    if row is None:
        raise NotFound()
    return row, evidence_folder() / row.stored_name


# ---- continuation checks and payments ------------------------------------------------------------

def _entitlement(case: ReliefCase, entitlement_id) -> Entitlement:
    row = next((e for e in case.entitlements if e.id == entitlement_id), None)
    if row is None:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"entitlement_id": _("This entitlement is not part of the case.")})
    return row


def record_continuation(actor: User, case_id: int, entitlement_id: int, person_id: int, period: str,
                        enrolled: bool, note: str | None) -> ContinuationCheck:
    case = get_case(actor, case_id)
    require(actor, "edit_relief_cases")
    entitlement = _entitlement(case, entitlement_id)
    if not any(i["person_id"] == person_id and i["period"] == period for i in entitlement.schedule):
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"period": _("No instalment for this child in this academic year.")})
    if int(period) > academic_year_of(date.today()):  # enrolment can be proved once the year has begun
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"period": _("This academic year has not started yet.")})
    check = ContinuationCheck(entitlement_id=entitlement.id, person_id=person_id, period=period, enrolled=enrolled,
                              note=(note or "")[:300] or None, checked_by_id=actor.id)
    db.session.add(check)
    db.session.flush()
    audit.record("relief_continuation.check", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"entitlement_id": entitlement.id, "person_id": person_id,
                                                "period": period, "enrolled": enrolled})
    db.session.commit()
    return check


def continuation_ok(entitlement: Entitlement, person_id: int, period: str) -> bool:
    latest = db.session.scalar(select(ContinuationCheck.enrolled).where(
        ContinuationCheck.entitlement_id == entitlement.id, ContinuationCheck.person_id == person_id,
        ContinuationCheck.period == period).order_by(ContinuationCheck.id.desc()).limit(1))
    return bool(latest)


def paid_total(entitlement_id: int, person_id: int | None = None, period: str | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.entitlement_id == entitlement_id)
    if person_id is not None:
        stmt = stmt.where(Payment.person_id == person_id)
    if period is not None:
        stmt = stmt.where(Payment.period == period)
    return Decimal(db.session.scalar(stmt))


def record_payment(actor: User, case_id: int, data) -> Payment:
    """A payment round for one entitlement (and heir); the total never exceeds what was approved."""
    from app.services import workflow

    case = get_case(actor, case_id)
    require(actor, "record_relief_payments")
    if not case.payable:
        raise Conflict(_("Payments can be recorded only for an approved case."))
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    reader = FieldReader()
    errors = reader.errors
    raw_id = data.get("entitlement_id")
    entitlement = _entitlement(case, raw_id) if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    if entitlement is None:
        errors["entitlement_id"] = _("This field is required.")
    try:
        amount = parse_money(data.get("amount"))
        if amount <= 0:
            errors["amount"] = _("Enter an amount above zero.")
    except MoneyError as error:
        errors["amount"] = money_message(error)
        amount = None
    paid_on = reader.day(data, "paid_on", "paid_on", required=True)
    reference = reader.text(data, "reference", "reference", max_length=100)
    person_id = data.get("person_id") if isinstance(data.get("person_id"), int) else None
    period = data.get("period") if isinstance(data.get("period"), str) else None
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    if entitlement.schedule:
        item = next((i for i in entitlement.schedule if i["person_id"] == person_id and i["period"] == period), None)
        if item is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"period": _("Choose the child and academic year of this payment.")})
        if not continuation_ok(entitlement, person_id, period):
            raise ValidationFailed(_("Please correct the marked fields."), {
                "period": _("Record the proof of enrolment for this academic year before paying it.")})
        available = Decimal(item["amount"]) - paid_total(entitlement.id, person_id, period)
    elif person_id is not None:
        share = next((s for s in entitlement.shares if s["person_id"] == person_id), None)
        if share is None:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {"person_id": _("This person has no share of this entitlement.")})
        available = Decimal(share["amount"]) - paid_total(entitlement.id, person_id)
    else:
        available = entitlement.amount - paid_total(entitlement.id)
    if amount > available:
        raise ValidationFailed(_("The payment is more than what is approved and unpaid (%(left)s baht).",
                                 left=money_str(max(available, Decimal(0)))), {"amount": _(
                                     "At most %(left)s baht.", left=money_str(max(available, Decimal(0))))})
    round_no = db.session.scalar(select(func.count(Payment.id)).where(Payment.entitlement_id == entitlement.id)) + 1
    payment = Payment(case=case, entitlement_id=entitlement.id, person_id=person_id, period=period, round_no=round_no,
                      amount=amount, paid_on=paid_on, reference=reference, created_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    audit.record("relief_payment.record", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"entitlement_id": entitlement.id, "round": round_no,
                                                "amount": money_str(amount), "reference": reference})
    if case.status == "approved":
        db.session.commit()
        workflow.transition("relief", actor, case.id, workflow.TransitionRequest(action="pay"))
    else:
        db.session.commit()
    return payment


def checks_due(actor: User, today: date | None = None) -> list[dict]:
    """Instalments of this academic year (in scope) whose proof of enrolment is not yet recorded."""
    period = str(academic_year_of(today or date.today()))
    due = []
    stmt = cases_query(actor).where(ReliefCase.status.in_(PAYABLE_STATUSES))
    for case in db.session.scalars(stmt):
        people = {b.person_id: b.person for b in case.beneficiaries}
        for entitlement in case.entitlements:
            for item in entitlement.schedule:
                if item["period"] == period and not continuation_ok(entitlement, item["person_id"], period):
                    due.append({"case": case, "entitlement": entitlement, "person": people.get(item["person_id"]),
                                "item": item})
    return due
