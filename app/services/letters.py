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
import io
import json
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import programmes
from app.domain import clock
from app.domain.thai_text import be_year, format_be_date
from app.extensions import db
from app.i18n import current_language
from app.i18n import gettext as _
from app.labels import ROLE_LABELS
from app.models import CaseSnapshot, Letter, LetterCounter, OrgUnit, SigningKey, User
from app.pdf import signing
from app.pdf.frame import LetterRenderer
from app.services import audit, letter_kinds, settings, signing_keys, snapshots
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.letter_availability import unavailable
from app.services.letter_kinds import LetterKind, Source
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, scoped
from app.services.workflow import latest_snapshot
from app.storage import StorageError, storage
from app.urls import public_base_url
from pypdf import PdfReader, PdfWriter

log = logging.getLogger(__name__)


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
        return Source(case, body, None, office, on, debt_id, kind)
    if case.status not in programme.decided:
        raise Conflict(_("This letter states a decision: it can be printed once the case is approved."))
    snapshot = latest_snapshot(kind.programme, case.id)
    if snapshot is None:  # approved before snapshots existed: nothing frozen to print from
        raise Conflict(_("This case has no approval snapshot to print from."))
    return Source(case, snapshots.read(snapshot.data), snapshot, office, on, debt_id, kind)


def letterhead(office: OrgUnit) -> dict:
    """What the letter prints of its office, frozen into the letter: later changes to the unit never alter it."""
    return {"office_name": office.name, "address": office.address or "", "section": office.section or "",
            "phone": office.phone or "", "email": office.email or "", "signer_name": office.signer_name or "",
            "signer_position": office.signer_position or "", "emblem": office.emblem_key or ""}


# The page layout a letter is drawn with (app/pdf/frame.py): 2 since issue 18 (the emblem's 3 cm, the date at the
# centre line, names kept whole, the signature moving with only what does not fit). Letters issued before carry
# none and reprint with layout 1, byte for byte.
LAYOUT = 2


def proposer_of(actor: User, office: OrgUnit) -> dict:
    """Who proposes an internal memo (บันทึกข้อความ): it goes from the officer's section to the head of the office,
    signed by the officer (issue 18, item 1), whose name and position the unit's settings do not hold."""
    with force_locale("th"):
        role = str(ROLE_LABELS.get(actor.role, ""))
    return {"proposer_name": actor.full_name or "", "proposer_position": f"{role} {office.name}".strip()}


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
    waiting = unavailable(kind, case)
    if waiting:
        raise Conflict(waiting)
    source = _source(kind, case, actor.org_unit, on or clock.today(), debt_id)
    facts = kind.facts(source)
    # a decision letter is what was approved: it carries the snapshot's hash; a summary hashes what it says
    sha = source.snapshot.sha256 if source.snapshot is not None else content_hash(facts.data)
    return Draft(kind, case, facts.data, facts.subject, facts.addressee, sha, debt_id if kind.needs_debt else None)


def _letter_row(actor: User, draft: Draft, number: int, on: date, base_url: str, batch_id=None) -> Letter:
    office = actor.org_unit
    token = secrets.token_urlsafe(16)
    head = {"kind": draft.kind.name, "number_text": number_text(office, number), "issued_on": on.isoformat(),
            "subject": draft.subject, "addressee": draft.addressee,
            "letterhead": {**letterhead(office), **proposer_of(actor, office)}, "layout": LAYOUT,
            "verify_url": f"{base_url.rstrip('/')}/verify/{token}",
            "thai_digits": settings.value("letters.thai_digits") == "yes"}
    return Letter(token=token, kind=draft.kind.name, case_type=draft.kind.programme, case_id=draft.case.id,
                  case_reference=draft.case.reference, debt_id=draft.debt_id, office_id=office.id,
                  be_year=be_year(on), number=number, number_text=head["number_text"], issued_on=on,
                  subject=draft.subject[:300], addressee=draft.addressee[:300], content_sha256=draft.sha256,
                  payload={"letter": head, "data": draft.facts}, org_path=draft.case.org_path,
                  batch_id=batch_id, issued_by_id=actor.id)


