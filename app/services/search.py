"""The one search box of the navigation (issue 21 point 6, "Search misses"): a case reference, a citizen ID or a
name, across both programmes and the person registry, inside what the signed-in user may see.

How the text is read is app/domain/search_query.py. A reference is an equality on the unique `reference` index of
its programme's cases, scoped like every case query (debt_cases.cases_query, relief.cases_query). A citizen ID or a
name first finds people: each part of the person registry's search (services/people.matching_parts: the citizen
ID's unique index, the name indexes) is read in index order with an EXISTS on the person's cases in the user's
scope, and stops once LIMIT + 1 people are found, so a common first name costs what a page shows, not what the
nation holds (docs/benchmarks.md: lists and search p95 ≤ 50 ms at a million cases). Then those people's cases,
in the same scope, newest first. A programme the user may not open is not searched at all. Each kind shows at
most LIMIT rows; the list page behind it ("see all": debt_cases.search_cases, relief.search_cases, people.search,
with the same people.matching) shows the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select

from app.domain.search_query import MAX_LENGTH, SearchQuery, parse  # noqa: F401 (MAX_LENGTH: for the page)
from app.extensions import db
from app.models import DebtCase, Person, ReliefCase, User
from app.services import debt_cases, people, relief
from app.services.permissions import can

LIMIT = 20  # rows per kind: the box finds; the list page behind it shows more


@dataclass
class Found:
    """What one kind (debt cases, relief cases, people) found: up to LIMIT rows, whether there were more, and the
    texts to look for on its list page (one per reading of a name that found something)."""

    kind: str                   # "debt", "relief", "people"
    rows: list
    more: bool = False
    list_texts: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    query: SearchQuery
    found: list[Found]          # only the kinds the user may see, in page order

    @property
    def any(self) -> bool:
        return any(kind.rows for kind in self.found)

    def only_case(self) -> tuple[str, int] | None:
        """(programme, case id) when a reference or a whole citizen ID found exactly one case, in either
        programme: the page would list that one case, so the user goes straight to it."""
        if not self.query.exact:
            return None
        cases = [(kind.kind, row.id) for kind in self.found if kind.kind in ("debt", "relief") for row in kind.rows]
        return cases[0] if len(cases) == 1 else None


def search(actor: User, raw: str | None) -> SearchResults:
    query = parse(raw)
    found = []
    if query.kind == "empty":
        return SearchResults(query, found)
    # The people with a debt case in scope, read once: the debt cases' kind and the people's kind both list them.
    by_name = query.kind != "reference"
    debt_people = (_people_having(query, _has_debt_case(actor))
                   if by_name and (can(actor, "view_debt_cases") or can(actor, "view_people")) else None)
    if can(actor, "view_debt_cases") and query.programme in ("", "debt"):
        found.append(_debt_cases(actor, query, debt_people))
    if can(actor, "view_relief_cases") and query.programme in ("", "relief"):
        found.append(_relief_cases(actor, query))
    if can(actor, "view_people") and by_name:
        found.append(_people(actor, debt_people))
    return SearchResults(query, found)


# ---- who is found ----------------------------------------------------------------------------------------------

@dataclass
class _FoundPeople:
    ids: list[int]
    more: bool          # more than LIMIT people: their cases are more than LIMIT too
    texts: list[str]    # the readings of the query that found someone


def _people_having(query: SearchQuery, having) -> _FoundPeople:
    """Up to LIMIT people whom a reading of the query names and who have `having` (a correlated EXISTS on their
    cases in the user's scope), and whether there are more. Each part of each reading (services/people.
    matching_parts) is read from its own index, in index order, the EXISTS probed person by person, and the read
    stops at LIMIT + 1: a first name shared by 20,000 people of the nation costs a province a few hundred probes,
    not 20,000 (docs/benchmarks.md, "The search box"). The list pages behind "see all" still find every match."""
    ids: dict[int, None] = {}
    texts = []
    for text in query.lookups:
        before = len(ids)
        for part in people.matching_parts(text):
            ids.update(dict.fromkeys(db.session.scalars(part.where(having).limit(LIMIT + 1))))
            if len(ids) > LIMIT:
                return _FoundPeople(list(ids)[:LIMIT], True, [*texts, text])
        if len(ids) > before:
            texts.append(text)
    return _FoundPeople(list(ids), False, texts)


def _has_debt_case(actor: User):
    return exists(debt_cases.in_scope_of(select(DebtCase.id).where(DebtCase.person_id == Person.id), actor))


def _has_relief_case(actor: User):
    return exists(relief.cases_query(actor).with_only_columns(ReliefCase.id)
                  .where(ReliefCase.victim_id == Person.id))


# ---- one kind each -------------------------------------------------------------------------------------------

def _debt_cases(actor: User, query: SearchQuery, found: _FoundPeople | None) -> Found:
    cases = debt_cases.cases_query(actor)
    if query.kind == "reference":
        return _by_reference("debt", cases.where(DebtCase.reference == query.reference))
    return _cases_of("debt", found, cases.where(DebtCase.person_id.in_(found.ids)).order_by(DebtCase.id.desc()))


def _relief_cases(actor: User, query: SearchQuery) -> Found:
    cases = relief.cases_query(actor)
    if query.kind == "reference":
        return _by_reference("relief", cases.where(ReliefCase.reference == query.reference))
    found = _people_having(query, _has_relief_case(actor))
    return _cases_of("relief", found, cases.where(ReliefCase.victim_id.in_(found.ids)).order_by(ReliefCase.id.desc()))


def _people(actor: User, found: _FoundPeople) -> Found:
    """People with a debt case in scope (the people list's own rule, services/people.in_scope), by name."""
    stmt = people.in_scope(actor).where(Person.id.in_(found.ids))
    rows = db.session.scalars(stmt.order_by(Person.first_name, Person.last_name, Person.id)).all()
    return Found("people", rows, found.more, found.texts)


def _by_reference(kind: str, stmt) -> Found:
    """A reference is unique: one case or none. The list pages do not search references, so no "see all"."""
    return Found(kind, db.session.scalars(stmt.limit(1)).all())


def _cases_of(kind: str, found: _FoundPeople, stmt) -> Found:
    """The cases of the people found, newest first: LIMIT of them, and whether there are more (a person may have
    more than one case)."""
    rows = db.session.scalars(stmt.limit(LIMIT + 1)).all()
    return Found(kind, rows[:LIMIT], found.more or len(rows) > LIMIT, found.texts)
