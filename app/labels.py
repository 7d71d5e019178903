"""User-facing names of codes (roles, unit kinds, audit actions), translated at render time."""
from flask_babel import lazy_gettext as _l

from app.models import Role, UnitKind

ROLE_LABELS = {
    Role.COOPERATIVE_OFFICER.value: _l("Cooperative officer"),
    Role.PROVINCIAL_OFFICER.value: _l("Provincial officer"),
    Role.PROVINCIAL_APPROVER.value: _l("Provincial approver"),
    Role.REGIONAL_APPROVER.value: _l("Regional approver"),
    Role.MINISTRY_VIEWER.value: _l("Ministry viewer"),
    Role.AUDITOR.value: _l("Auditor"),
    Role.ADMINISTRATOR.value: _l("Administrator"),
}

UNIT_KIND_LABELS = {
    UnitKind.MINISTRY.value: _l("Ministry"),
    UnitKind.REGION.value: _l("Regional education office"),
    UnitKind.PROVINCE.value: _l("Provincial education office"),
    UnitKind.COOPERATIVE.value: _l("Savings cooperative"),
    UnitKind.AREA_OFFICE.value: _l("Educational service area office"),
}

AUDIT_ACTION_LABELS = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_out": _l("Signed out"),
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "user.create": _l("User created"),
    "user.update": _l("User changed"),
    "user.activate": _l("User activated"),
    "user.deactivate": _l("User deactivated"),
    "user.reset_password": _l("Password reset"),
    "org_unit.create": _l("Unit created"),
    "org_unit.update": _l("Unit changed"),
}