def _current_snapshot_hashes(case_type: str, kind_name: str, case_ids: list[int]) -> dict[int, str]:
    """For a kind that states a decision: the SHA-256 of each case's latest approval snapshot, by case id. Such a
    letter carries the hash of the snapshot it was printed from (prepare: Letter.content_sha256), so a letter of an
    earlier version of the plan (issue 19: revised, approved again) is not the letter of the current one. Empty for
    a kind that states none, or cases never frozen: then any letter of the kind counts."""
    kind = letter_kinds.get(kind_name)
    if kind is None or not kind.decision or not case_ids:
        return {}
    hashes: dict[int, str] = {}
    for part in (case_ids[i:i + 500] for i in range(0, len(case_ids), 500)):
        for case_id, sha in db.session.execute(select(CaseSnapshot.case_id, CaseSnapshot.sha256).where(
                CaseSnapshot.case_type == case_type, CaseSnapshot.case_id.in_(part)).order_by(CaseSnapshot.id)):
            hashes[case_id] = sha
    return hashes


def existing_letter(case_type: str, case_id: int, kind_name: str, debt_id=None, reference=None) -> Letter | None:
    """The latest letter of this kind already issued for the case (and, for a per-debt kind, the debt; for a
    per-reference kind, the reference: a paying unit's notice of one month); for a kind that states a decision,
    only one printed from the case's current approval snapshot (_current_snapshot_hashes)."""
    query = select(Letter).where(Letter.case_type == case_type, Letter.case_id == case_id, Letter.kind == kind_name)
    if debt_id is not None:
        query = query.where(Letter.debt_id == debt_id)
    if reference is not None:
        query = query.where(Letter.case_reference == reference)
    current = _current_snapshot_hashes(case_type, kind_name, [case_id]).get(case_id)
    if current is not None:
        query = query.where(Letter.content_sha256 == current)
    return _still_covering(db.session.scalar(query.order_by(Letter.id.desc()).limit(1)))


def _still_covering(letter: Letter | None) -> Letter | None:
    """The letter, unless its kind answers an event that can recur and the letter no longer covers the case as it
    stands (LetterKind.covers: a guarantor notice of an overdue episode the teacher has since caught up on)."""
    kind = letter_kinds.get(letter.kind) if letter is not None else None
    if kind is not None and kind.covers is not None and not kind.covers(letter):
        return None
    return letter


def existing_letters_of_case(case_type: str, case_id: int, kind_names: list[str]) -> dict[str, Letter | None]:
    """existing_letter of several kinds of one case at once (the case page's letter panel), by kind: one
    statement for the case's letters of those kinds, beside its latest snapshot (read once per unit of work),
    instead of two statements a kind (issue 22 point 3)."""
    if not kind_names:
        return {}
    decision = {name for name in kind_names if (kind := letter_kinds.get(name)) is not None and kind.decision}
    frozen = latest_snapshot(case_type, case_id) if decision else None  # the page has read it already
    current = frozen.sha256 if frozen is not None else None
    latest: dict[str, Letter] = {}
    for letter in db.session.scalars(select(Letter).where(
            Letter.case_type == case_type, Letter.case_id == case_id, Letter.kind.in_(kind_names))
            .order_by(Letter.id)):
        if current is not None and letter.kind in decision and letter.content_sha256 != current:
            continue  # printed from an earlier approval: not this version's letter
        latest[letter.kind] = letter
    return {name: _still_covering(latest.get(name)) for name in kind_names}


def existing_letters_for(case_type: str, kind_name: str, case_ids: list[int]) -> dict[int, Letter]:
    """existing_letter of many cases at once (a batch page), by case id: the latest of each."""
    found: dict[int, Letter] = {}
    current = _current_snapshot_hashes(case_type, kind_name, case_ids)
    for case_ids_part in (case_ids[i:i + 500] for i in range(0, len(case_ids), 500)):
        for letter in db.session.scalars(select(Letter).where(
                Letter.case_type == case_type, Letter.kind == kind_name, Letter.case_id.in_(case_ids_part))
                .order_by(Letter.id)):
            if letter.case_id in current and letter.content_sha256 != current[letter.case_id]:
                continue  # printed from an earlier approval: not this version's letter
            found[letter.case_id] = letter
    return {case_id: letter for case_id, letter in found.items() if _still_covering(letter) is not None}


def reissue_reason_of(value) -> str:
    return " ".join(value.split())[:300] if isinstance(value, str) else ""


