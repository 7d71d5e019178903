"""User-facing names of codes (roles, unit kinds, audit actions), translated at render time."""
import re

from app.i18n import lazy_gettext as _l
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
    UnitKind.PENSION_PAYER.value: _l("Pension payer"),
}

AUDIT_ACTION_LABELS = {
    "verify": _l("Verify (evidence complete)"), "pay": _l("First payment"),
    "auth.sign_in": _l("Signed in"),
    "letter.issue": _l("Letter issued"),
    "repayments.record": _l("Repayments recorded"),
    "letter_batch.create": _l("Letter batch queued"),
    "letter_batch.retry": _l("Letter batch tried again"),
    "signing_key.upload": _l("Signing certificate uploaded"),
    "signing_key.create": _l("Signing certificate created"),
    "debt_import.start": _l("Spreadsheet import started"),
    "auth.sign_out": _l("Signed out"),
    "auth.sign_out_everywhere": _l("Signed out everywhere"),
    "user.soft_lock": _l("Sign-in held after failed attempts"),
    "notice.read_all": _l("Notices marked read"),
    "user.lock": _l("User locked"),
    "user.unlock": _l("User unlocked"),
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "user.create": _l("User created"),
    "user.update": _l("User changed"),
    "user.activate": _l("User activated"),
    "user.deactivate": _l("User deactivated"),
    "user.reset_password": _l("Password reset"),
    "org_unit.create": _l("Unit created"),
    "org_unit.update": _l("Unit changed"),
    "org_unit.emblem": _l("Unit's letter emblem changed"),
    "person.create": _l("Person registered"),
    "person.update": _l("Person changed"),
    "person.view": _l("Person record viewed"),
    "person.letter_use": _l("Full citizen ID printed in a letter for its recipient to act on"),
    # Issue 19: a read of the monthly deduction list (full citizen IDs for the paying unit to act on).
    "deduction_list.view": _l("Deduction list viewed"), "deduction_list.download": _l("Deduction list downloaded"),
    "debt_case.create": _l("Debt case registered"),
    "creditor.create": _l("Creditor added"),
    "creditor.update": _l("Creditor changed"),
    "debt_case.update": _l("Debt case changed"),
    "debt_plan.create": _l("Plan built"),
    "debt_plan.delete": _l("Plan deleted"),
    "debt_plan.recompute": _l("Plans worked out again under today's settings"),
    "setting.change": _l("Setting changed"),
    "debt_case.submit": _l("Debt case submitted"),
    "debt_case.approve": _l("Debt case approved"),
    "debt_case.return": _l("Debt case returned"),
    "debt_case.reject": _l("Debt case rejected"),
    "debt_case.activate": _l("Debt case activated"),
    "debt_case.close": _l("Debt case closed"),
    "debt_case.revise": _l("Debt case sent back for a new version of the plan"),
    "debt_case.creditor_response": _l("Creditor's answer recorded"),
    "debt_case.payoff": _l("Old debt paid off"),
    "relief_case.create": _l("Relief case registered"),
    "relief_case.update": _l("Relief case changed"),
    "relief_case.verify": _l("Relief case verified"),
    "relief_case.approve": _l("Relief case approved"),
    "relief_case.return": _l("Relief case returned"),
    "relief_case.reject": _l("Relief case rejected"),
    "relief_case.pay": _l("Relief payments started"),
    "relief_case.close": _l("Relief case closed"),
    "relief_evidence.add": _l("Evidence added"),
    "debt_attachment.add": _l("Document attached to a debt case"),
    "debt_attachment.delete": _l("Document removed from a debt case"),
    "relief_payment.record": _l("Payment recorded"),
    "relief_continuation.check": _l("Enrolment checked"),
    "rule.new_version": _l("Rule changed"),
    "backup.request": _l("Backup requested"),
    "export.request": _l("Large list export requested"),
    "backup.download": _l("Backup downloaded"),
    "debt_import.upload": _l("Spreadsheet uploaded for checking"),
    "debt_import.commit": _l("Spreadsheet imported"),
    "person.export": _l("Everything held on a person exported (PDPA)"),
}

STATUS_LABELS = {
    "reported": _l("Reported"), "verified": _l("Verified, awaiting approval"), "paying": _l("Paying"),
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
    "credit_card": _l("Credit card"), "personal_loan": _l("Personal loan (non-bank)"),
}

# Where a creditor on file came from (app/models/creditors.py CREDITOR_SOURCES), for the creditors page.
CREDITOR_SOURCE_LABELS = {
    "org_tree": _l("Cooperative of the org tree"), "reference": _l("National reference list"),
    "entered": _l("Added by an officer"), "free_text": _l("From a typed name: check it"),
}

