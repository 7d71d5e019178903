"""The home page's work for each role (issue 21 point 9): what waits for the user, what they sent that came back, the
counts of their cases at each step with a link to the list that holds exactly those cases, and quick actions.

The design is a table: HOMES maps each role to the groups of tiles it sees, and every tile names its count
(services/home_counts.py) and the list page (endpoint and filters) that shows the same set — so a count and its link
cannot drift apart. A count is shown only where a page shows the same set: what no list can filter yet (the step after
approval, "decided this month", "returned by me") is shown as a note beside a page that does, or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from app.domain.thai_text import format_be_datetime, format_be_month, typed_date_text
from app.i18n import current_language
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.labels import UNIT_KIND_LABELS
from app.models import Role, UnitKind, User
from app.services import admin_jobs
from app.services.home_counts import AUDIT_COUNTED, OVERDUE_BUCKETS, CameBack, Counts, MissingEvidence
from app.services.permissions import can

# domain.md step 5: the buckets past 30 days, each its own list (the case list's `bucket=` takes one).
OVERDUE_LABELS = {"31-60": _l("31–60 days overdue"), "61-90": _l("61–90 days overdue"),
                  "90+": _l("Over 90 days overdue (NPL)")}


# ---- what the page shows ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A page of the app: the view's endpoint and its query (the template builds the URL)."""

    endpoint: str
    args: dict = field(default_factory=dict)
    anchor: str | None = None


@dataclass(frozen=True)
class Tile:
    """One count and the page that lists exactly what it counts. `note`/`note_link`: a line under it."""

    key: str
    label: str
    count: int
    link: Link
    urgent: bool = False     # something waits for this user: drawn in the warning colour when not zero
    at_most: int | None = None   # the count stops here: more is shown as "more than at_most"
    note: str | None = None
    note_link: Link | None = None


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    tiles: list[Tile]


@dataclass(frozen=True)
class Action:
    key: str                 # data-testid="<key>-link"
    label: str
    link: Link
    primary: bool = False


@dataclass
class Home:
    groups: list[Group]
    came_back_title: str | None = None
    came_back: list[CameBack] = field(default_factory=list)
    missing_evidence: list[MissingEvidence] | None = None
    actions: list[Action] = field(default_factory=list)


# ---- the tiles ----------------------------------------------------------------------------------------------------

def debt_tile(counts: Counts, status: str, label, urgent: bool = False) -> Tile:
    return Tile(f"debt-{status}", str(label), counts.debt_by_status.get(status, 0),
                Link("debt.cases", {"status": status}), urgent=urgent)


def relief_tile(counts: Counts, status: str, label, urgent: bool = False) -> Tile:
    return Tile(f"relief-{status}", str(label), counts.relief_by_status.get(status, 0),
                Link("relief.cases", {"status": status}), urgent=urgent)


def inbox_tile(counts: Counts) -> Tile:
    return Tile("inbox", _("Waiting for me"), counts.inbox_total, Link("approvals.inbox"), urgent=True)


def approved_tile(counts: Counts, urgent: bool) -> Tile:
    """The approved cases, and under them what each still waits for; the note links to the dashboard's funnel,
    which shows the same three numbers ("waiting now"): the case list has no filter for the step yet."""
    steps = counts.approved_steps
    return Tile("debt-approved", _("Approved: creditors' answers, payoffs and activation"),
                counts.debt_by_status.get("approved", 0), Link("debt.cases", {"status": "approved"}), urgent=urgent,
                note=_("Awaiting answers %(answers)s · payoff %(payoff)s · activation %(activation)s",
                       answers=f"{steps.get('answers', 0):,}", payoff=f"{steps.get('payoff', 0):,}",
                       activation=f"{steps.get('activation', 0):,}"),
                note_link=Link("reports.dashboard", {"funnel": "1"}, anchor="funnel"))


