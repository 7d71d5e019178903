"""The person registry shared by both programmes (domain.md, "People and organisations"): one record per Thai
citizen ID, whether the person is a debtor, a victim or an heir. This module owns Person: every way of registering
a case (debt form, API, import; relief) finds or creates people here, under one set of rules:

- a new citizen ID creates the person (audited as person.create);
- a known one links to the same record, whoever asks: linking reveals nothing and changes nothing;
- registered details change (audited as person.update, only the fields that changed) only when every case of that
  person, in every programme, is in the caller's scope and still editable: an office never rewrites a record
  another office relies on, and a decided case never changes unseen. Otherwise the change is refused;
- a detail the caller leaves blank (birth date, position, workplace) keeps what is registered: an office that does
  not know it never erases it; a detail the caller's form does not ask for (relief asks no position) is not touched.

Searching people by citizen ID or name, and viewing a person's record (logged: PDPA), are here too.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, insert, select, union

from app import programmes
from app.domain.clock import utcnow
from app.domain.thai_id import normalise_citizen_id
from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtCase, Person, User
from app.services import audit
from app.services.errors import NotFound, ValidationFailed
from app.services.permissions import require
from app.services.scope import prefix_match, scoped

REGISTERED_FIELDS = ("title", "first_name", "last_name", "birth_date", "position", "workplace")
LOOKUP_CHUNK = 500  # citizen IDs per IN list (SQLite allows 999 parameters)


# ---- the rules -------------------------------------------------------------------------------------

def snapshot(person: Person) -> dict:
    """The registered details as the audit trail records them."""
    return {name: _stored(getattr(person, name)) for name in REGISTERED_FIELDS}


def _stored(value):
    return value.isoformat() if isinstance(value, date) else value


def details_of(data) -> dict:
    """The details `data` (debt_input.TeacherInput, relief_input.PersonInput) gives: the fields its form asks for
    and the caller filled in. Blank ones keep what is registered."""
    return {name: getattr(data, name) for name in REGISTERED_FIELDS
            if hasattr(data, name) and getattr(data, name) not in (None, "")}


def changes(person: Person, data) -> dict:
    """The registered details `data` would change."""
    return {name: value for name, value in details_of(data).items() if getattr(person, name) != value}


def may_change(actor: User, person: Person) -> bool:
    """A person's registered details may change only while every case of theirs, in any programme, is in the
    actor's scope and still editable: decided cases depend on them."""
    for programme in programmes.all_programmes():
        rows = db.session.execute(programme.cases_of_person(person.id)).all()
        if any(not path.startswith(actor.scope_path) or status not in programme.editable for path, status in rows):
            return False
    return True


def refusal(field_path: str) -> ValidationFailed:
    return ValidationFailed(_("Please correct the marked fields."), {f"{field_path}.first_name": _(
        "This citizen ID is already registered with other details, and cases outside your area or already "
        "decided depend on them. Type the details as registered, or ask the office that holds the record.")})


# ---- find or create --------------------------------------------------------------------------------

def by_citizen_id(citizen_id: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.citizen_id == citizen_id))


def register(actor: User, data, *, org_path: str, field_path: str) -> Person:
    """The person with `data.citizen_id`, created or (under the rules above) updated. `org_path` is the unit of
    the case that names them (for the audit trail); `field_path` ("teacher", "victim", "beneficiaries[0]") is where
    a refusal points."""
    person = by_citizen_id(data.citizen_id)
    if person is None:
        person = Person(citizen_id=data.citizen_id, **details_of(data))
        db.session.add(person)
        db.session.flush()
        audit.record("person.create", actor=actor, object_type="person", object_id=person.id, org_path=org_path,
                     after=snapshot(person))
        return person
    wanted = changes(person, data)
    if not wanted:
        return person
    if not may_change(actor, person):
        raise refusal(field_path)
    before = snapshot(person)
    for name, value in wanted.items():
        setattr(person, name, value)
    old, new = audit.changed_fields(before, snapshot(person))
    audit.record("person.update", actor=actor, object_type="person", object_id=person.id, org_path=org_path,
                 before=old, after=new)
    return person


def known(citizen_ids: Sequence[str]) -> dict[str, Person]:
    """The people on file among `citizen_ids`, by citizen ID."""
    found: dict[str, Person] = {}
    for start in range(0, len(citizen_ids), LOOKUP_CHUNK):
        chunk = list(citizen_ids[start:start + LOOKUP_CHUNK])
        found.update((p.citizen_id, p) for p in db.session.scalars(select(Person).where(Person.citizen_id.in_(chunk))))
    return found


