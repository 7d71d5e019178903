"""The registry of case programmes (issue 15): debt restructuring and southern-border relief today.

Everything the shared machinery (workflow, inbox, letters, batches, person rules, pages) needs to know about one
programme is one `Programme`, declared in one module of this package (app/programmes/debt.py, relief.py). The
registry finds those modules itself, so adding a third programme means adding one module here.

The modules are loaded on first use, not when this package is imported: they sit above the services they name,
while the services that consult the registry (workflow, letters) are imported by those same services' callers.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from flask import current_app

from app.services.errors import NotFound


@dataclass(frozen=True)
class Programme:
    name: str                               # the case_type stored on transitions, snapshots, letters, notices
    label: object                           # lazy Thai/English label
    model: type                             # DebtCase, ReliefCase
    statuses: type[Enum]                    # the status enum of the model
    editable: tuple[str, ...]               # states in which the case (and its person) may still be changed
    decided: tuple[str, ...]                # states after approval: letters that state a decision may print
    page_endpoint: str                      # the case page, e.g. "debt.case" (url_for(page_endpoint, case_id=…))
    view_permission: str                    # the permission that opens this programme's cases
    cases_of_person: Callable               # (person_id) -> select(org_path, status) of the cases naming them
    load: Callable                          # (actor, case_id) -> case; 404 outside the actor's scope
    in_scope: Callable                      # (select, actor) -> select limited to the actor's scope
    guard: Callable                         # (guard name, case, TransitionRequest) -> None, or why not
    snapshot: Callable                      # (case) -> the approval snapshot (app/services/snapshots.py)
    prepare: Callable | None = None         # (case, TransitionRequest) -> None, before the guards run
    after_transition: Callable | None = None  # (actor, case, Transition, request) -> audit details, once moved

    def link(self, case) -> str:
        """The case page, app-relative, built from the URL map alone: services also run outside requests (CLI,
        workers), where url_for has no request to build from."""
        return current_app.url_map.bind("").build(self.page_endpoint, {"case_id": case.id})


_REGISTRY: dict[str, Programme] = {}


def _discover() -> dict[str, Programme]:
    if not _REGISTRY:
        found = {}
        for module_info in pkgutil.iter_modules(__path__):
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            programme = getattr(module, "PROGRAMME", None)
            if isinstance(programme, Programme):
                found[programme.name] = programme
        _REGISTRY.update(sorted(found.items()))
    return _REGISTRY


def all_programmes() -> list[Programme]:
    return list(_discover().values())


def names() -> list[str]:
    return list(_discover())


def programme(name: str) -> Programme:
    """The programme called `name`; an unknown name is a 404 (it comes from URLs and API bodies)."""
    found = _discover().get(name) if isinstance(name, str) else None
    if found is None:
        raise NotFound("no such programme")
    return found
