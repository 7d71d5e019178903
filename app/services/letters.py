"""Official letters: issue (number, payload, audit), render, the register, public verification, batches.

Rules (issue 6, thai-documents.md):
- Letters that state a decision print only from the approval snapshot: 409 before approval. The payload a letter
  printed is stored with it, so a reprint is the same document.
- Running numbers are per issuing office per Buddhist year and never repeat: the counter row is advanced by a
  single UPDATE in the issuing transaction (row lock on PostgreSQL, the write lock on SQLite), and letters carry a
  unique (office, year, number).
- The issuing office is the issuer's own unit: a cooperative writes to creditors and sums a case up; the
  provincial education office notifies teachers, paying units and families.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import programmes
from app.domain import clock
from app.domain.thai_text import be_year
from app.extensions import db
from app.models import ContinuationCheck, Letter, LetterCounter, OrgUnit, Person, Role, User
from app.services import audit, letter_payloads as data, settings, snapshots
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.urls import public_base_url

COOP, PROVINCE = frozenset({Role.COOPERATIVE_OFFICER.value}), frozenset(
    {Role.PROVINCIAL_OFFICER.value, Role.PROVINCIAL_APPROVER.value})


@dataclass(frozen=True)
class LetterKind:
    name: str
    case_type: str
    title: object           # lazy label for pages
    issuers: frozenset      # roles whose unit issues it
    decision: bool = True   # prints only from the approval snapshot
    needs_debt: bool = False


KINDS: dict[str, LetterKind] = {k.name: k for k in (
    LetterKind("case_summary", "debt", _l("Case summary"), COOP | PROVINCE, decision=False),
    LetterKind("creditor_request", "debt", _l("Request to a creditor"), COOP, needs_debt=True),
    LetterKind("approval_notice", "debt", _l("Approval notice to the teacher"), PROVINCE),
    LetterKind("deduction_notice", "debt", _l("Salary-deduction notice to the paying unit"), PROVINCE),
    LetterKind("schedule", "debt", _l("Repayment schedule (annex)"), PROVINCE),
    LetterKind("decision_notice", "relief", _l("Decision notice to the family"), PROVINCE),
    LetterKind("payment_memo", "relief", _l("Payment-approval memo"), PROVINCE),
    LetterKind("scholarship_continuation", "relief", _l("Scholarship continuation notice"), PROVINCE),
)}


def kinds_for(case_type: str) -> list[LetterKind]:
    return [k for k in KINDS.values() if k.case_type == case_type]


def may_issue(actor: User, kind: LetterKind) -> bool:
    return getattr(actor, "is_authenticated", False) and actor.active and actor.role in kind.issuers


def content_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()



# ---- loading -------------------------------------------------------------------------------------

def load_case(actor: User, case_type: str, case_id: int):
    return programmes.programme(case_type).load(actor, case_id)


def _kind(case_type: str, name) -> LetterKind:
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None or kind.case_type != case_type:
        options = ", ".join(k.name for k in kinds_for(case_type))
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"kind": _("Choose one of: %(options)s.", options=options)})
    return kind


def _snapshot(case_type: str, case):
    from app.services.workflow import latest_snapshot

    if case.status not in programmes.programme(case_type).decided:
        raise Conflict(_("This letter states a decision: it can be printed once the case is approved."))
    snapshot = latest_snapshot(case_type, case.id)
    if snapshot is None:  # approved before snapshots existed: nothing frozen to print from
        raise Conflict(_("This case has no approval snapshot to print from."))
    return snapshot


# ---- what a letter says --------------------------------------------------------------------------

def _compose(kind: LetterKind, case, debt_id, office: OrgUnit, on: date) -> tuple[dict, str, str, str]:
    """(data, subject, addressee, content hash) for one letter."""
    if kind.name == "case_summary":
        body = programmes.programme("debt").snapshot(case)  # the case as it stands, in the snapshot's shape
        facts = data.case_summary_data(body, case.cooperative, case.status)
        return (facts, f"สรุปข้อมูลกรณีขอแก้ไขปัญหาหนี้สิน ราย {facts['teacher']['name']} ({facts['reference']})",
                _province_head(case.province_code), content_hash(facts))
    snapshot = _snapshot(kind.case_type, case)
    if kind.case_type == "debt":
        facts = data.debt_decision_data(snapshots.read(snapshot.data), snapshot, case.cooperative)
        teacher = facts["teacher"]["name"]
        if kind.name == "creditor_request":
            if not isinstance(debt_id, int) or isinstance(debt_id, bool):
                raise ValidationFailed(_("Please correct the marked fields."),
                                       {"debt_id": _("Choose the creditor's debt for this letter.")})
            facts["request"] = data.creditor_treatment(facts, debt_id)
            return (facts, f"ขอความร่วมมือปรับโครงสร้างหนี้ของ {teacher}",
                    f"ผู้จัดการ{facts['request']['debt']['creditor']}", snapshot.sha256)
        if kind.name == "approval_notice":
            return facts, "แจ้งผลการพิจารณาอนุมัติแผนแก้ไขปัญหาหนี้สิน", teacher, snapshot.sha256
        if kind.name == "deduction_notice":
            workplace = facts["teacher"]["workplace"] or "หน่วยงานผู้เบิกจ่ายเงินเดือน"
            return (facts, f"แจ้งการหักเงินเดือนชำระหนี้ของ {teacher}", f"ผู้อำนวยการ{workplace}",
                    snapshot.sha256)
        facts["schedules"] = data.schedule_data(facts, facts["approved_on"])
        return facts, f"ตารางการผ่อนชำระหนี้ของ {teacher}", teacher, snapshot.sha256
    facts = data.relief_decision_data(snapshots.read(snapshot.data), snapshot)
    victim = facts["victim"]["name"]
    family = next((b["name"] for b in facts["beneficiaries"]), "ทายาท")
    if kind.name == "decision_notice":
        return (facts, f"แจ้งผลการพิจารณาให้ความช่วยเหลือเยียวยา กรณี{victim}",
                f"{family}" + (" และทายาท" if len(facts["beneficiaries"]) > 1 else ""), snapshot.sha256)
    if kind.name == "payment_memo":
        facts["payments"] = data.payments_state(case, facts)
        return (facts, f"ขออนุมัติเบิกจ่ายเงินช่วยเหลือเยียวยา กรณี{victim}", head_of(office),
                snapshot.sha256)
    from app.services.relief import academic_year_of

    year = academic_year_of(on)
    rows = _checks(case)
    citizen_ids = dict(db.session.execute(select(Person.id, Person.citizen_id).where(
        Person.id.in_({c.person_id for c in rows}))).all()) if rows else {}
    checks = {(c.entitlement_id, citizen_ids.get(c.person_id), c.period): c.enrolled for c in rows}  # latest wins
    facts["academic_year"] = year
    facts["year_rows"] = data.scholarship_year_data(facts, year, checks)
    return (facts, f"แจ้งการได้รับทุนการศึกษาต่อเนื่อง ปีการศึกษา {year}", f"ผู้ปกครองของบุตร{victim}",
            snapshot.sha256)


def _checks(case) -> list:
    ids = [e.id for e in case.entitlements]
    return list(db.session.scalars(select(ContinuationCheck).where(ContinuationCheck.entitlement_id.in_(ids))
                                   .order_by(ContinuationCheck.id))) if ids else []


def head_of(unit: OrgUnit | None) -> str:
    """Letters are addressed to the head of an office: "ศึกษาธิการจังหวัดเชียงใหม่" for สำนักงานศึกษาธิการจังหวัด…,
    unless the letterhead names the signer's position."""
    if unit is None:
        return "ศึกษาธิการจังหวัด"
    return unit.signer_position or unit.name.removeprefix("สำนักงาน")