DEDUCTION_LABELS = {
    "tax": _l("Income tax"), "gpf": _l("Government Pension Fund (กบข.)"), "social_security": _l("Social security"),
    "funeral_welfare": _l("Funeral welfare (ช.พ.ค./ช.พ.ส.)"), "cooperative_shares": _l("Cooperative shares"),
    "insurance": _l("Insurance premium"), "other": _l("Other"),
}

LEGAL_STATUS_LABELS = {
    "reported": _l("Reported"), "verified": _l("Verified, awaiting approval"), "paying": _l("Paying"),
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
    "verify": _l("Verify (evidence complete)"), "pay": _l("First payment"),
    "submit": _l("Submit for approval"), "approve": _l("Approve"), "return": _l("Return for correction"),
    "reject": _l("Reject"), "activate": _l("Agreement signed: activate"), "close": _l("Close the case"),
    "revise": _l("Revise the plan (new version)"),
}

HARM_LABELS = {"death": _l("Death"), "permanent_disability": _l("Permanent disability"),
               "serious_injury": _l("Serious injury"), "minor_injury": _l("Minor injury"),
               "property_damage": _l("Property damage")}
EMPLOYMENT_LABELS = {"civil_servant_teacher": _l("Civil-servant teacher"), "education_personnel": _l("Education personnel"),
                     "government_employee": _l("Government employee"), "temporary_staff": _l("Temporary staff"),
                     "student": _l("Student")}
RELATIONSHIP_LABELS = {"spouse": _l("Spouse"), "child": _l("Child"), "father": _l("Father"), "mother": _l("Mother"),
                       "dependant": _l("Other dependant")}
LEVEL_LABELS = {"kindergarten": _l("Kindergarten"), "primary": _l("Primary"), "lower_secondary": _l("Lower secondary"),
                "upper_secondary": _l("Upper secondary"), "vocational": _l("Vocational"), "higher": _l("Higher education")}
INCIDENT_KIND_LABELS = {"shooting": _l("Shooting"), "bombing": _l("Bombing"), "arson": _l("Arson"),
                        "attack": _l("Attack"), "other": _l("Other")}
EVIDENCE_LABELS = {
    "death_certificate": _l("Death certificate"), "police_report": _l("Police report"),
    "medical_certificate": _l("Medical certificate"), "disability_certificate": _l("Disability certificate"),
    "house_registration": _l("House registration"), "marriage_certificate": _l("Marriage certificate"),
    "birth_certificate": _l("Birth certificate"), "claimant_id": _l("Claimant's ID card"),
    "damage_assessment": _l("Damage assessment"), "enrolment_proof": _l("Proof of enrolment"), "other": _l("Other"),
}
SPLIT_LABELS = {"equal": _l("Equal shares"), "pension_heirs": _l("Civil-service death-gratuity pattern")}

BATCH_STATUS_LABELS = {"queued": _l("Waiting to start"), "planning": _l("Waiting to start"),
                       "preparing": _l("Preparing the letters"), "issuing": _l("Numbering the letters"),
                       "rendering": _l("Printing"), "merging": _l("Joining the pages"), "done": _l("Ready"),
                       "failed": _l("Failed")}
IMPORT_STATUS_LABELS = {"checking": _l("Checking the file"), "invalid": _l("Has errors"), "valid": _l("Ready to import"),
                        "importing": _l("Importing"), "done": _l("Imported"), "failed": _l("Failed")}
# The paying programmes of relief (domain.md): the Ministry of Education and the SBPAC.
PROGRAMME_LABELS = {"moe": _l("MOE (ศธ.)"), "sbpac": _l("SBPAC (ศอ.บต.)")}
# Issue 17: the funeral-welfare funds ช.พ.ค. and ช.พ.ส. are run by the teachers' welfare office (สกสค.).
PROGRAMME_LABELS["otep"] = _l("OTEP funeral welfare (สกสค.)")
FUNERAL_FUND_LABELS = {"chpk": _l("Member of ช.พ.ค."), "chps": _l("Member of ช.พ.ส.")}
# Background jobs (app/jobs/background.py) on /admin/jobs: a kind without a label here shows as "Other job".
JOB_KIND_LABELS = {"backup": _l("Database backup"), "continuation_due": _l("Enrolment checks falling due"),
                   "retention_report": _l("PDPA retention report"), "email": _l("E-mail of notices"),
                   "export": _l("List export"), "arrears_sweep": _l("Arrears sweep (delinquency buckets)"),
                   "repayment_month": _l("Repayment report figures"), "repayment_import": _l("Repayment file")}
JOB_STATUS_LABELS = {"queued": _l("Waiting to start"), "running": _l("Running"), "done": _l("Done"),
                     "failed": _l("Failed")}
