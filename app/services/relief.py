"""Relief cases: register an incident, its victim and the beneficiaries; compute entitlements from the
rules in force on the incident date; the workflow's guard (domain.md, "Relief cases"). Reading a request is in
relief_input.py, evidence in relief_evidence.py, continuation checks and payments in relief_payments.py."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from app.domain import clock
from app.domain import relief_rules as rules_domain
from app.domain.money import money_str
from app.domain.references import relief_case_reference
from app.extensions import db
from app.i18n import gettext as _
from app.labels import EVIDENCE_LABELS
from app.models import Beneficiary, Entitlement, EntitlementRule, Incident, OrgUnit, ReliefCase, UnitKind, User
from app.services import audit, people, settings
from app.services.errors import Conflict, ValidationFailed
from app.services.permissions import require
from app.services.relief_input import ReliefInput
from app.services.relief_rules import all_rules, note_message, snapshot as rule_snapshot  # noqa: F401 (re-exported)
from app.services.scope import get_scoped_or_404, scoped

# Covered area (domain.md): Pattani, Yala, Narathiwat; four districts of Songkhla; Satun where a programme
# covers it (setting relief.satun_covered).
BORDER_PROVINCES = ("94", "95", "96")
SONGKHLA, SATUN = "90", "91"
SONGKHLA_DISTRICTS = ("จะนะ", "เทพา", "นาทวี", "สะบ้าย้อย")
# What must be on file before a case can be verified, by harm.
REQUIRED_EVIDENCE = {
    "death": ("death_certificate", "police_report", "claimant_id"),
    "permanent_disability": ("disability_certificate", "medical_certificate", "police_report"),
    "serious_injury": ("medical_certificate", "police_report"),
    "minor_injury": ("medical_certificate", "police_report"),
    "property_damage": ("damage_assessment", "police_report"),
}

def get_case(actor: User, case_id: int) -> ReliefCase:
    require(actor, "view_relief_cases")
    return get_scoped_or_404(ReliefCase, case_id, actor, ReliefCase.org_path)


def cases_query(actor: User):
    require(actor, "view_relief_cases")
    return scoped(select(ReliefCase), ReliefCase.org_path, actor)


def search_cases(actor: User, *, status: str = "", harm: str = "", province_code: str = "", text: str = ""):
    """The relief case list for web and API, newest first: scoped, then filtered; text matches the victim's
    citizen ID or name through the person registry's one indexed search (services/people.matching)."""
    stmt = cases_query(actor)
    if status:
        stmt = stmt.where(ReliefCase.status == status)
    if harm:
        stmt = stmt.where(ReliefCase.harm == harm)
    if province_code:
        stmt = stmt.where(ReliefCase.province_code == province_code)
    text = people.search_text(text)
    if text:
        stmt = stmt.where(ReliefCase.victim_id.in_(people.matching(text)))
    return stmt.order_by(ReliefCase.id.desc())


def is_covered(province_code: str, district: str) -> bool:
    if province_code in BORDER_PROVINCES:
        return True
    if province_code == SONGKHLA:
        return district.removeprefix("อำเภอ").strip() in SONGKHLA_DISTRICTS
    return province_code == SATUN and settings.value("relief.satun_covered") == "yes"


# ---- create ---------------------------------------------------------------------------------------