def _province_head(province_code: str | None) -> str:
    return head_of(db.session.scalar(select(OrgUnit).where(OrgUnit.code == (province_code or ""))))


def letterhead(office: OrgUnit) -> dict:
    return {"office_name": office.name, "address": office.address or "", "section": office.section or "",
            "phone": office.phone or "", "email": office.email or "", "signer_name": office.signer_name or "",
            "signer_position": office.signer_position or ""}


def number_text(office: OrgUnit, number: int) -> str:
    return f"{office.letter_prefix or office.code}/{number}"


# ---- numbering -----------------------------------------------------------------------------------

def allocate_numbers(office_id: int, year: int, count: int = 1) -> int:
    """Reserve `count` consecutive running numbers; returns the first. Part of the caller's transaction."""
    dialect = db.engine.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(LetterCounter).values(office_id=office_id, be_year=year, last_number=0)
                       .on_conflict_do_nothing())
    last = db.session.execute(
        update(LetterCounter).where(LetterCounter.office_id == office_id, LetterCounter.be_year == year)
        .values(last_number=LetterCounter.last_number + count).returning(LetterCounter.last_number)).scalar_one()
    return last - count + 1


# ---- issuing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    kind: LetterKind
    case: object
    facts: dict
    subject: str
    addressee: str
    sha256: str
    debt_id: int | None = None


