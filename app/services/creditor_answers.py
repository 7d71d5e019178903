"""Creditor answers (domain.md, "After approval" 1; api-v1.md v1.1 "Creditor answers").

For each debt the approved plan touches, the cooperative officer records what its creditor answered: accepted (for a
consolidated debt, with the payoff amount and the day it is valid until), a counter-offer (the creditor's own rate
and term: the plan is then revised and approved again), or declined. A later answer about the same debt replaces the
earlier one for activation; every answer stays on record, of this version of the plan and of the earlier ones.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.domain.money import DEBT_RATE_LIMIT
from app.extensions import db
from app.i18n import gettext as _
from app.labels import STATUS_LABELS
from app.models import CreditorResponse, DebtCase, DebtPayoff, User
from app.models.after_approval import RESPONSES
from app.services import after_approval_steps, audit, uploads
from app.services.approved_plan import CONSOLIDATED, approved_plan
from app.services.debt_cases import get_case
from app.services.debt_input import MAX_OUTSTANDING, FieldReader
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.permissions import require
from app.storage import storage

SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def case_answering(actor: User, case_id: int, permission: str = "record_creditor_answers") -> DebtCase:
    """The case, in scope, for an officer who records what happens after approval: 409 unless it is approved and
    not yet active (api-v1.md v1.1)."""
    case = get_case(actor, case_id)
    require(actor, permission)
    if case.status != "approved":
        raise Conflict(_("Answers and payoffs are recorded while the case is approved and not yet active (it is "
                         "“%(status)s”).", status=STATUS_LABELS.get(case.status, case.status)))
    return case


def record_response(actor: User, case_id: int, data: dict, scan: tuple[str, bytes] | None = None) -> CreditorResponse:
    """Record one creditor answer; `scan` is (filename, content) of the creditor's letter, optional."""
    case = case_answering(actor, case_id)
    plan = approved_plan(case)
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"body": _("Send a JSON object.")})
    reader = FieldReader()
    debt_id = _debt_id(reader, data, plan)
    response = reader.choice(data, "response", "response", RESPONSES)
    responded_on = reader.day(data, "responded_on", "responded_on", required=True)
    reference = reader.text(data, "reference", "reference", required=False, max_length=100)
    comment = reader.text(data, "comment", "comment", required=False, max_length=2000)
    fields = {}
    if response == "accepted" and debt_id is not None and plan.touched.get(debt_id) == CONSOLIDATED:
        # A consolidated debt is paid off: the creditor states the amount and how long it holds.
        fields["payoff_amount"] = reader.money(data, "payoff_amount", "payoff_amount", positive=True,
                                               maximum=MAX_OUTSTANDING)
        fields["payoff_valid_until"] = reader.day(data, "payoff_valid_until", "payoff_valid_until", required=True,
                                                  allow_future=True)
        if responded_on and fields["payoff_valid_until"] and fields["payoff_valid_until"] < responded_on:
            reader.errors["payoff_valid_until"] = _("The payoff amount cannot expire before the answer's date.")
    elif response == "counter_offer":
        fields["counter_annual_rate"] = reader.rate(data, "counter_annual_rate", "counter_annual_rate",
                                                    DEBT_RATE_LIMIT)
        fields["counter_term_months"] = reader.integer(data, "counter_term_months", "counter_term_months", 1, 600)
    scan_row = _scan(reader, scan)
    if reader.errors:
        raise ValidationFailed(_("Please correct the marked fields."), reader.errors)
    if db.session.scalar(select(DebtPayoff.id).where(DebtPayoff.debt_id == debt_id,
                                                     DebtPayoff.plan_version == case.plan_version)):
        raise Conflict(_("This debt has been paid off already: its creditor's answer can no longer change."))
    row = CreditorResponse(case_id=case.id, debt_id=debt_id, plan_version=case.plan_version, response=response,
                           responded_on=responded_on, reference=reference, comment=comment, recorded_by_id=actor.id,
                           **fields)
    if scan_row:
        row.scan_key, row.scan_filename = scan_row
    db.session.add(row)
    db.session.flush()
    after_approval_steps.refresh_days(case, plan)
    audit.record("debt_case.creditor_response", actor=actor, object_type="debt_case", object_id=case.id,
                 org_path=case.org_path, after={"debt_id": debt_id, "response": response, "plan_version":
                                                case.plan_version, "reference": reference,
                                                "payoff_amount": str(row.payoff_amount) if row.payoff_amount else None,
                                                "scan": row.scan_key})
    db.session.commit()
    return row


def _debt_id(reader: FieldReader, data: dict, plan) -> int | None:
    raw = data.get("debt_id")
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdecimal():
        reader.errors["debt_id"] = _("Choose the debt this answer is about.")
        return None
    debt_id = int(str(raw).strip())
    if debt_id not in plan.touched:
        reader.errors["debt_id"] = _("The approved plan does not touch this debt: its creditor is not asked.")
        return None
    return debt_id


def _scan(reader: FieldReader, scan) -> tuple[str, str] | None:
    """The scan stored under its content's hash (the file storage of app/storage.py); PDF, JPEG or PNG by content."""
    if not scan or not scan[1]:
        return None
    filename, content = scan
    problem = uploads.file_problem(content)  # the checks every uploaded document passes (services/uploads.py)
    if problem:
        reader.errors["scan"] = problem
        return None
    key = f"answers/{hashlib.sha256(content).hexdigest()}.{SCAN_EXTENSIONS[uploads.content_type_of(content)]}"
    storage().write(key, content)
    return key, uploads.clean_filename(filename) if filename else "scan"


def responses_of(case: DebtCase) -> list[CreditorResponse]:
    """Every answer of the case, of every version: the latest first (so each debt's latest before its earlier)."""
    return after_approval_steps.case_answers(case)[::-1]


def scan_of(actor: User, case_id: int, response_id: int):
    """(row, chunks) of an answer's scan, for a user in the case's scope."""
    case = get_case(actor, case_id)
    row = db.session.get(CreditorResponse, response_id)
    if row is None or row.case_id != case.id or not row.scan_key:
        raise NotFound()
    return row, storage().chunks(row.scan_key)