def checks_due_tile(counts: Counts) -> Tile:
    return Tile("checks-due", _("Enrolment checks due this academic year"), counts.checks_due,
                Link("relief.checks_due"), urgent=can(counts.user, "edit_relief_cases"))


def repayment_tiles(counts: Counts) -> list[Tile]:
    """Active cases, the arrears past 30 days (each bucket its own list) and this month's repayments."""
    tiles = [debt_tile(counts, "active", _("Active, being repaid"))]
    overdue = counts.overdue
    if overdue is not None:
        tiles += [Tile(f"overdue-{bucket}", str(OVERDUE_LABELS[bucket]), overdue[bucket],
                       Link("debt.cases", {"bucket": bucket}), urgent=bucket == "90+") for bucket in OVERDUE_BUCKETS]
    figures = counts.repayments
    month = counts.today.replace(day=1)
    note = None
    if figures.amount_collected:
        note = _("Collected %(collected)s of %(due)s baht", collected=f"{figures.amount_collected:,.2f}",
                 due=f"{figures.amount_due:,.2f}")
    elif figures.due_cases:
        note = _("Nothing recorded yet for this month")
    tiles.append(Tile("repayments-due", _("Cases due in %(month)s", month=format_be_month(month, "long",
                                                                                          current_language())),
                      figures.due_cases, Link("reports.repayment"), note=note,
                      note_link=Link("debt.upload") if can(counts.user, "record_repayments") else None))
    return tiles


# ---- the homes ------------------------------------------------------------------------------------------------------

def cooperative_officer(counts: Counts) -> Home:
    """The cooperative's officer enters cases, answers returns and records what follows approval."""
    groups = [
        Group("mine", _("Waiting for you"), [
            debt_tile(counts, "draft", _("Drafts to finish"), urgent=True),
            debt_tile(counts, "returned", _("Returned to you for correction"), urgent=True),
            approved_tile(counts, urgent=True)]),
        Group("sent", _("Sent for a decision"), [
            debt_tile(counts, "submitted", _("Waiting at the province")),
            debt_tile(counts, "awaiting_regional", _("Waiting at the region"))]),
        Group("repayments", _("Repayments"), repayment_tiles(counts)),
    ]
    return Home(groups, _("Returned to you"), counts.came_back("debt"))


def provincial_officer(counts: Counts) -> Home:
    """The provincial office registers and verifies relief cases, pays them, and follows the province's debt
    cases after approval (domain.md, "Roles"; app/domain/workflow.py RELIEF_INBOX and DEBT_INBOX)."""
    groups = [
        Group("mine", _("Waiting for you"), [
            inbox_tile(counts),
            relief_tile(counts, "reported", _("Relief cases to verify"), urgent=True),
            relief_tile(counts, "returned", _("Relief cases returned by the approver"), urgent=True),
            relief_tile(counts, "approved", _("Approved relief: first payment due"), urgent=True),
            relief_tile(counts, "paying", _("Relief being paid")),
            checks_due_tile(counts)]),
        Group("debt", _("Debt cases in your area"), [
            debt_tile(counts, "submitted", _("Waiting for the provincial decision")),
            approved_tile(counts, urgent=False)]),
        Group("repayments", _("Repayments"), repayment_tiles(counts)),
    ]
    home = Home(groups, _("Returned by the approver"), counts.came_back("relief"))
    home.missing_evidence = counts.missing_evidence
    return home


def provincial_approver(counts: Counts) -> Home:
    """The provincial approver decides debt cases (up to the regional threshold) and relief cases."""
    groups = [
        Group("mine", _("Waiting for your decision"), [
            inbox_tile(counts),
            debt_tile(counts, "submitted", _("Debt cases submitted"), urgent=True),
            relief_tile(counts, "verified", _("Relief cases verified"), urgent=True)]),
        Group("sent", _("Sent back or on"), [
            debt_tile(counts, "returned", _("Debt cases returned, awaiting resubmission")),
            debt_tile(counts, "awaiting_regional", _("Sent on to the region")),
            relief_tile(counts, "returned", _("Relief cases returned to the officer")),
            relief_tile(counts, "reported", _("Relief cases awaiting verification"))]),
        Group("after", _("After the decision"), [
            approved_tile(counts, urgent=False),
            relief_tile(counts, "approved", _("Approved relief: first payment due")),
            checks_due_tile(counts),
            *repayment_tiles(counts)]),
    ]
    return Home(groups, _("Returned, awaiting resubmission"), counts.came_back("debt"))


