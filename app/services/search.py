"""The one search box of the navigation (issue 21 point 6, "Search misses"): a case reference, a citizen ID or a
name, across both programmes and the person registry, inside what the signed-in user may see.

How the text is read is app/domain/search_query.py. The lookups are the lists' own, so that the search finds what
the lists find and stays within their scale targets (docs/benchmarks.md: lists and search p95 ≤ 50 ms at a million
cases): a reference is an equality on the unique `reference` index of its programme's cases, scoped like every case
query (debt_cases.cases_query, relief.cases_query); a citizen ID or a name goes through the lists' text search
(debt_cases.search_cases, relief.search_cases, people.search), which reads the citizen ID's unique index and the
name indexes (services/people.matching). A programme the user may not open is not searched at all. Each kind
shows at most LIMIT rows; the list page behind it shows the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.search_query import MAX_LENGTH, SearchQuery, parse  # noqa: F401 (MAX_LENGTH: for the page)
from app.extensions import db
from app.models import DebtCase, ReliefCase, User
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
    if can(actor, "view_debt_cases") and query.programme in ("", "debt"):
        found.append(_debt_cases(actor, query))
    if can(actor, "view_relief_cases") and query.programme in ("", "relief"):
        found.append(_relief_cases(actor, query))
    if can(actor, "view_people") and query.kind != "reference":
        found.append(_people(actor, query))
    return SearchResults(query, found)


# ---- one kind each -------------------------------------------------------------------------------------------

def _debt_cases(actor: User, query: SearchQuery) -> Found:
    if query.kind == "reference":
        return _by_reference("debt", debt_cases.cases_query(actor).where(DebtCase.reference == query.reference))
    return _merged("debt", query, lambda text: debt_cases.search_cases(actor, text=text),
                   order=lambda case: -case.id)


def _relief_cases(actor: User, query: SearchQuery) -> Found:
    if query.kind == "reference":
        return _by_reference("relief", relief.cases_query(actor).where(ReliefCase.reference == query.reference))
    return _merged("relief", query, lambda text: relief.search_cases(actor, text=text),
                   order=lambda case: -case.id)


def _people(actor: User, query: SearchQuery) -> Found:
    """The people list's own search (people with a debt case in scope, services/people.in_scope)."""
    return _merged("people", query, lambda text: people.search(actor, text),
                   order=lambda person: (person.first_name, person.last_name, person.id))


def _by_reference(kind: str, stmt) -> Found:
    """A reference is unique: one case or none. The list pages do not search references, so no "see all"."""
    return Found(kind, db.session.scalars(stmt.limit(1)).all())


def _merged(kind: str, query: SearchQuery, listed, order) -> Found:
    """LIMIT rows of what the list's search (`listed(text)`, a statement in list order) finds for each reading of
    the query, together, in list order: a name with a run-in title is read two ways (domain/search_query.py)."""
    rows: dict[int, object] = {}
    more, texts = False, []
    for text in query.lookups:
        page = db.session.scalars(listed(text).limit(LIMIT + 1)).all()
        if page:
            texts.append(text)
        more = more or len(page) > LIMIT
        rows.update((row.id, row) for row in page)
    ordered = sorted(rows.values(), key=order)
    return Found(kind, ordered[:LIMIT], more or len(ordered) > LIMIT, texts)