def register_many(actor: User, items: Sequence, *, org_path: str, field_path: str) -> list[int]:
    """register() for many people at once (a spreadsheet import), in the same order: people on file go through
    register() one by one; new ones are written with one INSERT and their audit rows with another, each row the
    same as register() would write."""
    on_file = known([data.citizen_id for data in items])
    ids = {data.citizen_id: register(actor, data, org_path=org_path, field_path=field_path).id
           for data in items if data.citizen_id in on_file}
    fresh = [data for data in items if data.citizen_id not in on_file]
    if fresh:
        now = utcnow()
        rows = [{"citizen_id": data.citizen_id, **dict.fromkeys(REGISTERED_FIELDS), **details_of(data),
                 "created_at": now, "updated_at": now} for data in fresh]
        new_ids = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True),
                                     rows).scalars().all()
        ids.update((data.citizen_id, person_id) for data, person_id in zip(fresh, new_ids))
        audit.record_many("person.create", actor=actor, object_type="person", events=(
            {"object_id": person_id, "org_path": org_path,
             "after": {name: _stored(row[name]) for name in REGISTERED_FIELDS}}
            for row, person_id in zip(rows, new_ids)))
    return [ids[data.citizen_id] for data in items]


# ---- search ----------------------------------------------------------------------------------------

def matching(text: str):
    """The ids of the people a search means: a citizen ID (or its first digits), or the start of a first name, of
    a last name, or of both ("first last"). Every branch is answered from an index on both databases
    (docs/benchmarks.md: a million cases): the citizen ID's unique index, and the name indexes through
    prefix_match; a union rather than OR, so that PostgreSQL reads each name index alone. Callers pass text
    already trimmed (search_text)."""
    parts = matching_parts(text)
    return parts[0] if len(parts) == 1 else union(*parts)


def matching_parts(text: str) -> list:
    """matching() as the selects its union joins, each answered by one index alone (so a caller can read each in
    its index's order and stop early, as the navigation's search box does: services/search.py)."""
    digits = normalise_citizen_id(text)
    if digits.isdigit():
        if len(digits) >= 13:
            return [select(Person.id).where(Person.citizen_id == digits)]
        # The first digits of an ID: every ID starting with them lies between the two 13-digit fills, in any
        # collation (digits sort alike everywhere), so the unique index answers it on both databases.
        return [select(Person.id).where(Person.citizen_id.between(digits.ljust(13, "0"), digits.ljust(13, "9")))]
    words = text.split(" ", 1)
    if len(words) == 2:
        # ix_people_full_name (migration 0025) holds both names: the last name is checked in the index, not
        # in the row of each of the many people who share a common first name.
        return [select(Person.id).where(prefix_match(Person.first_name, words[0]),
                                        prefix_match(Person.last_name, words[1]))]
    return [select(Person.id).where(prefix_match(Person.first_name, text)),
            select(Person.id).where(prefix_match(Person.last_name, text))]


def search_text(raw: str | None) -> str:
    """What a search box sent, as matching() reads it: single spaces, at most 100 characters."""
    return " ".join((raw or "").split())[:100]


# ---- the people pages ------------------------------------------------------------------------------

def in_scope(actor: User):
    """People with at least one debt case in the actor's scope (a person has no org of their own)."""
    require(actor, "view_people")
    cases_here = scoped(select(DebtCase.id).where(DebtCase.person_id == Person.id), DebtCase.org_path, actor)
    return select(Person).where(exists(cases_here))


def search(actor: User, text: str = ""):
    """The people list: in scope, matching `text` when given, by name."""
    stmt = in_scope(actor)
    text = search_text(text)
    if text:
        stmt = stmt.where(Person.id.in_(matching(text)))
    return stmt.order_by(Person.first_name, Person.last_name, Person.id)


def view_record(actor: User, person_id: int) -> tuple[Person, list[DebtCase]]:
    """A person's record with their debt cases in the actor's scope (404 outside it). The page shows the full
    citizen ID, so the view is logged (domain.md, Privacy: log who viewed a person's record) and committed."""
    person = db.session.scalar(in_scope(actor).where(Person.id == person_id))
    if person is None:
        raise NotFound()
    cases = db.session.scalars(scoped(select(DebtCase).where(DebtCase.person_id == person.id), DebtCase.org_path,
                                      actor).order_by(DebtCase.id)).all()
    audit.record("person.view", actor=actor, object_type="person", object_id=person.id, org_path=actor.scope_path)
    db.session.commit()
    return person, cases