# Settings with choices (app/services/settings.py) on the settings page: what each stored value means.
SETTING_CHOICE_LABELS = {
    "affordability.base": {"salary": _l("Salary"), "receipts": _l("Receipts (salary and allowances)")},
    "repayment.rounding_step": {"0.01": _l("The satang"), "1": _l("1 baht"), "10": _l("10 baht (always upward)"),
                                "100": _l("100 baht (always upward)")},
    "repayment.rounding_mode": {"half_up": _l("Half up (to the satang or 1 baht)"), "up": _l("Upward")},
    "relief.satun_covered": {"no": _l("No"), "yes": _l("Yes")},
    "letters.thai_digits": {"no": _l("No"), "yes": _l("Yes")},
}


# Issue 19, the case page after approval: how the approved plan touches a debt, and what its creditor answered.
TOUCH_LABELS = {
    "consolidated": _l("Consolidated into the new loan"),
    "rescheduled": _l("Rescheduled with its creditor"),
    "pro_rata": _l("Shared pro rata"),
}

RESPONSE_LABELS = {
    "accepted": _l("Accepted"),
    "counter_offer": _l("Counter-offer"),
    "declined": _l("Declined"),
}

PAYOFF_STATUS_LABELS = {
    "not_needed": _l("No payoff (not consolidated)"),
    "waiting": _l("Waiting for the creditor's acceptance"),
    "due": _l("To be paid off"),
    "paid": _l("Paid off"),
}


# Issue 20: delinquency buckets (domain.md, "After approval" 5) and where an instalment stands.
BUCKET_LABELS = {
    "current": _l("Current"),
    "1-30": _l("1–30 days overdue"),
    "31-60": _l("31–60 days overdue"),
    "61-90": _l("61–90 days overdue"),
    "90+": _l("Over 90 days overdue (NPL)"),
}

INSTALMENT_STATUS_LABELS = {
    "paid": _l("Paid"),
    "partial": _l("Partly paid"),
    "overdue": _l("Overdue"),
    "due": _l("Awaiting payment"),
}


# Issue 21, 2: the kinds of entitlement of the rule table (app/services/relief_rules.py SEED_RULES "kind";
# domain.md, "Relief cases"), wherever an entitlement is named without its rule's title.
ENTITLEMENT_KIND_LABELS = {
    "remedy": _l("Remedy payment"),
    "immediate_aid": _l("Immediate aid"),
    "rehabilitation": _l("Rehabilitation grant"),
    "stipend": _l("Monthly stipend for children"),
    "welfare": _l("MOE welfare payment"),
    "scholarship": _l("Continuing scholarship"),
    "funeral": _l("Funeral welfare"),
    "property_damage": _l("Property damage aid"),
}

# How often a rule pays (EntitlementRule.period).
RULE_PERIOD_LABELS = {"once": _l("Once"), "monthly": _l("Monthly"), "annual": _l("Each academic year")}

# Issue 21, 2: the kinds of record the audit trail names (AuditEvent.object_type, as services/*.py write them).
ENTITY_KIND_LABELS = {
    "debt_case": _l("Debt restructuring request"),
    "relief_case": _l("Relief request"),
    "debt_plan": _l("Restructuring plan"),
    "person": _l("Person"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "org_unit": _l("Unit"),
    "creditor": _l("Creditor"),
    "letter": _l("Letter"),
    "letter_batch": _l("Letter batch"),
    "import_job": _l("Spreadsheet import"),
    "repayment_batch": _l("Repayments of a month"),
    "deduction_list": _l("Deduction list"),
    "entitlement_rule": _l("Entitlement rule"),
    "setting": _l("Setting"),
    "background_job": _l("Background job"),
}

# Issue 21, 2: a workflow move as a notice says it was done ("… (returned for correction by …)").
NOTICE_ACTION_LABELS = {
    "submit": _l("submitted for approval"), "approve": _l("approved"), "return": _l("returned for correction"),
    "reject": _l("rejected"), "activate": _l("activated on the signed agreement"),
    "revise": _l("sent back for a new version of the plan"), "close": _l("closed"),
    "verify": _l("verified (evidence complete)"), "pay": _l("first payment made"),
}


def legal_source(text: str | None) -> str:
    """A rule's or setting's source as an officer recognises it (the regulation, the Cabinet resolution, the
    agency): the project's own file names ("(domain.md)", "thai-documents.md") are left out, never shown."""
    if not text:
        return ""
    cleaned = re.sub(r"\(\s*[\w.-]+\.(?:md|py|csv|json|txt)\s*\)", "", str(text))
    cleaned = re.sub(r"\b[\w-]+\.(?:md|py|csv|json|txt)\b[,:]?", "", cleaned)
    cleaned = re.sub(r"\s+([,:;])", r"\1", cleaned)
    return " ".join(cleaned.split()).strip(" ,;:")

# Issue 21 point 8: the documents a debt case takes (app/models/debt_attachments.py ATTACHMENT_KINDS).
ATTACHMENT_KIND_LABELS = {
    "salary_slip": _l("Salary slip"),
    "creditor_statement": _l("Creditor's statement of the balance or of the account"),
    "agreement": _l("Agreement or memorandum"),
    "other": _l("Other document"),
}