def regional_approver(counts: Counts) -> Home:
    """The regional approver decides the debt cases above the regional threshold."""
    groups = [
        Group("mine", _("Waiting for your decision"), [
            inbox_tile(counts),
            debt_tile(counts, "awaiting_regional", _("Awaiting regional approval"), urgent=True)]),
        Group("sent", _("In your region"), [
            debt_tile(counts, "submitted", _("Waiting at the provinces")),
            debt_tile(counts, "returned", _("Debt cases returned, awaiting resubmission")),
            approved_tile(counts, urgent=False),
            debt_tile(counts, "active", _("Active, being repaid"))]),
    ]
    return Home(groups, _("Returned, awaiting resubmission"), counts.came_back("debt"))


def overview_groups(counts: Counts) -> list[Group]:
    """Debt and relief cases in scope by status, for those who read rather than act (ministry viewer, auditor)."""
    debt = [debt_tile(counts, s, label) for s, label in (
        ("submitted", _("Waiting at the provinces")), ("awaiting_regional", _("Waiting at the regions")),
        ("approved", _("Approved, not yet active")), ("active", _("Active, being repaid")),
        ("closed", _("Closed (fully repaid)")))]
    relief_tiles = [relief_tile(counts, s, label) for s, label in (
        ("reported", _("Relief cases awaiting verification")), ("verified", _("Relief cases awaiting a decision")),
        ("approved", _("Approved relief: first payment due")), ("paying", _("Relief being paid")))]
    return [Group("debt", _("Debt cases in your area"), debt), Group("relief", _("Relief cases in your area"),
                                                                       relief_tiles)]


def ministry_viewer(counts: Counts) -> Home:
    return Home(overview_groups(counts))


def audit_group(counts: Counts) -> Group:
    today = typed_date_text(counts.today)
    return Group("audit", _("Audit trail"), [
        Tile("audit-today", _("Recorded changes today"), counts.audit_count(counts.today),
             Link("audit.index", {"date_from": today, "date_to": today}), at_most=AUDIT_COUNTED),
        Tile("held-today", _("Sign-ins held after failed attempts today"),
             counts.audit_count(counts.today, "user.soft_lock"),
             Link("audit.index", {"action": "user.soft_lock", "date_from": today, "date_to": today}), urgent=True,
             at_most=AUDIT_COUNTED),
    ])


def auditor(counts: Counts) -> Home:
    return Home([audit_group(counts), *overview_groups(counts)])


def administrator(counts: Counts) -> Home:
    users = counts.users_by_state
    units = counts.units_by_kind
    groups = [
        Group("users", _("Staff accounts in your area"), [
            Tile("users-active", _("Active accounts"), users["active"], Link("admin.users", {"state": "active"})),
            Tile("users-inactive", _("Inactive accounts"), users["inactive"],
                 Link("admin.users", {"state": "inactive"}))]),
        audit_group(counts),
        # The existing count-<kind> cards (tests rely on them), one per kind present in scope.
        Group("units", _("Org units in your area"), [
            Tile(kind.value, str(UNIT_KIND_LABELS.get(kind.value, kind.value)), units[kind.value],
                 Link("main.org_units", {"kind": kind.value})) for kind in UnitKind if units.get(kind.value)]),
    ]
    if can(counts.user, "manage_jobs") and counts.user.org_unit.parent_id is None:
        kept = admin_jobs.kept_backups(counts.user)
        groups.insert(1, Group("system", _("Background jobs and backups"), [Tile(
            "backups", _("Backups kept"), len(kept), Link("admin.jobs"),
            note=(_("Latest: %(when)s", when=format_be_datetime(kept[0].finished_at, current_language())) if kept
                  else _("No backup has been made yet")))]))
    return Home(groups)