def check_reissue(draft: Draft, reason: str) -> None:
    """A kind already issued for the case (and debt) is issued again only with a reason (api-v1.md, "Letters"): a
    double click never uses up a number. Without one: 409 naming the existing letter, which can be reprinted."""
    existing = existing_letter(draft.kind.programme, draft.case.id, draft.kind.name, draft.debt_id,
                               draft.case.reference if draft.kind.per_reference else None)
    if existing is None or reason:
        return
    raise Conflict(
        _("Letter no. %(number)s of %(date)s already says this. Reprint it (same number, same file), or give the "
          "reason for issuing a new one.", number=existing.number_text, date=format_be_date(existing.issued_on, "long", current_language())),
        {"reissue_reason": _("Give the reason for issuing this letter again.")},
        extra={"existing_letter": {"id": existing.id, "number": existing.number_text,
                                   "issued_on": existing.issued_on.isoformat()}})


def issue(actor: User, case_type: str, case_id: int, kind_name, debt_id=None, reissue_reason=None) -> Letter:
    """Issue one letter: numbered, stored with what it prints, audited, committed. A kind the case already has
    needs `reissue_reason` (check_reissue)."""
    require(actor, "issue_letters")
    on = clock.today()
    draft = prepare(actor, case_type, case_id, kind_name, debt_id, on)
    return issue_drafts(actor, [draft], on, reissue_reason=reissue_reason_of(reissue_reason) or None,
                        check_existing=True)[0]


def issue_drafts(actor: User, drafts: list[Draft], on: date, batch_id: int | None = None,
                 commit: bool = True, base_url: str | None = None, reissue_reason: str | None = None,
                 check_existing: bool = False) -> list[Letter]:
    """Number and store prepared letters in one transaction (all or none). With `check_existing`, a kind the case
    already has is refused without `reissue_reason` (check_reissue), looked up once the office's counter is held:
    two clicks at once are serialised there, and the second sees the first's letter."""
    base_url = base_url or public_base_url()
    first = allocate_numbers(actor.org_unit_id, be_year(on), len(drafts))
    if check_existing and not reissue_reason:
        try:
            for draft in drafts:
                check_reissue(draft, "")
        except Conflict:
            db.session.rollback()  # the numbers taken above go back: none is used up
            raise
    letters = [_letter_row(actor, d, first + i, on, base_url, batch_id) for i, d in enumerate(drafts)]
    if reissue_reason:
        for letter in letters:
            letter.payload["letter"]["reissue_reason"] = reissue_reason
    db.session.add_all(letters)
    db.session.flush()
    _log_personal_data_use(actor, letters)
    for letter in letters:
        audit.record("letter.issue", actor=actor, object_type="letter", object_id=letter.id,
                     org_path=letter.org_path,
                     after={"kind": letter.kind, "number": letter.number_text, "case": letter.case_reference,
                            "content_sha256": letter.content_sha256, "batch_id": batch_id,
                            **({"reissue_reason": reissue_reason} if reissue_reason else {})})
    if batch_id is None:  # issue 18: signed and kept now; a batch's letters by its chunks (letter_batches.render_chunk)
        keep_issued_files(letters)
    if commit:
        db.session.commit()
    return letters


def _log_personal_data_use(actor: User, issued: list[Letter]) -> None:
    """A letter that carries a person's full citizen ID, for a recipient who must act for them, is a use of personal
    data (domain.md, "Documents"; PDPA): logged like a view of the person's record, naming the letter."""
    wanted = [letter for letter in issued if letter_kinds.get(letter.kind).full_citizen_id]
    for letter in [x for x in wanted if letter_kinds.get(x.kind).listed_people is not None]:
        # a letter listing many people (the paying unit's notice): one record for the letter, with the count
        audit.record("person.letter_use", actor=actor, object_type="letter", object_id=letter.id,
                     org_path=letter.org_path,
                     after={"letter_id": letter.id, "kind": letter.kind, "number": letter.number_text,
                            "case": letter.case_reference, "people": letter_kinds.get(letter.kind).listed_people(
                                letter.payload["data"]), "purpose": "full citizen ID for the recipient to act on"})
    wanted = [x for x in wanted if letter_kinds.get(x.kind).listed_people is None]
    if not wanted:
        return
    model = programmes.programme(wanted[0].case_type).model
    owner = getattr(model, "person_id", None) or model.victim_id
    people = dict(db.session.execute(select(model.id, owner).where(model.id.in_({x.case_id for x in wanted}))).all())
    for letter in wanted:
        audit.record("person.letter_use", actor=actor, object_type="person", object_id=people.get(letter.case_id),
                     org_path=letter.org_path,
                     after={"letter_id": letter.id, "kind": letter.kind, "number": letter.number_text,
                            "case": letter.case_reference, "purpose": "full citizen ID for the recipient to act on"})


