"""Official letters: issue (number, payload, audit), render, the register, public verification.

What each kind of letter says and how it prints is that kind's module (app/services/letter_kinds/); this module
does what is the same for every kind:
- Letters that state a decision print only from the approval snapshot: 409 before approval. The payload a letter
  printed is stored with it, so a reprint is the same document.
- Running numbers are per issuing office per Buddhist year and never repeat: the counter row is advanced by a
  single UPDATE in the issuing transaction (row lock on PostgreSQL, the write lock on SQLite), and letters carry a
  unique (office, year, number).
- The issuing office is the issuer's own unit (each kind names the roles that issue it).
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
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import programmes
from app.domain import clock
from app.domain.thai_text import be_year
from app.extensions import db
from app.models import Letter, LetterCounter, OrgUnit, User
from app.pdf.frame import LetterRenderer
from app.services import audit, letter_kinds, settings, snapshots
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.letter_kinds import LetterKind, Source
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.services.workflow import latest_snapshot
from app.urls import public_base_url


def may_issue(actor: User, kind: LetterKind) -> bool:
    return getattr(actor, "is_authenticated", False) and actor.active and actor.role in kind.issuers


def content_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- loading -------------------------------------------------------------------------------------

def load_case(actor: User, case_type: str, case_id: int):
    return programmes.programme(case_type).load(actor, case_id)


def _kind(case_type: str, name) -> LetterKind:
    kind = letter_kinds.get(name)
    if kind is None or kind.programme != case_type:
        options = ", ".join(k.name for k in letter_kinds.of_programme(case_type))
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"kind": _("Choose one of: %(options)s.", options=options)})
    return kind


def _source(kind: LetterKind, case, office: OrgUnit, on: date, debt_id=None) -> Source:
    """What the kind's facts are built from: the stored approval snapshot for a letter that states a decision
    (409 before approval), else the case as it stands, in the snapshot's shape."""
    programme = programmes.programme(kind.programme)
    if not kind.decision:
        # A decided case is shown as it was approved, whatever the settings have become (domain.md, Workflow)
        frozen = latest_snapshot(kind.programme, case.id) if case.status in programme.decided else None
        body = snapshots.read(frozen.data) if frozen is not None else programme.snapshot(case)
        return Source(case, body, None, office, on, debt_id)
    if case.status not in programme.decided:
        raise Conflict(_("This letter states a decision: it can be printed once the case is approved."))
    snapshot = latest_snapshot(kind.programme, case.id)
    if snapshot is None:  # approved before snapshots existed: nothing frozen to print from
        raise Conflict(_("This case has no approval snapshot to print from."))
    return Source(case, snapshots.read(snapshot.data), snapshot, office, on, debt_id)


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
class CaseRef:
    """What a letter row keeps of its case (a prepared draft kept between jobs holds this, not the case)."""
    id: int
    reference: str | None
    org_path: str


@dataclass(frozen=True)
class Draft:
    kind: LetterKind
    case: object  # the case, or a CaseRef
    facts: dict
    subject: str
    addressee: str
    sha256: str
    debt_id: int | None = None

    def to_json(self) -> dict:
        """The draft as JSON, to be numbered by another job (a batch's chunks prepare, the batch numbers)."""
        return {"kind": self.kind.name, "case": [self.case.id, self.case.reference, self.case.org_path],
                "facts": self.facts, "subject": self.subject, "addressee": self.addressee, "sha256": self.sha256,
                "debt_id": self.debt_id}

    @classmethod
    def from_json(cls, data: dict) -> Draft:
        return cls(letter_kinds.get(data["kind"]), CaseRef(*data["case"]), data["facts"], data["subject"],
                   data["addressee"], data["sha256"], data["debt_id"])


def prepare(actor: User, case_type: str, case_id: int, kind_name, debt_id=None, on: date | None = None) -> Draft:
    """Everything about a letter but its number: checks scope (404), role (403), state (409), input (422)."""
    case = load_case(actor, case_type, case_id)
    kind = _kind(case_type, kind_name)
    if not may_issue(actor, kind):
        raise Forbidden(_("Your role cannot issue this letter."))
    source = _source(kind, case, actor.org_unit, on or clock.today(), debt_id)
    facts = kind.facts(source)
    # a decision letter is what was approved: it carries the snapshot's hash; a summary hashes what it says
    sha = source.snapshot.sha256 if source.snapshot is not None else content_hash(facts.data)
    return Draft(kind, case, facts.data, facts.subject, facts.addressee, sha, debt_id if kind.needs_debt else None)


def _letter_row(actor: User, draft: Draft, number: int, on: date, base_url: str, batch_id=None) -> Letter:
    office = actor.org_unit
    token = secrets.token_urlsafe(16)
    head = {"kind": draft.kind.name, "number_text": number_text(office, number), "issued_on": on.isoformat(),
            "subject": draft.subject, "addressee": draft.addressee, "letterhead": letterhead(office),
            "verify_url": f"{base_url.rstrip('/')}/verify/{token}",
            "thai_digits": settings.value("letters.thai_digits") == "yes"}
    return Letter(token=token, kind=draft.kind.name, case_type=draft.kind.programme, case_id=draft.case.id,
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
    return issue_drafts(actor, pack_drafts(actor, "debt", case_id, "creditor_request", on), on)


def pack_drafts(actor: User, case_type: str, case_id: int, kind_name, on: date) -> list[Draft]:
    """A kind written once per debt (creditor_request): one draft for each debt the kind addresses."""
    case = load_case(actor, case_type, case_id)
    kind = _kind(case_type, kind_name)
    if not may_issue(actor, kind):
        raise Forbidden(_("Your role cannot issue this letter."))
    debt_ids = kind.debts(_source(kind, case, actor.org_unit, on))
    return [prepare(actor, case_type, case_id, kind.name, debt_id, on) for debt_id in debt_ids]


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
    if letter_kinds.get(kind) is not None:
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


def renderer() -> LetterRenderer:
    """One renderer per thread (it keeps per-letter state while drawing; a request and a batch may print at once).
    Fonts and the Thai dictionary are process-wide and loaded once."""
    if getattr(_renderers, "current", None) is None:
        _renderers.current = LetterRenderer(current_app.config.get("LETTER_EMBLEM_PATH"))
    return _renderers.current


def content_of(letter: Letter):
    """What a stored letter prints: its kind's composition of its stored payload, nothing else."""
    return letter_kinds.get(letter.kind).compose(letter.payload)


def render(letters: list[Letter], progress=None) -> bytes:
    return renderer().render([content_of(letter) for letter in letters], progress)
