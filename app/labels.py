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
    "person.create": _l("Person registered"),
    "person.update": _l("Person changed"),
    "debt_case.create": _l("Debt case registered"),
    "debt_case.update": _l("Debt case changed"),
    "debt_plan.create": _l("Plan built"),
    "debt_plan.delete": _l("Plan deleted"),
    "setting.change": _l("Setting changed"),
    "debt_case.submit": _l("Debt case submitted"),
    "debt_case.approve": _l("Debt case approved"),
    "debt_case.return": _l("Debt case returned"),
    "debt_case.reject": _l("Debt case rejected"),
    "debt_case.activate": _l("Debt case activated"),
    "debt_case.close": _l("Debt case closed"),
}

STATUS_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Submitted, awaiting provincial approval"),
    "awaiting_regional": _l("Awaiting regional approval"),
    "returned": _l("Returned"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "active": _l("Active (agreement signed)"), "closed": _l("Closed"),
}

# The colour groups the basic-education office reports (domain.md, Risk group).
RISK_LABELS = {
    "red": _l("Red: sued or under enforcement"), "orange": _l("Orange: below the 30 percent floor"),
    "yellow": _l("Yellow: in debt, at or above the floor"), "green": _l("Green: no debt"),
}

RISK_SHORT_LABELS = {"red": _l("red"), "orange": _l("orange"), "yellow": _l("yellow"), "green": _l("green")}

CREDITOR_TYPE_LABELS = {
    "cooperative": _l("Savings cooperative"), "gsb": _l("Government Savings Bank (ช.พ.ค.)"),
    "ktb": _l("Krungthai Bank"), "ghb": _l("Government Housing Bank"), "other_bank": _l("Other bank"),
    "government_fund": _l("Government fund"), "informal": _l("Informal lender"), "other": _l("Other"),
}

DEDUCTION_LABELS = {
    "tax": _l("Income tax"), "gpf": _l("Government Pension Fund (กบข.)"), "social_security": _l("Social security"),
    "funeral_welfare": _l("Funeral welfare (ช.พ.ค./ช.พ.ส.)"), "cooperative_shares": _l("Cooperative shares"),
    "insurance": _l("Insurance premium"), "other": _l("Other"),
}

LEGAL_STATUS_LABELS = {
    "normal": _l("Normal"), "overdue": _l("Overdue"), "npl": _l("NPL (over 90 days)"), "sued": _l("Sued"),
    "enforced": _l("Under enforcement"),
}

METHOD_LABELS = {"annuity": _l("Equal instalments"), "equal_principal": _l("Equal principal")}

WARNING_LABELS = {
    "rate_above_old": _l("The new rate is above the rate of the debts it replaces."),
    "still_below_floor": _l("After this plan the teacher still keeps less than the floor."),
    "pro_rata_not_repayable": _l("A creditor's pro-rata share does not cover its monthly interest."),
}

ACTION_LABELS = {
    "submit": _l("Submit for approval"), "approve": _l("Approve"), "return": _l("Return for correction"),
    "reject": _l("Reject"), "activate": _l("Agreement signed: activate"), "close": _l("Close the case"),
}