def creditor_pack(actor: User, case_id: int, reissue_reason=None) -> list[Letter]:
    """One request letter per creditor whose debt the approved plan restructures, issued together; a debt whose
    request was already issued needs `reissue_reason` like a single letter (check_reissue)."""
    require(actor, "issue_letters")
    on = clock.today()
    return issue_drafts(actor, pack_drafts(actor, "debt", case_id, "creditor_request", on), on,
                        reissue_reason=reissue_reason_of(reissue_reason) or None, check_existing=True)


def pack_drafts(actor: User, case_type: str, case_id: int, kind_name, on: date) -> list[Draft]:
    """A kind written once per debt (creditor_request): one draft for each debt the kind addresses."""
    case = load_case(actor, case_type, case_id)
    kind = _kind(case_type, kind_name)
    if not may_issue(actor, kind):
        raise Forbidden(_("Your role cannot issue this letter."))
    waiting = unavailable(kind, case)
    if waiting:
        raise Conflict(waiting)
    debt_ids = kind.debts(_source(kind, case, actor.org_unit, on))
    return [prepare(actor, case_type, case_id, kind.name, debt_id, on) for debt_id in debt_ids]


# ---- reading -------------------------------------------------------------------------------------

def get_letter(actor: User, letter_id: int) -> Letter:
    """Letters are scoped like their case: 404 outside the caller's scope."""
    letter = get_scoped_or_404(Letter, letter_id, actor, Letter.org_path)
    kind = letter_kinds.get(letter.kind)
    require(actor, (kind.view_permission if kind is not None else None) or f"view_{letter.case_type}_cases")
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


class _PagedRenderer(LetterRenderer):
    """The letter renderer, noting which letter each page of its last document belongs to (`pages_per_letter`), so
    a batch's part can be cut into one file per letter (keep_batch_files). The pages drawn are the same."""

    def render(self, letters: list, progress=None) -> bytes:
        self._index = {id(content): i for i, content in enumerate(letters)}
        self._owners: list[int | None] = []
        return super().render(letters, progress)

    def _page_furniture(self, canvas, doc) -> None:
        self._owners.append(self._index.get(id(getattr(doc, "current_letter", None))))
        super()._page_furniture(canvas, doc)

    def pages_per_letter(self, count: int) -> list[int] | None:
        """Pages of each of the last document's `count` letters, in order; None if they cannot be told apart."""
        owners = getattr(self, "_owners", [])
        if len(self._index) != count or None in owners or owners != sorted(owners):
            return None
        pages = [owners.count(i) for i in range(count)]
        return pages if all(pages) else None


def _stored_emblem(key: str) -> bytes | None:
    """A unit's uploaded emblem, as the letter's letterhead names it; a missing file leaves its 3 cm empty."""
    return storage().read(key) if storage().exists(key) else None


def renderer() -> LetterRenderer:
    """One renderer per thread (it keeps per-letter state while drawing; a request and a batch may print at once).
    Fonts and the Thai dictionary are process-wide and loaded once."""
    if getattr(_renderers, "current", None) is None:
        _renderers.current = _PagedRenderer(current_app.config.get("LETTER_EMBLEM_PATH"), emblem_loader=_stored_emblem)
    return _renderers.current


def content_of(letter: Letter):
    """What a stored letter prints: its kind's composition of its stored payload, nothing else."""
    return letter_kinds.get(letter.kind).compose(letter.payload)


def render(letters: list[Letter], progress=None) -> bytes:
    return renderer().render([content_of(letter) for letter in letters], progress)


# ---- the issued file: signed, kept, served for every reprint (issue 18) ------------------------------------------

