"""What the audit page calls the fields of a recorded change (issue 21, 2: a person reads labels, never the keys the
services write into AuditEvent.before/after). A key without a label here is shown humanised ("Debt ids"); the
keys every service writes are listed, so that fallback is for keys added later."""
from app.i18n import lazy_gettext as _l

FIELD_LABELS = {
    # the workflow (services/workflow.py) and what a debt case records after approval (after_approval_steps.py)
    "status": _l("Status"), "comment": _l("Comment"), "snapshot_sha256": _l("Fingerprint of the approved content"),
    "plan_version": _l("Plan version"), "previous_version": _l("Previous plan version"),
    "agreement_signed_on": _l("Agreement signed on"), "first_due_month": _l("First month deducted"),
    "deduction_lines": _l("Deduction lines"), "resolution_no": _l("Committee resolution no."),
    # a debt case (debt_cases.case_snapshot)
    "cooperative": _l("Cooperative"), "citizen_id": _l("Citizen ID"), "monthly_salary": _l("Monthly salary"),
    "monthly_allowances": _l("Monthly allowances"), "retired": _l("Retired (pension)"),
    "monthly_pension": _l("Monthly pension"), "paying_unit": _l("Paying unit"), "deductions": _l("Deductions"),
    "debts": _l("Debts"), "chosen_plan_id": _l("Chosen plan (record no.)"),
    "creditor_name": _l("Creditor"), "creditor_type": _l("Creditor type"), "outstanding": _l("Outstanding"),
    "annual_rate": _l("Interest rate (% a year)"), "monthly_payment": _l("Monthly payment"),
    "remaining_months": _l("Months left"), "legal_status": _l("Legal status"), "creditor_id": _l("Creditor (record no.)"),
    "guarantors": _l("Guarantors"), "guarantors_note": _l("Note on the guarantors"),
    # plans (debt_plans.py, plan_json.py)
    "case_id": _l("Case (record no.)"), "label": _l("Name"), "spec": _l("Plan terms"),
    "consolidate": _l("Consolidated into a new loan"), "reschedule": _l("Rescheduled with the creditor"),
    "pro_rata": _l("Shared pro rata"), "debt_ids": _l("Debts (record nos.)"), "debt_id": _l("Debt (record no.)"),
    "term_months": _l("Term (months)"), "method": _l("Method"), "interest_saved": _l("Interest saved"),
    "settings": _l("Settings the plans were worked out under"), "plans": _l("Plans (record nos.)"),
    "reason": _l("Reason"),
    # a person and a user (people.REGISTERED_FIELDS, users._snapshot)
    "title": _l("Title"), "first_name": _l("First name"), "last_name": _l("Last name"), "birth_date": _l("Birth date"),
    "position": _l("Position"), "workplace": _l("School or office"), "username": _l("Username"),
    "full_name": _l("Full name"), "email": _l("E-mail"), "role": _l("Role"), "org_unit_id": _l("Unit (record no.)"),
    "active": _l("Active"), "locked_at": _l("Locked since"), "until": _l("Held until"),
    "expires_at": _l("Expires"), "sessions_ended": _l("Sessions ended"), "tokens_revoked": _l("API tokens revoked"),
    "notices_read": _l("Notices read"),
    # units and creditors (org._snapshot, creditors.as_audit)
    "code": _l("Code"), "name": _l("Name"), "name_en": _l("Name in English"), "kind": _l("Kind"),
    "parent_id": _l("Parent unit (record no.)"), "path": _l("Place in the tree"), "letter_prefix": _l("Letter prefix"),
    "address": _l("Postal address"), "section": _l("Section"), "phone": _l("Telephone"),
    "signer_name": _l("Signer's name"), "signer_position": _l("Signer's position"), "emblem_key": _l("Letter emblem"),
    "branch": _l("Branch"), "addressee": _l("Addressee"), "source": _l("Source"),
    # relief cases, evidence, payments (relief.py, relief_evidence.py, relief_payments.py)
    "harm": _l("Harm"), "victim": _l("Victim's citizen ID"), "chpk_member": _l("Member of ช.พ.ค."),
    "chps_member": _l("Member of ช.พ.ส."), "entitlements": _l("Entitlements"), "notes": _l("Notes on the computation"),
    "incident_date": _l("Incident date"), "filename": _l("File name"), "sha256": _l("File fingerprint"),
    "entitlement_id": _l("Entitlement (record no.)"), "person_id": _l("Person (record no.)"),
    "period": _l("Academic year"), "enrolled": _l("Enrolled"), "round": _l("Round"), "amount": _l("Amount"),
    "reference": _l("Reference"),
    # after approval (creditor_answers.py, payoffs.py)
    "response": _l("Creditor's answer"), "payoff_amount": _l("Payoff amount"), "scan": _l("Scanned answer"),
    "paid_on": _l("Paid on"), "difference_reason": _l("Reason for a different amount"),
    # letters and batches (letters.py, letter_batches.py)
    "number": _l("Letter no."), "case": _l("Case"), "content_sha256": _l("Content fingerprint"),
    "batch_id": _l("Letter batch (record no.)"), "reissue_reason": _l("Reason for printing again"),
    "letter_id": _l("Letter (record no.)"), "people": _l("People named"), "purpose": _l("Purpose"),
    "cases": _l("Cases"), "letters_numbered": _l("Letters numbered"),
    # deduction lists, repayments, imports, exports, backups, settings, signing keys, rules
    "month": _l("Month"), "paying_unit_code": _l("Paying unit"), "province_code": _l("Province"),
    "count": _l("Number listed"), "format": _l("Format"), "lines": _l("Lines"), "matched": _l("Matched"),
    "amount_matched": _l("Amount matched"), "already_recorded": _l("Already recorded"), "unmatched": _l("Not matched"),
    "bytes": _l("Size (bytes)"), "rows": _l("Rows"), "teachers": _l("Teachers in the file"), "new_cases": _l("New cases"),
    "updated_cases": _l("Cases updated"), "new_creditor_count": _l("Number of new creditors"),
    "new_creditors": _l("New creditors"), "list": _l("List"), "filters": _l("Filters"), "key": _l("Stored file"),
    "value": _l("Value"), "effective_from": _l("Effective from"), "effective_to": _l("In force until"),
    "fingerprint": _l("Certificate fingerprint"), "subject": _l("Certificate holder"), "not_after": _l("Valid until"),
    "exposure": _l("Citizen ID looked up"), "as_debtor": _l("Cases as debtor"), "as_guarantor": _l("Debts guaranteed"),
    "debt_cases": _l("Debt cases"), "relief_cases": _l("Relief cases"), "rates": _l("Rates by level"),
    "offset_codes": _l("Less what these rules paid"), "membership": _l("Fund membership needed"),
    "id": _l("Record no."),
}