HOMES: dict[str, Callable[[Counts], Home]] = {
    Role.COOPERATIVE_OFFICER.value: cooperative_officer,
    Role.PROVINCIAL_OFFICER.value: provincial_officer,
    Role.PROVINCIAL_APPROVER.value: provincial_approver,
    Role.REGIONAL_APPROVER.value: regional_approver,
    Role.MINISTRY_VIEWER.value: ministry_viewer,
    Role.AUDITOR.value: auditor,
    Role.ADMINISTRATOR.value: administrator,
}


# ---- quick actions ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionRule:
    key: str
    label: object
    endpoint: str
    permission: str | None
    primary: bool = False
    roles: frozenset[str] | None = None           # None: every role with the permission
    when: Callable[[User], bool] | None = None


OFFICERS = frozenset({Role.COOPERATIVE_OFFICER.value, Role.PROVINCIAL_OFFICER.value})
RELIEF_DESK = frozenset({Role.PROVINCIAL_OFFICER.value, Role.PROVINCIAL_APPROVER.value})

ACTIONS = (
    ActionRule("new-case", _l("Register a teacher"), "debt.new_case", "edit_debt_cases", primary=True),
    ActionRule("import", _l("Import from a spreadsheet"), "debt.import_upload", "edit_debt_cases"),
    ActionRule("new-relief", _l("Register a relief case"), "relief.new_case", "edit_relief_cases", primary=True),
    ActionRule("repayments", _l("Upload repayments"), "debt.upload", "record_repayments"),
    ActionRule("deductions", _l("Deduction lists"), "debt.deductions", "view_debt_cases", roles=OFFICERS),
    ActionRule("checks-due", _l("Enrolment checks due"), "relief.checks_due", "view_relief_cases", roles=RELIEF_DESK),
    ActionRule("letters", _l("Letters"), "letters.register", "issue_letters"),
    ActionRule("dashboard", _l("Dashboard"), "reports.dashboard", "view_org_units"),
    ActionRule("repayment-report", _l("Repayment report"), "reports.repayment", "view_debt_cases"),
    ActionRule("audit", _l("Read the audit trail"), "audit.index", "view_audit"),
    ActionRule("users", _l("Manage staff accounts"), "admin.users", "manage_users"),
    ActionRule("new-unit", _l("Add a cooperative or area office"), "admin.org_unit_new", "manage_org_units"),
    ActionRule("settings", _l("Settings"), "admin.settings", "manage_settings"),
    ActionRule("rules", _l("Entitlement rules"), "admin.rules", "manage_rules"),
    # Backups hold every record, so only administrators at the top of the tree (services/admin_jobs.py).
    ActionRule("jobs", _l("Background jobs and backups"), "admin.jobs", "manage_jobs",
               when=lambda user: user.org_unit.parent_id is None),
    ActionRule("org-units", _l("Browse the org units in your area"), "main.org_units", "view_org_units"),
    ActionRule("exports", _l("My exports"), "export_jobs.mine", None),
)


def actions_for(user: User) -> list[Action]:
    return [Action(rule.key, str(rule.label), Link(rule.endpoint), rule.primary) for rule in ACTIONS
            if (rule.permission is None or can(user, rule.permission))
            and (rule.roles is None or user.role in rule.roles) and (rule.when is None or rule.when(user))]


def home_of(user: User, today: date | None = None) -> Home:
    """The home page of `user`: their role's groups of counts, what came back, and their quick actions."""
    build = HOMES.get(user.role)
    home = build(Counts(user, today)) if build else Home([])
    home.actions = actions_for(user)
    return home
