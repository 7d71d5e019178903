"""The registry of letter kinds (issue 15): each kind is one module of this package, holding all there is to it —
its metadata (`KIND`), its facts (what it prints, from the approval snapshot or the case) and its composition
(`compose(payload) -> LetterContent`, from the stored payload alone, so a reprint is the same document).

The registry finds the modules itself: adding a kind means adding one module here. Modules whose name starts with
"_" hold what several kinds share and are not kinds. The programme a kind belongs to is said by the kind
(`LetterKind.programme`), and only there.

Like the programmes, the modules are loaded on first use.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class Source:
    """What a kind's facts are built from, gathered by app/services/letters.py before the letter has a number."""
    case: object            # the case row (DebtCase, ReliefCase)
    body: dict              # the approval snapshot, read through snapshots.read(); for a kind that states no
                            # decision, the case as it stands, in the snapshot's shape
    snapshot: object        # the stored CaseSnapshot it was read from; None for a kind that states no decision
    office: object          # the issuing office (the issuer's own OrgUnit)
    on: date                # the issue date
    debt_id: object = None  # the debt a per-debt letter is about, as the caller sent it (the kind checks it)
    kind: object = None     # the LetterKind being written


class Facts(NamedTuple):
    """What a letter says: the data its payload stores (and every reprint draws), its subject and addressee."""
    data: dict
    subject: str
    addressee: str


@dataclass(frozen=True)
class LetterKind:
    name: str                                # stored on letters and batches; the module's own name
    # The programme whose cases it is printed for (app/programmes/), stored as the letter's case_type. A kind about
    # no single case names what it is about instead (deduction_list_notice: "deduction_list", the paying unit's id
    # as case_id): no case page offers it, no batch prints it, and its own service issues it.
    programme: str
    order: int                               # its place among its programme's kinds on pages and in messages
    title: object                            # lazy label for pages
    issuers: frozenset                       # roles whose unit issues it
    facts: Callable[[Source], Facts]         # what it prints; may refuse with a ServiceError (422)
    compose: Callable[[dict], object]        # (stored payload) -> LetterContent; pure: no database, no Flask
    decision: bool = True                    # states a decision: prints only from the approval snapshot
    debts: Callable[[Source], list[int]] | None = None  # one letter per debt: the debts a pack writes to
    # The recipient must act for the person (domain.md, "Documents": the deduction notice, the creditor request):
    # the letter carries the full citizen ID, and issuing it is logged as a use of personal data.
    full_citizen_id: bool = False
    # One letter per case reference, not per case (a paying unit's notice: one per month, its reference
    # "<YYYY-MM> <unit code>"): issuing it again for the same reference needs a reason (letters.check_reissue).
    per_reference: bool = False
    # A letter listing many people (the paying unit's notice): how many its stored data lists. Its use of personal
    # data is logged once for the letter, with that count, instead of once per case.
    listed_people: Callable[[dict], int] | None = None
    # The permission that opens its letters; None: the one of its programme's cases (view_<programme>_cases).
    view_permission: str | None = None
    # A letter that answers an event which can happen again (a guarantor notice answers one overdue episode of a
    # debt, domain.md "After approval" 6): whether an issued letter still speaks for the case as it stands. One
    # that no longer does is not "already issued" (letters.existing_letter): the next episode's letter needs no
    # reissue reason, and a batch does not skip it. None: an issued letter always counts.
    covers: Callable[[object], bool] | None = None

    @property
    def needs_debt(self) -> bool:
        return self.debts is not None


_REGISTRY: dict[str, LetterKind] = {}


def kind_modules() -> list[str]:
    """The names of the modules that are kinds (every module of the package but the shared "_" ones)."""
    return [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]


def _discover() -> dict[str, LetterKind]:
    if not _REGISTRY:
        found = []
        for name in kind_modules():
            kind = getattr(importlib.import_module(f"{__name__}.{name}"), "KIND", None)
            if isinstance(kind, LetterKind):
                found.append(kind)
        _REGISTRY.update((k.name, k) for k in sorted(found, key=lambda k: (k.programme, k.order, k.name)))
    return _REGISTRY


def registry() -> dict[str, LetterKind]:
    """Every kind by name, a programme's kinds together in their order."""
    return dict(_discover())


def get(name) -> LetterKind | None:
    return _discover().get(name) if isinstance(name, str) else None


def of_programme(programme: str) -> list[LetterKind]:
    return [k for k in _discover().values() if k.programme == programme]