def prepare(actor: User, case_type: str, case_id: int, kind_name, debt_id=None, on: date | None = None) -> Draft:
    """Everything about a letter but its number: checks scope (404), role (403), state (409), input (422)."""
    case = load_case(actor, case_type, case_id)
    kind = _kind(case_type, kind_name)
    if not may_issue(actor, kind):
        raise Forbidden(_("Your role cannot issue this letter."))
    facts, subject, addressee, sha = _compose(kind, case, debt_id, actor.org_unit, on or clock.today())
    return Draft(kind, case, facts, subject, addressee, sha, debt_id if kind.needs_debt else None)


def _letter_row(actor: User, draft: Draft, number: int, on: date, base_url: str, batch_id=None) -> Letter:
    office = actor.org_unit
    token = secrets.token_urlsafe(16)
    head = {"kind": draft.kind.name, "number_text": number_text(office, number), "issued_on": on.isoformat(),
            "subject": draft.subject, "addressee": draft.addressee, "letterhead": letterhead(office),
            "verify_url": f"{base_url.rstrip('/')}/verify/{token}",
            "thai_digits": settings.value("letters.thai_digits") == "yes"}
    return Letter(token=token, kind=draft.kind.name, case_type=draft.kind.case_type, case_id=draft.case.id,
                  case_reference=draft.case.reference, debt_id=draft.debt_id, office_id=office.id,
                  be_year=be_year(on), number=number, number_text=head["number_text"], issued_on=on,
                  subject=draft.subject[:300], addressee=draft.addressee[:300], content_sha256=draft.sha256,
                  payload={"letter": head, "data": draft.facts}, org_path=draft.case.org_path,
                  batch_id=batch_id, issued_by_id=actor.id)


def issue(actor: User, case_type: str, case_id: int, kind_name, debt_id=None) -> Letter:
    """Issue one letter: numbered, stored with what it prints, audited, committed."""
    require(actor, "issue_letters")
    on = clock.today()
    draft = prepare(actor, case_type, case_id, kind_name, debt_id, on)
    return issue_drafts(actor, [draft], on)[0]


def issue_drafts(actor: User, drafts: list[Draft], on: date, batch_id: int | None = None,
                 commit: bool = True, base_url: str | None = None) -> list[Letter]:
    """Number and store prepared letters in one transaction (all or none)."""
    base_url = base_url or public_base_url()
    first = allocate_numbers(actor.org_unit_id, be_year(on), len(drafts))
    letters = [_letter_row(actor, d, first + i, on, base_url, batch_id) for i, d in enumerate(drafts)]
    db.session.add_all(letters)
    db.session.flush()
    for letter in letters:
        audit.record("letter.issue", actor=actor, object_type="letter", object_id=letter.id,
                     org_path=letter.org_path,
                     after={"kind": letter.kind, "number": letter.number_text, "case": letter.case_reference,
                            "content_sha256": letter.content_sha256, "batch_id": batch_id})
    if commit:
        db.session.commit()
    return letters


