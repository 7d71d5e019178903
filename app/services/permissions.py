"""What each role may do (domain.md, "Roles"). Scope is a separate check: see services/scope.py."""
from __future__ import annotations

from app.models import Role, UnitKind, User
from app.services.errors import Forbidden

ALL_ROLES = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "view_org_units": ALL_ROLES,
    "manage_users": frozenset({Role.ADMINISTRATOR}),
    "manage_org_units": frozenset({Role.ADMINISTRATOR}),
    "view_audit": frozenset({Role.AUDITOR, Role.ADMINISTRATOR}),
    "manage_settings": frozenset({Role.ADMINISTRATOR}),
    # Background jobs and backups (/admin/jobs): a backup is every record, so administrators only — and of those,
    # only the ones whose unit is the top of the tree (services/admin_jobs.py), since nothing in it is scoped.
    "manage_jobs": frozenset({Role.ADMINISTRATOR}),
    # Debt programme (domain.md, Roles): cooperatives enter cases; everyone in scope may read them.
    "view_debt_cases": ALL_ROLES,
    "edit_debt_cases": frozenset({Role.COOPERATIVE_OFFICER}),
    "build_debt_plans": frozenset({Role.COOPERATIVE_OFFICER}),
    # After approval (api-v1.md v1.1, "Who acts"): the case's cooperative records its creditors' answers and the
    # payoffs; deduction lists are read by anyone whose scope holds the cases.
    "record_creditor_answers": frozenset({Role.COOPERATIVE_OFFICER}),
    # api-v1.md v1.1 "Who acts": the cooperative records repayments; provincial officers may too, in their province.
    "record_repayments": frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER}),
    "view_people": frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_APPROVER,
                              Role.REGIONAL_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR}),
    # Relief programme: provincial offices register and verify; approvers decide; the cooperatives are
    # not involved.
    "view_relief_cases": ALL_ROLES - {Role.COOPERATIVE_OFFICER},
    "edit_relief_cases": frozenset({Role.PROVINCIAL_OFFICER}),
    "record_relief_payments": frozenset({Role.PROVINCIAL_OFFICER}),
    "manage_rules": frozenset({Role.ADMINISTRATOR}),
    # Letters: cooperatives write to creditors and sum cases up; provincial offices notify teachers, paying units
    # and families (each module of services/letter_kinds/ says which roles issue it).
    # PDPA (domain.md, Privacy): the full citizen ID only where the task needs it — the officers who deal with
    # the teacher and re-import their spreadsheets keyed by it; everyone else sees it masked, exports included.
    "see_full_citizen_ids": frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER}),
    "issue_letters": frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_APPROVER}),
}

# The kinds of org unit each role may belong to: a cooperative officer works for a cooperative,
# an approver for a province or region; viewers, auditors and administrators may sit higher.
ROLE_UNIT_KINDS: dict[Role, frozenset[UnitKind]] = {
    Role.COOPERATIVE_OFFICER: frozenset({UnitKind.COOPERATIVE}),
    Role.PROVINCIAL_OFFICER: frozenset({UnitKind.PROVINCE, UnitKind.AREA_OFFICE}),
    Role.PROVINCIAL_APPROVER: frozenset({UnitKind.PROVINCE}),
    Role.REGIONAL_APPROVER: frozenset({UnitKind.REGION}),
    Role.MINISTRY_VIEWER: frozenset({UnitKind.MINISTRY}),
    Role.AUDITOR: frozenset({UnitKind.MINISTRY, UnitKind.REGION, UnitKind.PROVINCE}),
    Role.ADMINISTRATOR: frozenset({UnitKind.MINISTRY, UnitKind.REGION, UnitKind.PROVINCE}),
}


def can(user: User | None, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return Role(user.role) in PERMISSIONS[permission]


def require(user: User, permission: str) -> None:
    if not can(user, permission):
        raise Forbidden()
