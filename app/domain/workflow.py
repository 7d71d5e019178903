"""The workflow of both programmes as data (domain.md, "Workflow").

Each case type has a table of transitions: (from states, action, to state, roles allowed, what it needs).
The engine (services/workflow.py) moves cases only along these rows; adding a state or an action is a
change to this table, not to views.
"""
from __future__ import annotations

from dataclasses import dataclass, field

APPROVER_TIERS = ("provincial", "regional")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    comment_required: bool = False
    resolution_required: bool = False
    approval: bool = False      # separation of duties applies; freezes a snapshot when the case ends approved
    tier: str | None = None     # which approval tier acts (tiers act in order)
    guards: tuple[str, ...] = field(default=())


COOP = "cooperative_officer"
PROV_OFFICER = "provincial_officer"
PROV_APPROVER = "provincial_approver"
REG_APPROVER = "regional_approver"

# Debt cases: draft → submitted → approved (or, above the regional threshold, awaiting_regional →
# approved) | returned (back to the cooperative with a comment) | rejected; approved → active → closed.
# After approval (domain.md, "After approval" 1–2): activation only once every touched debt is accepted and every
# consolidated debt paid off; a counter-offer or a decline leads to "revise" (approved or active → draft, a new
# version of the plan; api-v1.md v1.1), the earlier snapshot, letters and answers kept.
DEBT_TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", ("draft", "returned"), "submitted", frozenset({COOP}), guards=("chosen_plan",)),
    Transition("approve", ("submitted",), "approved", frozenset({PROV_APPROVER}), approval=True,
               tier="provincial", guards=("below_regional_threshold",)),
    Transition("approve", ("submitted",), "awaiting_regional", frozenset({PROV_APPROVER}), approval=True,
               tier="provincial", guards=("above_regional_threshold",)),
    Transition("approve", ("awaiting_regional",), "approved", frozenset({REG_APPROVER}), approval=True,
               tier="regional"),
    # Each tier decides only what has reached it: the regional approver never acts on a case the province
    # has not approved yet.
    Transition("return", ("submitted",), "returned", frozenset({PROV_APPROVER}), comment_required=True),
    Transition("return", ("awaiting_regional",), "returned", frozenset({REG_APPROVER}), comment_required=True),
    Transition("reject", ("submitted",), "rejected", frozenset({PROV_APPROVER}), comment_required=True),
    Transition("reject", ("awaiting_regional",), "rejected", frozenset({REG_APPROVER}), comment_required=True),
    Transition("activate", ("approved",), "active", frozenset({COOP, PROV_OFFICER}),
               guards=("creditors_settled", "activation_dates")),
    Transition("revise", ("approved", "active"), "draft", frozenset({COOP, PROV_OFFICER})),
    # domain.md step 7: a case closes when every instalment is paid (the daily sweep closes it by itself).
    Transition("close", ("active",), "closed", frozenset({COOP, PROV_OFFICER}), guards=("instalments_paid",)),
)

# The state each role is waiting on (the approver inbox).
DEBT_INBOX: dict[str, tuple[str, ...]] = {
    PROV_APPROVER: ("submitted",),
    REG_APPROVER: ("awaiting_regional",),
    COOP: ("returned", "approved"),
    PROV_OFFICER: ("submitted",),
}

# Relief cases: reported → verified (evidence complete) → approved (committee resolution number) →
# paying (the first payment) → closed; returned (back to reported with a comment) | rejected.
RELIEF_TRANSITIONS: tuple[Transition, ...] = (
    Transition("verify", ("reported", "returned"), "verified", frozenset({PROV_OFFICER}), guards=("evidence_complete",)),
    Transition("approve", ("verified",), "approved", frozenset({PROV_APPROVER}), resolution_required=True,
               approval=True, tier="provincial"),
    Transition("return", ("verified",), "returned", frozenset({PROV_APPROVER}), comment_required=True),
    Transition("reject", ("verified",), "rejected", frozenset({PROV_APPROVER}), comment_required=True),
    Transition("pay", ("approved",), "paying", frozenset({PROV_OFFICER})),
    Transition("close", ("approved", "paying"), "closed", frozenset({PROV_OFFICER, PROV_APPROVER})),
)

RELIEF_INBOX: dict[str, tuple[str, ...]] = {
    PROV_APPROVER: ("verified",),
    PROV_OFFICER: ("reported", "returned", "approved", "paying"),
}

TABLES: dict[str, tuple[Transition, ...]] = {"debt": DEBT_TRANSITIONS, "relief": RELIEF_TRANSITIONS}
INBOXES: dict[str, dict[str, tuple[str, ...]]] = {"debt": DEBT_INBOX, "relief": RELIEF_INBOX}


def candidates(case_type: str, state: str, action: str) -> list[Transition]:
    return [t for t in TABLES[case_type] if t.action == action and state in t.sources]


def actions_from(case_type: str, state: str, role: str) -> list[str]:
    """The actions a role may try from a state (guards are checked when it does)."""
    seen: list[str] = []
    for t in TABLES[case_type]:
        if state in t.sources and role in t.roles and t.action not in seen:
            seen.append(t.action)
    return seen


def all_actions(case_type: str) -> list[str]:
    return list(dict.fromkeys(t.action for t in TABLES[case_type]))