def creditor_pack(actor: User, case_id: int) -> list[Letter]:
    """One request letter per creditor whose debt the approved plan restructures, issued together."""
    require(actor, "issue_letters")
    on = clock.today()
    return issue_drafts(actor, pack_drafts(actor, case_id, on), on)


def pack_drafts(actor: User, case_id: int, on: date) -> list[Draft]:
    case = load_case(actor, "debt", case_id)
    if not may_issue(actor, KINDS["creditor_request"]):
        raise Forbidden(_("Your role cannot issue this letter."))
    snapshot = _snapshot("debt", case)
    facts = data.debt_decision_data(snapshot.data, snapshot, case.cooperative)
    debt_ids = data.plan_debt_ids(facts)
    if not debt_ids:
        raise ValidationFailed(_("Please correct the marked fields."), {
            "kind": _("The approved plan restructures no debt owed to another creditor: there is no one to write to.")})
    return [prepare(actor, "debt", case_id, "creditor_request", debt_id, on) for debt_id in debt_ids]


# ---- reading -------------------------------------------------------------------------------------

def get_letter(actor: User, letter_id: int) -> Letter:
    """Letters are scoped like their case: 404 outside the caller's scope."""
    letter = get_scoped_or_404(Letter, letter_id, actor, Letter.org_path)
    require(actor, f"view_{letter.case_type}_cases")
    return letter


def letters_for_case(case_type: str, case_id: int, limit: int | None = None) -> list[Letter]:
    query = (select(Letter).where(Letter.case_type == case_type, Letter.case_id == case_id)
             .order_by(Letter.id.desc()))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def register_query(actor: User, *, office_id: int | None = None, kind: str = "", year: int | None = None,
                   text: str = "", date_from: date | None = None, date_to: date | None = None):
    """ทะเบียนหนังสือส่ง: letters in the caller's scope, newest first, with the filters of the register page."""
    query = scoped(select(Letter), Letter.org_path, actor)
    if office_id:
        query = query.where(Letter.office_id == office_id)
    if kind in KINDS:
        query = query.where(Letter.kind == kind)
    if year:
        query = query.where(Letter.be_year == year)
    if date_from:
        query = query.where(Letter.issued_on >= date_from)
    if date_to:
        query = query.where(Letter.issued_on <= date_to)
    text = " ".join((text or "").split())[:100]
    if text:
        pattern = f"%{text}%"
        query = query.where(Letter.number_text.ilike(pattern) | Letter.subject.ilike(pattern)
                            | Letter.case_reference.ilike(pattern))
    return query.order_by(Letter.issued_on.desc(), Letter.id.desc())


def verify(token: str) -> Letter:
    """Public: a letter by its random token, 404 for anything else."""
    letter = db.session.scalar(select(Letter).where(Letter.token == token)) if isinstance(token, str) and len(
        token) <= 32 else None
    if letter is None:
        raise NotFound()
    return letter


# ---- printing ------------------------------------------------------------------------------------

_renderers = threading.local()


def renderer():
    """One renderer per thread (it keeps per-letter state while drawing; a request and a batch may print at once).
    Fonts and the Thai dictionary are process-wide and loaded once."""
    if getattr(_renderers, "current", None) is None:
        from app.pdf.frame import LetterRenderer

        _renderers.current = LetterRenderer(current_app.config.get("LETTER_EMBLEM_PATH"))
    return _renderers.current


def content_of(letter: Letter):
    from app.pdf.kinds import COMPOSERS

    return COMPOSERS[letter.kind](letter.payload)


def render(letters: list[Letter], progress=None) -> bytes:
    return renderer().render([content_of(letter) for letter in letters], progress)