def academic_year_of(day: date) -> int:
    """The Buddhist-Era academic year a day falls in (years open in mid-May)."""
    return rules_domain.academic_year_of(day)


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
    victim = people.register(actor, data.victim, org_path=province.path, field_path="victim")
    case = ReliefCase(incident=incident, victim=victim, employment_type=data.employment_type, workplace=data.workplace,
                      harm=data.harm, split_method=data.split_method, org_path=province.path,
                      province_code=data.province_code, created_by_id=actor.id, chpk_member=data.chpk_member,
                      chps_member=data.chps_member)
    for i, (person, relationship, level, account) in enumerate(data.beneficiaries):
        heir = people.register(actor, person, org_path=province.path, field_path=f"beneficiaries[{i}]")
        case.beneficiaries.append(Beneficiary(person=heir, position=i, relationship_=relationship,
                                              education_level=level, bank_account=account))
    db.session.add(case)
    db.session.flush()
    case.reference = relief_case_reference(case.id, clock.today())
    compute_entitlements(case)
    audit.record("relief_case.create", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"harm": case.harm, "victim": victim.citizen_id,
                                                "chpk_member": case.chpk_member, "chps_member": case.chps_member,
                                                "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements],
                                                "notes": [n["reason"] for n in case.entitlement_notes]})
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
              "chpk_member": case.chpk_member, "chps_member": case.chps_member,
              "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements]}
    incident = case.incident
    incident.occurred_on, incident.district, incident.kind = data.occurred_on, data.district, data.kind
    incident.police_report_no, incident.summary = data.police_report_no, data.summary
    case.victim = people.register(actor, data.victim, org_path=case.org_path, field_path="victim")
    case.employment_type, case.workplace, case.harm = data.employment_type, data.workplace, data.harm
    case.split_method = data.split_method
    case.chpk_member, case.chps_member = data.chpk_member, data.chps_member
    case.beneficiaries = [Beneficiary(person=people.register(actor, person, org_path=case.org_path,
                                                             field_path=f"beneficiaries[{i}]"),
                                      position=i, relationship_=relationship, education_level=level,
                                      bank_account=account)
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
                        "chpk_member": case.chpk_member, "chps_member": case.chps_member,
                        "entitlements": [(e.kind, str(e.amount)) for e in case.entitlements]})
    db.session.commit()
    db.session.refresh(case)
    return case


def compute_entitlements(case: ReliefCase) -> None:
    """(Re)compute from the rules in force on the incident date; each row keeps its rule as it stood. The case also
    keeps the notes of what could not be computed (a rule without an amount yet; no rule for property damage).
    An undergraduate's scholarship is projected at least to the current academic year (domain/relief_rules.py,
    BACHELOR_YEARS: computing a case again extends it)."""
    heirs = [rules_domain.Heir(key=b.person_id, relationship=b.relationship_, birth_date=b.person.birth_date,
                               education_level=b.education_level) for b in case.beneficiaries]
    rules = all_rules()
    occurred_on = case.incident.occurred_on
    results = rules_domain.compute(rules, case.harm, case.employment_type, occurred_on, heirs, case.split_method,
                                   case.victim_id, academic_year_of(occurred_on), memberships=case.memberships,
                                   extend_through_be=academic_year_of(clock.today()))
    rows = {r.id: r for r in db.session.scalars(select(EntitlementRule))}
    case.entitlements = [Entitlement(
        rule_id=e.rule.rule_id, programme=e.rule.programme, kind=e.rule.kind, amount=e.amount, offset=e.offset,
        rule_snapshot=rule_snapshot(rows[e.rule.rule_id]),
        shares=[{"person_id": s.key, "amount": money_str(s.amount), "remainder": s.remainder} for s in e.shares],
        schedule=[{"person_id": i.key, "period": i.period, "due": i.due.isoformat(), "amount": money_str(i.amount),
                   "level": i.education_level, "needs_continuation": i.needs_continuation, "months": i.months}
                  for i in e.schedule],
    ) for e in results]
    case.entitlement_notes = [
        {"reason": n.reason, "harm": n.harm, "rule_code": n.rule.code if n.rule else None,
         "title": n.rule.title if n.rule else None}
        for n in rules_domain.notes(rules, case.harm, case.employment_type, occurred_on, case.memberships)]


# ---- workflow hooks --------------------------------------------------------------------------------

def missing_evidence(case: ReliefCase) -> list[str]:
    have = {e.kind for e in case.evidence}
    return [kind for kind in REQUIRED_EVIDENCE[case.harm] if kind not in have]


def guard(name: str, case: ReliefCase, request=None) -> str | None:
    if name == "evidence_complete":
        missing = missing_evidence(case)
        # the kinds as the reader knows them, not their codes (issue 21, 2)
        return _("Evidence still missing: %(kinds)s.",
                 kinds=", ".join(str(EVIDENCE_LABELS.get(kind, kind)) for kind in missing)) if missing else None
    raise KeyError(name)


