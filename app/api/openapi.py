"""The OpenAPI 3 document at /api/v1/openapi.json, built from the routes themselves.

Each API view is marked with @documented(operation); the document lists every API rule in the URL map
with the operation's description below. A test fails when an API route has no description, so the
document grows with every endpoint.
"""
from __future__ import annotations

import re

from flask import current_app, jsonify

from app.api.blueprint import bp
from app.models.debt import CREDITOR_TYPES

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(item_ref: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": {"$ref": item_ref}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]

# The kinds a case's letters endpoint takes (app/services/letter_kinds/: the debt then the relief programme's, in
# their order); tests/api/test_guarantor_and_closure_letters_api.py holds it to the registry.
LETTER_KINDS = ["case_summary", "creditor_request", "approval_notice", "deduction_notice", "schedule",
                "guarantor_notice", "closure_notice", "decision_notice", "payment_memo", "scholarship_continuation"]

OPERATIONS: dict[str, dict] = {
    "issue_token": {
        "summary": "Exchange a username and password for a bearer token",
        "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"200": _json({"type": "object", "required": ["token", "expires_at"], "properties": {
            "token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}),
            **_error_responses(400, 401, 422, 429)},
    },
    "revoke_token": {
        "summary": "Revoke the token used for this request",
        "responses": {"204": {"description": "revoked"}, **_error_responses(401)},
    },
    "me": {
        "summary": "The signed-in user, role and org unit",
        "responses": {"200": _json({"$ref": "#/components/schemas/Me"}), **_error_responses(401)},
    },
    "org_units": {
        "summary": "Org units in the caller's scope",
        "parameters": [{"name": "kind", "in": "query", "schema": {
            "type": "string", "enum": ["ministry", "region", "province", "cooperative", "area_office", "pension_payer"]}},
            *PAGE_PARAMETERS],
        "responses": {"200": _json(_page_of("#/components/schemas/OrgUnit")), **_error_responses(401, 422)},
    },
    "create_debt_case": {
        "summary": "Register a teacher's debt case (a citizen ID on file links to the same person)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/DebtCaseInput"}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/DebtCase"}, "created"),
                      **_error_responses(400, 401, 403, 422)},
    },
    "list_debt_cases": {
        "summary": "Debt cases in the caller's scope (citizen IDs masked)",
        "parameters": [*({"name": n, "in": "query", "schema": {"type": "string"}} for n in
                         ("status", "risk_group", "cooperative_code", "province_code", "q", "sort")),
                       *PAGE_PARAMETERS],
        "responses": {"200": _json(_page_of("#/components/schemas/DebtCaseListItem")), **_error_responses(401, 403)},
    },
    "get_debt_case": {
        "summary": "One debt case with its affordability and plans",
        "responses": {"200": _json({"$ref": "#/components/schemas/DebtCase"}), **_error_responses(401, 403, 404)},
    },
    "update_debt_case": {
        "summary": "Change a draft or returned case; send the version you read",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/DebtCasePatch"}}}},
        "responses": {"200": _json({"$ref": "#/components/schemas/DebtCase"}),
                      **_error_responses(400, 401, 403, 404, 409, 422)},
    },
    "create_debt_plan": {
        "summary": "Build a restructuring plan (consolidate, reschedule, pro-rata)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/PlanInput"}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Plan"}, "created"),
                      **_error_responses(400, 401, 403, 404, 409, 422)},
    },
    "get_debt_plan": {
        "summary": "One plan",
        "responses": {"200": _json({"$ref": "#/components/schemas/Plan"}), **_error_responses(401, 403, 404)},
    },
    "delete_debt_plan": {
        "summary": "Delete a draft plan",
        "responses": {"204": {"description": "deleted"}, **_error_responses(401, 403, 404, 409)},
    },
    "suggest_debt_plan": {
        "summary": "The shortest consolidation term that meets the floor, or why none does",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["consolidate_debt_ids", "annual_rate"], "properties": {
                "consolidate_debt_ids": {"type": "array", "items": {"type": "integer"}},
                "annual_rate": {"type": "string"}, "method": {"type": "string", "enum": ["annuity", "equal_principal"]}}}}}},
        "responses": {"200": _json({"type": "object", "required": ["feasible"], "properties": {
            "feasible": {"type": "boolean"}, "term_months": {"type": "integer"}, "monthly_payment": {"type": "string"},
            "after": {"type": "object"}, "best_term_months": {"type": "integer"}, "best_ratio": {"type": ["string", "null"]},
            "monthly_gap": {"type": ["string", "null"]}}}), **_error_responses(400, 401, 403, 404, 422)},
    },
    "debt_plan_schedule": {
        "summary": "The whole repayment schedule of the new loan or of one rescheduled debt",
        "parameters": [{"name": "part", "in": "query", "schema": {"type": "string"},
                        "description": "new_loan or a debt id"}],
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "items": {"type": "object", "properties": {
                "n": {"type": "integer"}, "payment": {"type": "string"}, "interest": {"type": "string"},
                "principal": {"type": "string"}, "balance": {"type": "string"}}}}}}),
            **_error_responses(401, 403, 404)},
    },
    "debt_case_transition": {
        "summary": "Move a debt case: submit, approve, return, reject, activate, close, revise",
        "description": "activate needs agreement_signed_on and first_due_month (YYYY-MM) and is 409 while a debt "
                       "the plan touches lacks an accepted answer or a consolidated debt is not paid off (the "
                       "message names them, and error.missing lists {debt_id, creditor, missing: answer|acceptance|payoff}). "
                       "revise takes an approved or active case back to draft for a new version of the plan "
                       "(plan_version + 1); earlier snapshots, letters and answers are kept.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["action"], "properties": {
                "action": {"type": "string", "enum": ["submit", "approve", "return", "reject", "activate", "close",
                                                      "revise"]},
                "comment": {"type": "string"}, "plan_id": {"type": "integer"}, "version": {"type": "integer"},
                "agreement_signed_on": {"type": "string", "format": "date"},
                "first_due_month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}}}}}},
        "responses": {"200": _json({"$ref": "#/components/schemas/DebtCase"}),
                      **_error_responses(400, 401, 403, 404, 409, 422)},
    },
    "debt_case_history": {
        "summary": "Every transition of a debt case, oldest first, and the approval snapshot's hash",
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"type": "object"}},
            "snapshot_sha256": {"type": ["string", "null"]}}}), **_error_responses(401, 403, 404)},
    },
    "create_creditor_response": {
        "summary": "Record a creditor's answer about a debt the approved plan touches",
        "description": "accepted (payoff_amount and payoff_valid_until for a consolidated debt), counter_offer "
                       "(counter_annual_rate, counter_term_months) or declined. 409 unless the case is approved "
                       "and not yet active.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["debt_id", "response", "responded_on"], "properties": {
                "debt_id": {"type": "integer"},
                "response": {"type": "string", "enum": ["accepted", "counter_offer", "declined"]},
                "responded_on": {"type": "string", "format": "date"}, "reference": {"type": "string"},
                "payoff_amount": {"type": "string"}, "payoff_valid_until": {"type": "string", "format": "date"},
                "counter_annual_rate": {"type": "string"}, "counter_term_months": {"type": "integer"},
                "comment": {"type": "string"}}}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/CreditorResponse"}, "recorded"),
                      **_error_responses(400, 401, 403, 404, 409, 422)},
    },
    "list_creditor_responses": {
        "summary": "Every creditor answer of the case, of every version of the plan, the latest first",
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "items": {"$ref": "#/components/schemas/CreditorResponse"}}}}),
            **_error_responses(401, 403, 404)},
    },
    "create_payoff": {
        "summary": "Record the payoff of an accepted, consolidated debt; the old debt closes",
        "description": "The amount is the accepted payoff amount, paid on or before its valid-until day, or "
                       "difference_reason says why not. 422 for a debt the plan does not consolidate or whose "
                       "creditor has not accepted.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["debt_id", "amount", "paid_on"], "properties": {
                "debt_id": {"type": "integer"}, "amount": {"type": "string"},
                "paid_on": {"type": "string", "format": "date"}, "reference": {"type": "string"},
                "difference_reason": {"type": "string"}}}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Payoff"}, "recorded"),
                      **_error_responses(400, 401, 403, 404, 409, 422)},
    },
    "list_payoffs": {
        "summary": "Every payoff of the case, the latest first",
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "items": {"$ref": "#/components/schemas/Payoff"}}}}), **_error_responses(401, 403, 404)},
    },
    "create_repayments": {
        "summary": "Record the month's repayments, matched by citizen ID, case and part to the instalments",
        "description": "Each line is matched to an active case in the caller's scope (case_id: the id, or the "
                       "reference), its teacher's citizen ID and an instalment part (new_loan or the id of a "
                       "rescheduled debt; may be left out when the case has one part). Amounts are applied oldest "
                       "instalment first: partial payments are kept, an overpayment goes to the next instalment; "
                       "more than the part still owes is unmatched. Unmatched lines are listed with their line "
                       "number (from 1), field and reason. All or nothing: unless every line matches, nothing is "
                       "recorded (recorded: false) — unless accept_partial is true. dry_run records nothing. A "
                       "reference already recorded with the same values counts as already_recorded and changes "
                       "nothing (idempotent); with other values it is unmatched.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["month", "lines"], "properties": {
                "month": {"type": "string", "example": "2027-02"}, "dry_run": {"type": "boolean"},
                "accept_partial": {"type": "boolean"},
                "lines": {"type": "array", "maxItems": 20000, "items": {
                    "type": "object", "required": ["citizen_id", "case_id", "amount", "paid_on", "reference"],
                    "properties": {"citizen_id": {"type": "string"}, "case_id": {"type": ["integer", "string"]},
                                   "part": {"type": ["string", "integer"]}, "amount": {"type": "string"},
                                   "paid_on": {"type": "string", "format": "date"},
                                   "reference": {"type": "string", "maxLength": 100}}}}}}}}},
        "responses": {"200": _json({"type": "object", "required": ["matched", "amount_matched", "unmatched"],
                                    "properties": {
            "month": {"type": "string"}, "lines": {"type": "integer"}, "matched": {"type": "integer"},
            "amount_matched": {"type": "string"}, "already_recorded": {"type": "integer"},
            "recorded": {"type": "boolean"}, "dry_run": {"type": "boolean"},
            "unmatched": {"type": "array", "items": {"type": "object", "properties": {
                "line": {"type": "integer"}, "field": {"type": ["string", "null"]},
                "reason": {"type": "string"}}}}}}),
                      **_error_responses(400, 401, 403, 409, 422)},
    },
    "list_instalments": {
        "summary": "The case's instalments from the approved schedules, with what was paid against each",
        "description": "The new loan's and each rescheduled debt's, due from the first due month. An instalment "
                       "is overdue once its month has ended unpaid (due on the month's last day). as_of=YYYY-MM-DD "
                       "reads them on another day (default: today in Bangkok).",
        "parameters": [{"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}}],
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "items": {"type": "object", "properties": {
                "part": {"type": ["string", "integer"]}, "n": {"type": "integer"},
                "due_month": {"type": "string"}, "amount_due": {"type": "string"},
                "amount_paid": {"type": "string"},
                "status": {"type": "string", "enum": ["due", "paid", "partial", "overdue"]},
                "days_past_due": {"type": "integer"}}}}}}), **_error_responses(401, 403, 404, 422)},
    },
    "delinquency_history": {
        "summary": "Every stay of the case in a delinquency bucket, oldest first (to is null for the current one)",
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "items": {"type": "object", "properties": {
                "bucket": {"type": "string", "enum": ["current", "1-30", "31-60", "61-90", "90+"]},
                "from": {"type": "string", "format": "date"},
                "to": {"type": ["string", "null"], "format": "date"}}}}}}), **_error_responses(401, 403, 404)},
    },
    "deduction_lists": {
        "summary": "The month's deduction list for the paying units: per teacher, the amounts to deduct per creditor",
        "description": "For the cases in the caller's scope with deductions in the month or the month before, "
                       "ordered by paying unit code then case id. Lines in the legal order (the new loan, other "
                       "cooperative debts, then other creditors, oldest first); order counts from 1 within the "
                       "item. change is against the month before: new, changed, unchanged, or stopped (no lines, "
                       "total 0). citizen_id is the full ID (each read is logged). JSON is streamed; format=csv or "
                       "xlsx gives the same list as a file (XLSX: a sheet per paying unit).",
        "parameters": [
            {"name": "month", "in": "query", "required": True, "schema": {"type": "string", "example": "2027-02"}},
            {"name": "paying_unit_code", "in": "query", "schema": {"type": "string"}},
            {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]}}],
        "responses": {"200": {"description": "OK", "content": {
            "application/json": {"schema": {"type": "object", "required": ["month", "items", "total"], "properties": {
                "month": {"type": "string"}, "total": {"type": "string"},
                "items": {"type": "array", "items": {"type": "object", "required": [
                    "citizen_id", "name", "paying_unit_code", "case_id", "lines", "total", "change"], "properties": {
                    "citizen_id": {"type": "string"}, "name": {"type": "string"},
                    "paying_unit_code": {"type": ["string", "null"]}, "case_id": {"type": "integer"},
                    "lines": {"type": "array", "items": {"type": "object", "required": [
                        "order", "creditor", "part", "amount"], "properties": {
                        "order": {"type": "integer"}, "creditor": {"type": "string"}, "part": {"type": "string"},
                        "amount": {"type": "string"}}}},
                    "total": {"type": "string"},
                    "change": {"type": "string", "enum": ["new", "changed", "unchanged", "stopped"]}}}}}}},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}}}},
            **_error_responses(401, 403, 422)},
    },
    "list_creditors": {
        "summary": "Creditors on file (national reference data: every signed-in user), by name",
        "description": "q matches the name or branch; creditor_type narrows to one type. Every cooperative of the "
                       "org tree is a creditor on file (org_unit_code set).",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}},
                       {"name": "creditor_type", "in": "query", "schema": {"$ref": "#/components/schemas/CreditorType"}},
                       *PAGE_PARAMETERS],
        "responses": {"200": _json(_page_of("#/components/schemas/Creditor")), **_error_responses(401, 422)},
    },
    "create_creditor": {
        "summary": "Add a creditor (cooperative officers, provincial officers, administrators); one per name and branch",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/CreditorInput"}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Creditor"}, "created"),
                      **_error_responses(400, 401, 403, 422)},
    },
    "get_creditor": {
        "summary": "One creditor on file",
        "responses": {"200": _json({"$ref": "#/components/schemas/Creditor"}), **_error_responses(401, 404)},
    },
    "person_exposure": {
        "summary": "A person's exposure: the debt cases they owe, and the debts they guarantee (v1.1)",
        "description": "Over the cases in the caller's scope only (roles that may view people). outstanding: for an "
                       "active or closed case what is left of the instalments repaying the debt (the new loan for "
                       "a consolidated debt, its own schedule for a rescheduled one), otherwise the debt's own "
                       "outstanding; bucket: the case's delinquency bucket, null while it was never active; "
                       "total_guaranteed: the sum of as_guarantor. 404 for a malformed citizen ID, or when nothing "
                       "is in scope. Each answer is logged as a view of personal data.",
        "responses": {"200": _json({"$ref": "#/components/schemas/Exposure"}), **_error_responses(401, 403, 404)},
    },
    "create_relief_case": {"summary": "Register a relief case; entitlements are computed from the rules in force on the incident date",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReliefInput"}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/ReliefCase"}, "created"), **_error_responses(400, 401, 403, 422)}},
    "list_relief_cases": {"summary": "Relief cases in the caller's scope",
        "parameters": [*({"name": n, "in": "query", "schema": {"type": "string"}} for n in ("status", "harm", "province_code", "q")),
                       *PAGE_PARAMETERS],
        "responses": {"200": _json(_page_of("#/components/schemas/ReliefCaseListItem")), **_error_responses(401, 403)}},
    "reports_summary": {"summary": "Counts and sums of both programmes within the caller's scope",
        "description": "debt_before/debt_after: principal plus interest still to pay under the current terms / under "
                       "the chosen plans; interest_saved is their difference. below_floor_after counts cases still "
                       "below the 30 percent floor under their chosen plan (or with none). fiscal_year (BE) limits "
                       "to cases registered from 1 October of the year before to 30 September. "
                       "debt_cases.by_retirement (issue 17) splits the same figures into serving and retired "
                       "teachers; the other fields count everyone.",
        "parameters": [{"name": "province_code", "in": "query", "schema": {"type": "string"}},
                       {"name": "fiscal_year", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": _json({"type": "object", "required": ["scope", "debt_cases", "relief_cases"]}),
                      **_error_responses(401, 404)}},
    "reports_funnel": {"summary": "After approval: cases approved, answered, paid off and active, with the waiting "
                                  "times at each step (issue 19)",
        "description": "The current version of each case's plan (a revision takes the case out until it is approved "
                       "again). reached: the step's day is set (active: agreement signed, closed cases included); "
                       "waiting: at the step now (active: active now, not closed). median_days/average_days: days "
                       "spent at the step by the cases that moved on; waiting_median_days/waiting_average_days: "
                       "days since the cases still there reached it, to today in Bangkok. by_unit: the "
                       "cooperatives of a province, the provinces of a region or of the nation (empty below). "
                       "province_code: any unit code in the caller's scope (404 outside it).",
        "parameters": [{"name": "province_code", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": _json({"type": "object", "required": ["scope", "steps", "by_unit"], "properties": {
            "scope": {"type": "object"}, "as_of": {"type": "string", "format": "date"},
            "steps": {"type": "array", "items": {"$ref": "#/components/schemas/FunnelStep"}},
            "by_unit": {"type": "array", "items": {"type": "object", "required": ["code", "name", "steps"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
                               "steps": {"type": "array", "items": {"$ref": "#/components/schemas/FunnelStep"}}}}}}}),
                      **_error_responses(401, 404)}},
    "reports_repayment": {"summary": "After approval: repayments of a month — cases active, due and on time, amounts due "
                                     "and collected, cases per delinquency bucket (issue 20)",
        "description": "Summed from the monthly figures per cooperative (written by the daily sweep for the month under "
                       "way and by each repayment import for its month), never from the cases. month: 2027-02 or "
                       "02/2570 (Buddhist year); this month in Bangkok when omitted; 422 for a bad month. "
                       "province_code: any unit code in the caller's scope (404 outside it). on_time_rate = "
                       "on_time_cases / due_cases (cases with an instalment due in the month whose repayments cover "
                       "everything due through it), four decimals; null when nothing was due in the month. "
                       "amount_collected: repayments recorded for the month. by_bucket counts the active cases by days "
                       "past due. computed_at / computed_until: the oldest and newest computation of the figures "
                       "summed (UTC; null when none). by_unit: the cooperatives of a province, the provinces of a "
                       "region or of the nation (empty below).",
        "parameters": [{"name": "month", "in": "query", "schema": {"type": "string", "example": "2027-02"}},
                       {"name": "province_code", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": _json({"allOf": [{"$ref": "#/components/schemas/RepaymentFigures"}, {
            "type": "object", "required": ["scope", "month", "by_unit"], "properties": {
                "scope": {"type": "object"}, "month": {"type": "string", "example": "2027-02"},
                "by_unit": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/RepaymentFigures"}, {
                    "type": "object", "required": ["code", "name", "kind"], "properties": {
                        "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}}}]}}}}]}),
                      **_error_responses(401, 403, 404, 422)}},
    "issue_letter": {"summary": "Issue an official letter for a case (numbered, printed from the approval snapshot)",
        "description": "Debt kinds: case_summary, creditor_request (needs debt_id), approval_notice, deduction_notice, "
                       "schedule, guarantor_notice (v1.1; needs debt_id: from the cooperative to every guarantor of "
                       "the debt, one copy each, only while the case is active and the debt 60 or more days overdue, "
                       "409 otherwise with the days it is overdue, or when it names no guarantor), closure_notice "
                       "(v1.1; closed cases only, 409 otherwise). Relief kinds: decision_notice, payment_memo, "
                       "scholarship_continuation. Letters that "
                       "state a decision exist only for an approved case (409 before). A kind that already "
                       "exists for the case (and debt) needs reissue_reason; without it 409, with "
                       "error.existing_letter {id, number, issued_on} (a number is never used up by a double click). "
                       "A guarantor notice counts as existing while the overdue episode it answered goes on.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
            "required": ["kind"], "properties": {"kind": {"type": "string", "enum": LETTER_KINDS},
                                                 "debt_id": {"type": "integer"},
                                                 "reissue_reason": {"type": "string", "maxLength": 300}}}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Letter"}, "issued"),
                      **_error_responses(400, 401, 403, 404, 409, 422)}},
    "issue_deduction_list_notice": {"summary": "Issue the deduction notice of one paying unit for one month "
                                               "(one letter, every teacher, with an annex table)",
        "description": "From the provincial education office the paying unit belongs to (provincial officer or "
                       "approver, from the province office itself). The letter is addressed to the unit's head and "
                       "lists the month's deduction list of the unit as the caller reads it: one annex row per "
                       "teacher with the full citizen ID (the use is logged), each creditor's amount in the legal "
                       "order, the total and new/changed/unchanged/stopped. month: 2027-02 or 02/2570. A notice "
                       "already issued for the same unit and month needs reissue_reason; without it 409, with "
                       "error.existing_letter {id, number, issued_on}. 404: a paying unit outside the caller's "
                       "scope; 409: nothing to deduct in that month; 422: no such paying unit, or a bad month.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
            "required": ["paying_unit_code", "month"], "properties": {
                "paying_unit_code": {"type": "string"}, "month": {"type": "string", "example": "2027-02"},
                "reissue_reason": {"type": "string", "maxLength": 300}}}}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Letter"}, "issued"),
                      **_error_responses(400, 401, 403, 404, 409, 422)}},
    "list_case_letters": {"summary": "Letters issued for a case, newest first",
        "responses": {"200": _json({"type": "object", "properties": {"items": {"type": "array", "items": {
            "$ref": "#/components/schemas/Letter"}}}}), **_error_responses(401, 403, 404)}},
    "get_letter": {"summary": "One issued letter (register entry)",
        "responses": {"200": _json({"$ref": "#/components/schemas/Letter"}), **_error_responses(401, 403, 404)}},
    "get_letter_pdf": {"summary": "The letter as PDF; a reprint is the same document",
        "responses": {"200": {"description": "the PDF", "content": {"application/pdf": {}}},
                      **_error_responses(401, 403, 404)}},
    "get_relief_case": {"summary": "One relief case with its entitlements, evidence and payments",
        "responses": {"200": _json({"$ref": "#/components/schemas/ReliefCase"}), **_error_responses(401, 403, 404)}},
    "update_relief_case": {"summary": "Correct a reported or returned case (the whole body as on create, plus version)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReliefInput"}}}},
        "responses": {"200": _json({"$ref": "#/components/schemas/ReliefCase"}), **_error_responses(400, 401, 403, 404, 409, 422)}},
    "add_relief_evidence": {"summary": "Upload evidence (PDF, JPEG or PNG, checked by content)",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object",
            "required": ["kind", "file"], "properties": {"kind": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}},
        "responses": {"201": {"description": "stored"}, **_error_responses(401, 403, 404, 413, 422)}},
    "get_relief_evidence": {"summary": "Download one piece of evidence (callers in scope only)",
        "responses": {"200": {"description": "the file"}, **_error_responses(401, 403, 404)}},
    "relief_case_transition": {"summary": "verify, approve (resolution_no), return, reject, close",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["action"],
            "properties": {"action": {"type": "string"}, "comment": {"type": "string"}, "resolution_no": {"type": "string"},
                           "version": {"type": "integer"}}}}}},
        "responses": {"200": _json({"$ref": "#/components/schemas/ReliefCase"}), **_error_responses(400, 401, 403, 404, 409, 422)}},
    "relief_case_history": {"summary": "Every transition of a relief case",
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object"}}}}),
                      **_error_responses(401, 403, 404)}},
    "relief_payment": {"summary": "Record a payment round; never more than approved and unpaid",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
            "required": ["entitlement_id", "amount", "paid_on", "reference"], "properties": {
                "entitlement_id": {"type": "integer"}, "amount": {"type": "string"}, "paid_on": {"type": "string", "format": "date"},
                "reference": {"type": "string"}, "person_id": {"type": "integer"}, "period": {"type": "string"}}}}}},
        "responses": {"201": {"description": "recorded"}, **_error_responses(400, 401, 403, 404, 409, 422)}},
    "relief_continuation": {"summary": "Record a child's proof of enrolment for an academic year",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
            "required": ["entitlement_id", "citizen_id", "period"], "properties": {
                "entitlement_id": {"type": "integer"}, "citizen_id": {"type": "string"}, "period": {"type": "string"},
                "enrolled": {"type": "boolean"}, "note": {"type": "string"}}}}}},
        "responses": {"201": {"description": "recorded"}, **_error_responses(400, 401, 403, 404, 422)}},
    "openapi_document": {
        "summary": "This document",
        "security": [],
        "responses": {"200": {"description": "OpenAPI 3 document"}},
    },
}

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
        "OrgUnit": {"type": "object", "required": ["code", "name", "kind", "parent_code"], "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]},
            "kind": {"type": "string"}, "parent_code": {"type": ["string", "null"]},
            "province_code": {"type": ["string", "null"]}}},
        "Money": {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"},
        "FunnelStep": {"type": "object", "required": ["step", "reached", "waiting", "median_days", "average_days"],
                       "properties": {
            "step": {"type": "string", "enum": ["approved", "answered", "paid_off", "active"]},
            "reached": {"type": "integer"}, "waiting": {"type": "integer"},
            "median_days": {"type": ["number", "null"]}, "average_days": {"type": ["number", "null"]},
            "waiting_median_days": {"type": ["number", "null"]}, "waiting_average_days": {"type": ["number", "null"]}}},
        "RepaymentFigures": {"type": "object", "required": ["active_cases", "amount_due", "amount_collected",
                                                            "on_time_rate", "by_bucket"], "properties": {
            "active_cases": {"type": "integer"}, "amount_due": {"$ref": "#/components/schemas/Money"},
            "amount_collected": {"$ref": "#/components/schemas/Money"},
            "on_time_rate": {"type": ["string", "null"], "pattern": "^[0-9]\\.[0-9]{4}$", "example": "0.9312"},
            "by_bucket": {"type": "object", "required": ["current", "1-30", "31-60", "61-90", "90+"],
                          "additionalProperties": {"type": "integer"}},
            "due_cases": {"type": "integer"}, "on_time_cases": {"type": "integer"},
            "computed_at": {"type": ["string", "null"], "format": "date-time"},
            "computed_until": {"type": ["string", "null"], "format": "date-time"}}},
        "Teacher": {"type": "object", "required": ["citizen_id", "title", "first_name", "last_name"], "properties": {
            "citizen_id": {"type": "string"}, "title": {"type": "string"}, "first_name": {"type": "string"},
            "last_name": {"type": "string"}, "birth_date": {"type": ["string", "null"], "format": "date"},
            "position": {"type": ["string", "null"]}, "workplace": {"type": ["string", "null"]}}},
        "Deduction": {"type": "object", "required": ["kind", "monthly_amount"], "properties": {
            "kind": {"type": "string", "enum": ["tax", "gpf", "social_security", "funeral_welfare",
                                               "cooperative_shares", "insurance", "other"]},
            "label": {"type": ["string", "null"]}, "monthly_amount": {"type": "string"}}},
        "Debt": {"type": "object", "required": ["outstanding", "annual_rate", "monthly_payment", "remaining_months"],
                 "description": "Send creditor_id (a creditor on file: creditor_name and creditor_type then come from "
                                "it; an unknown id is refused on debts[i].creditor_id), or creditor_name and "
                                "creditor_type: the name is matched to a creditor on file (same name, white space "
                                "and case aside, and type; or the name without a trailing note in brackets), else a "
                                "new creditor is created from it. The same name on file under another type is "
                                "refused on debts[i].creditor_type. Responses always carry all three.",
                 "properties": {
            "id": {"type": "integer"}, "creditor_id": {"type": ["integer", "null"]},
            "creditor_name": {"type": "string"},
            "creditor_type": {"$ref": "#/components/schemas/CreditorType"},
            "outstanding": {"type": "string"}, "annual_rate": {"type": "string"}, "monthly_payment": {"type": "string"},
            "remaining_months": {"type": "integer", "minimum": 1, "maximum": 600},
            "salary_deducted": {"type": "boolean"},
            "legal_status": {"type": "string", "enum": ["normal", "overdue", "npl", "sued", "enforced"]},
            "guarantors": {"description":
                           "v1.1: who guarantees the debt, at most 10, none being the teacher; a PATCH that sends the "
                           "list replaces them, and a debt sent without it keeps its own. A string (v1.0) is kept as "
                           "guarantors_note. Errors name the field: debts[0].guarantors[1].citizen_id.",
                           "oneOf": [{"type": "array", "maxItems": 10,
                                      "items": {"$ref": "#/components/schemas/Guarantor"}},
                                     {"type": "string", "maxLength": 500}, {"type": "null"}]},
            "guarantors_note": {"type": ["string", "null"], "maxLength": 500, "description":
                                "free text about the guarantors that is not a list of them (what migration 0022 "
                                "could not read as citizen IDs and names)"},
            "above_legal_rate": {"type": "boolean", "readOnly": True, "description":
                                 "annual_rate above 15% a year (Civil and Commercial Code s.654): recorded, flagged"}}},
        "Guarantor": {"type": "object", "required": ["citizen_id", "first_name", "last_name"], "properties": {
            "citizen_id": {"type": "string", "description": "13 digits with a valid check digit (dashes allowed)"},
            "title": {"type": ["string", "null"], "maxLength": 50},
            "first_name": {"type": "string", "maxLength": 100}, "last_name": {"type": "string", "maxLength": 100}}},
        "Exposure": {"type": "object", "required": ["as_debtor", "as_guarantor", "total_guaranteed"], "properties": {
            "as_debtor": {"type": "array", "items": {"type": "object", "required": ["case_id", "outstanding"],
                                                     "properties": {"case_id": {"type": "integer"},
                                                                    "outstanding": {"type": "string"}}}},
            "as_guarantor": {"type": "array", "items": {"type": "object", "required": [
                "case_id", "debt_id", "debtor_name", "outstanding", "bucket"], "properties": {
                "case_id": {"type": "integer"}, "debt_id": {"type": "integer"}, "debtor_name": {"type": "string"},
                "outstanding": {"type": "string"},
                "bucket": {"type": ["string", "null"], "enum": ["current", "1-30", "31-60", "61-90", "90+", None]}}}},
            "total_guaranteed": {"type": "string"}}},
        "DebtCaseInput": {"type": "object", "required": ["teacher"], "description":
            "monthly_salary is required unless retired is true; a retired teacher's monthly_pension is then receipts "
            "and base of the 30% rule and the salary may be 0.00 (v1.1). A debt's annual_rate may be 0 to 200; "
            "its monthly_payment at most outstanding plus one month's interest.", "properties": {
            "teacher": {"$ref": "#/components/schemas/Teacher"}, "cooperative_code": {"type": "string"},
            "monthly_salary": {"type": "string"}, "monthly_allowances": {"type": "string"},
            "retired": {"type": "boolean"}, "monthly_pension": {"type": "string"},
            "paying_unit_code": {"type": ["string", "null"], "description":
                                 "an area office (area_office) code; for a retired teacher also a pension payer "
                                 "(pension_payer)"},
            "deductions": {"type": "array", "items": {"$ref": "#/components/schemas/Deduction"}},
            "debts": {"type": "array", "items": {"$ref": "#/components/schemas/Debt"}}}},
        "DebtCasePatch": {"type": "object", "required": ["version"], "properties": {
            "version": {"type": "integer"}, "teacher": {"$ref": "#/components/schemas/Teacher"},
            "cooperative_code": {"type": "string"}, "monthly_salary": {"type": "string"},
            "monthly_allowances": {"type": "string"}, "chosen_plan_id": {"type": ["integer", "null"]},
            "retired": {"type": "boolean"}, "monthly_pension": {"type": "string"},
            "paying_unit_code": {"type": ["string", "null"]},
            "deductions": {"type": "array", "items": {"$ref": "#/components/schemas/Deduction"}},
            "debts": {"type": "array", "items": {"$ref": "#/components/schemas/Debt"}}}},
        "CreditorType": {"type": "string", "enum": list(CREDITOR_TYPES)},
        "CreditorInput": {"type": "object", "required": ["name", "creditor_type"], "properties": {
            "name": {"type": "string", "maxLength": 200}, "creditor_type": {"$ref": "#/components/schemas/CreditorType"},
            "branch": {"type": ["string", "null"], "maxLength": 200},
            "address": {"type": ["string", "null"], "maxLength": 300},
            "addressee": {"type": ["string", "null"], "maxLength": 200,
                          "description": "the position letters are addressed to (default ผู้จัดการ)"},
            "org_unit_code": {"type": ["string", "null"],
                              "description": "set when the creditor is a cooperative of the org tree"}}},
        "Creditor": {"type": "object", "required": ["id", "name", "creditor_type", "addressee"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "creditor_type": {"$ref": "#/components/schemas/CreditorType"},
            "branch": {"type": ["string", "null"]}, "address": {"type": ["string", "null"]},
            "addressee": {"type": "string"},
            "addressed_to": {"type": "string", "readOnly": True,
                             "description": "how a letter names it after เรียน: addressee and the creditor's name"},
            "org_unit_code": {"type": ["string", "null"]},
            "source": {"type": "string", "enum": ["org_tree", "reference", "entered", "free_text"]},
            "active": {"type": "boolean"}}},
        "CreditorResponse": {"type": "object", "required": ["id", "debt_id", "response", "responded_on",
                                                            "plan_version"], "properties": {
            "id": {"type": "integer"}, "debt_id": {"type": "integer"}, "plan_version": {"type": "integer"},
            "response": {"type": "string", "enum": ["accepted", "counter_offer", "declined"]},
            "responded_on": {"type": "string", "format": "date"}, "reference": {"type": ["string", "null"]},
            "payoff_amount": {"type": ["string", "null"]},
            "payoff_valid_until": {"type": ["string", "null"], "format": "date"},
            "counter_annual_rate": {"type": ["string", "null"]}, "counter_term_months": {"type": ["integer", "null"]},
            "comment": {"type": ["string", "null"]}, "current": {"type": "boolean"},
            "scan_filename": {"type": ["string", "null"]}, "recorded_at": {"type": "string"}}},
        "Payoff": {"type": "object", "required": ["id", "debt_id", "amount", "paid_on"], "properties": {
            "id": {"type": "integer"}, "debt_id": {"type": "integer"}, "plan_version": {"type": "integer"},
            "amount": {"type": "string"}, "paid_on": {"type": "string", "format": "date"},
            "reference": {"type": ["string", "null"]}, "difference_reason": {"type": ["string", "null"]},
            "recorded_at": {"type": "string"}}},
        "Affordability": {"type": "object", "properties": {k: {"type": "string"} for k in (
            "receipts", "non_debt_deductions", "debt_service", "net", "base", "ratio", "floor", "shortfall")}},
        "DebtCase": {"type": "object", "required": ["id", "reference", "status", "version", "teacher", "debts",
                                                    "affordability", "risk_group", "plans"], "properties": {
            "id": {"type": "integer"}, "reference": {"type": "string"}, "status": {"type": "string"},
            "version": {"type": "integer"}, "cooperative_code": {"type": "string"},
            "teacher": {"$ref": "#/components/schemas/Teacher"},
            "debts": {"type": "array", "items": {"$ref": "#/components/schemas/Debt"}},
            "deductions": {"type": "array", "items": {"$ref": "#/components/schemas/Deduction"}},
            "affordability": {"$ref": "#/components/schemas/Affordability"},
            "risk_group": {"type": "string", "enum": ["red", "orange", "yellow", "green"]},
            "plans": {"type": "array", "items": {"$ref": "#/components/schemas/Plan"}},
            "chosen_plan_id": {"type": ["integer", "null"]},
            "retired": {"type": "boolean"}, "monthly_pension": {"type": "string"},
            "paying_unit_code": {"type": ["string", "null"]},
            "paying_unit": {"type": ["object", "null"], "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}}},
            "warnings": {"type": "array", "items": {"type": "object", "required": ["code"], "properties": {
                "code": {"type": "string", "enum": ["above_legal_rate"]}, "debt_id": {"type": "integer"},
                "field": {"type": "string"}, "message": {"type": "string"}}}}}},
        "DebtCaseListItem": {"type": "object", "required": ["id", "reference", "status", "teacher", "risk_group"],
                             "properties": {"id": {"type": "integer"}, "reference": {"type": "string"},
                                            "status": {"type": "string"}, "risk_group": {"type": "string"},
                                            "teacher": {"type": "object"}, "ratio": {"type": "string"}}},
        "LoanTerms": {"type": "object", "required": ["annual_rate", "term_months"], "properties": {
            "annual_rate": {"type": "string"}, "term_months": {"type": "integer", "minimum": 1, "maximum": 600},
            "method": {"type": "string", "enum": ["annuity", "equal_principal"]}}},
        "PlanInput": {"type": "object", "properties": {
            "label": {"type": "string"},
            "consolidate": {"allOf": [{"$ref": "#/components/schemas/LoanTerms"}, {"type": "object", "required": ["debt_ids"],
                            "properties": {"debt_ids": {"type": "array", "items": {"type": "integer"}}}}]},
            "reschedule": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/LoanTerms"}, {
                "type": "object", "required": ["debt_id"], "properties": {"debt_id": {"type": "integer"}}}]}},
            "pro_rata": {"type": "object", "properties": {"debt_ids": {"type": "array", "items": {"type": "integer"}}}}}},
        "Plan": {"type": "object", "required": ["id", "label", "before", "after", "interest_saved", "meets_floor",
                                                "warnings"], "properties": {
            "id": {"type": "integer"}, "label": {"type": "string"}, "new_loan": {"type": ["object", "null"]},
            "rescheduled": {"type": "array"}, "before": {"type": "object"}, "after": {"type": "object"},
            "interest_saved": {"type": "string"}, "meets_floor": {"type": "boolean"},
            "warnings": {"type": "array", "items": {"type": "string"}}}},
        "ReliefInput": {"type": "object", "required": ["incident", "victim"], "properties": {
            "incident": {"type": "object"},
            "victim": {"type": "object", "properties": {
                "chpk_member": {"type": ["boolean", "null"], "description": "the victim was a member of ช.พ.ค."},
                "chps_member": {"type": ["boolean", "null"], "description": "the victim was a member of ช.พ.ส."}}},
            "beneficiaries": {"type": "array", "items": {"type": "object"}},
            "split_method": {"type": "string", "enum": ["equal", "pension_heirs"]}}},
        "ReliefCase": {"type": "object", "required": ["id", "status", "version", "entitlements", "evidence_required"],
                       "properties": {"id": {"type": "integer"}, "status": {"type": "string"}, "version": {"type": "integer"},
                                      "entitlements": {"type": "array", "items": {"type": "object"}},
                                      "evidence_required": {"type": "array", "items": {"type": "string"}},
                                      "entitlement_notes": {"type": "array", "items": {
                                          "type": "object", "required": ["reason", "message"], "properties": {
                                              "reason": {"type": "string", "enum": ["amount_not_set", "no_rule"]},
                                              "rule_code": {"type": ["string", "null"]},
                                              "title": {"type": ["string", "null"]},
                                              "message": {"type": "string"}}}},
                                      "evidence": {"type": "array", "items": {"type": "object"}}}},
        "ReliefCaseListItem": {"type": "object", "required": ["id", "status"], "properties": {
            "id": {"type": "integer"}, "status": {"type": "string"}, "harm": {"type": "string"}}},
        "Letter": {"type": "object", "required": ["id", "kind", "number", "issued_on", "pdf_url", "verify_url"],
                   "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "number": {"type": "string"},
                                  "issued_on": {"type": "string", "format": "date"}, "pdf_url": {"type": "string"},
                                  "verify_url": {"type": "string"}, "case_type": {"type": "string"},
                                  "case_id": {"type": "integer"}, "subject": {"type": "string"},
                                  "content_sha256": {"type": "string"}}},
        "Me": {"type": "object", "required": ["username", "role", "org_unit"], "properties": {
            "username": {"type": "string"}, "full_name": {"type": "string"}, "role": {"type": "string"},
            "org_unit": {"type": "object", "required": ["code", "name", "kind"], "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}}}}},
    },
}


def documented(operation: str):
    """Attach the OpenAPI operation named `operation` to a view (KeyError at import if it is missing)."""
    OPERATIONS[operation]  # noqa: B018  fail fast on a typo

    def decorator(view):
        view.openapi_operation = operation
        return view

    return decorator


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if converter == "int" else "string"}})
        return "{" + name + "}"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", replace, rule)
    return path.removeprefix("/api/v1") or "/", params


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        operation = OPERATIONS[view.openapi_operation]
        path, params = _openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry = {"operationId": f"{view.openapi_operation}_{method.lower()}", **operation}
            if params:
                entry["parameters"] = params + entry.get("parameters", [])
            paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "KruDesk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": COMPONENTS,
    }


@bp.route("/openapi.json")
@documented("openapi_document")
def openapi_document():
    return jsonify(build_document())