# The same key means another thing on some kinds of record.
FIELD_LABELS_BY_KIND = {
    "entitlement_rule": {"period": _l("Paid"), "source": _l("Legal source")},
    "setting": {"source": _l("Legal source")},
    "repayment_batch": {"source": _l("Recorded through")},
    "org_unit": {"source": _l("Certificate from")},  # signing_keys.py records a unit's certificate on the unit
}

# Lists the services write as rows of positional values (debt_cases.case_snapshot, relief.py): the name of each.
POSITIONAL = {
    "debts": ("debt_id", "creditor_name", "creditor_type", "outstanding", "annual_rate", "monthly_payment",
              "remaining_months", "legal_status", "creditor_id", "guarantors", "guarantors_note"),
    "deductions": ("kind", "label", "amount"),
    "entitlements": ("kind", "amount"),
    "guarantors": ("citizen_id", "title", "first_name", "last_name"),
}

# Keys never shown: an internal code beside its own label (a rule's code beside its title), a unit's place in the
# tree as the database keeps it ("/1/5/"; the unit is named in the record column).
HIDDEN = {"entitlement_rule": {"code"}, "org_unit": {"path"}}
# Keys that hold a file's storage key ("backups/2026-11-25.dump"): shown by the file's name.
STORED_FILE_KEYS = frozenset({"key", "emblem_key", "scan"})

MONEY_KEYS = frozenset({
    "monthly_salary", "monthly_allowances", "monthly_pension", "outstanding", "monthly_payment", "interest_saved",
    "amount", "payoff_amount", "amount_matched"})
RATE_KEYS = frozenset({"annual_rate"})
CITIZEN_ID_KEYS = frozenset({"citizen_id", "victim", "exposure"})
MONTH_KEYS = frozenset({"month", "first_due_month"})
# Numbers that are names (record numbers, years, versions): shown without thousands separators.
PLAIN_NUMBER_KEYS = frozenset({"period", "round", "plan_version", "previous_version", "remaining_months",
                               "term_months", "id"})