def _keep(letter: Letter, pdf: bytes, key: SigningKey | None) -> None:
    """Sign the letter's PDF with `key` (its office's), store it and point the letter at it (caller's transaction).
    The file's name has a random part: a stage run twice, or a rolled-back issue, never overwrites a kept file."""
    signed, used = signing_keys.sign(letter.office, pdf, key) if key is not None else (pdf, None)
    name = f"letter-files/{letter.id}-{secrets.token_hex(8)}.pdf"  # beside, not among, the batch files
    storage().write(name, signed)
    letter.pdf_key, letter.pdf_sha256 = name, hashlib.sha256(signed).hexdigest()
    letter.signing_key_id = used.id if used is not None else None


def keep_issued_files(issued: list[Letter]) -> None:
    """At issue: each letter rendered on its own, signed with its office's key (none: unsigned) and kept."""
    keys: dict[int, SigningKey | None] = {}
    for letter in issued:
        if letter.office_id not in keys:
            keys[letter.office_id] = signing_keys.key_for(db.session.get(OrgUnit, letter.office_id))
        _keep(letter, render([letter]), keys[letter.office_id])


def keep_batch_files(selected: list[Letter], part: bytes) -> None:
    """A batch chunk's letters, cut out of the part just rendered for them (pypdf, ~1.5 ms a letter; rendering each
    again would cost ~20 ms), signed and kept. A letter kept already (a chunk printed again) keeps its file."""

    pages = renderer().pages_per_letter(len(selected))
    reader = PdfReader(io.BytesIO(part)) if pages is not None else None
    keys = {office_id: signing_keys.key_for(db.session.get(OrgUnit, office_id))
            for office_id in {letter.office_id for letter in selected if not letter.pdf_key}}
    start = 0
    # No flush until the caller commits: the first letter's new file name, flushed by a later read, would take
    # SQLite's write lock and hold it while the rest of the chunk is cut and signed (~4.5 ms a letter), and another
    # worker's progress write would wait on it (issue 22 point 4: 2 workers 1.42x where 1.8x was the target).
    with db.session.no_autoflush:
        for i, letter in enumerate(selected):
            count = pages[i] if pages is not None else 0
            first, start = start, start + count
            if letter.pdf_key:
                continue
            if reader is None:  # the part's pages could not be told apart: this letter printed on its own
                _keep(letter, render([letter]), keys[letter.office_id])
                continue
            writer = PdfWriter()
            for number in range(first, first + count):
                writer.add_page(reader.pages[number])
            writer.add_metadata({"/Title": letter.subject, "/Author": "KruDesk"})
            out = io.BytesIO()
            writer.write(out)
            _keep(letter, out.getvalue(), keys[letter.office_id])


def pdf_of(letter: Letter) -> bytes:
    """What every download of the letter serves: its kept file, byte for byte. A letter issued before files were kept
    (or a batch letter still being printed) prints again from its payload, as it always did."""
    if letter.pdf_key:
        try:
            return storage().read(letter.pdf_key)
        except StorageError:
            log.error("the kept file of letter %s is missing (%s): printed again, unsigned", letter.id, letter.pdf_key)
    return render([letter])


@dataclass(frozen=True)
class Seal:
    """What the verification page says about a PDF: the signature's verdict, who signed it and when, and which of
    our letters it is byte for byte (if any)."""
    verdict: signing.Verdict
    signer: SigningKey | None  # the unit key that signed it, when the certificate is one of ours
    letter: Letter | None  # the letter whose kept file this is exactly (same SHA-256)
    sha256: str

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def signed_at(self) -> datetime | None:
        return self.verdict.signed_at


def examine(data: bytes) -> Seal:
    """Any PDF, against every unit's certificate (retired ones too). Never raises on garbage."""
    sha = hashlib.sha256(data).hexdigest()
    verdict = signing.verdict(data, signing_keys.trust_roots()) if signing.is_pdf(data) else signing.Verdict(
        signing.UNREADABLE)
    signer = signing_keys.by_fingerprint(verdict.fingerprint) if verdict.status != signing.NOT_OURS else None
    letter = db.session.scalar(select(Letter).where(Letter.pdf_sha256 == sha).limit(1))
    return Seal(verdict, signer, letter, sha)


def seal_of(letter: Letter) -> Seal | None:
    """The letter's kept file examined (the public page): None for a letter kept without a file (issued before
    signing, or still printing in a batch)."""
    if not letter.pdf_key:
        return None
    try:
        data = storage().read(letter.pdf_key)
    except StorageError:
        return Seal(signing.Verdict(signing.UNREADABLE), None, None, "")
    return examine(data)
