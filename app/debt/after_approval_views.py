"""The case page after approval (issue 19; domain.md "After approval" 1–2): the debts the approved plan touches with
their creditors' answers and payoffs, the forms that record them, what activation still waits for, and the plan's
versions. Registered on the debt blueprint by app/debt/views.py (routes(render_case)); activation and revision post
to the case's transition view. Each view parses, calls one service, renders."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.auth.session import permission_required
from app.extensions import db
from app.i18n import gettext as _
from app.labels import PAYOFF_STATUS_LABELS, RESPONSE_LABELS, TOUCH_LABELS
from app.rate_limits import upload_limit
from app.services import after_approval_steps, creditor_answers, debt_cases, payoffs, snapshots
from app.services.approved_plan import approved_plan
from app.services.errors import Conflict, ValidationFailed
from app.services.permissions import can
from app.web import file_response, typed_day

ANSWER_FIELDS = ("debt_id", "response", "responded_on", "reference", "payoff_amount", "payoff_valid_until",
                 "counter_annual_rate", "counter_term_months", "comment")
PAYOFF_FIELDS = ("debt_id", "amount", "paid_on", "reference", "difference_reason")
ANSWER_DATES = ("responded_on", "payoff_valid_until")
PAYOFF_DATES = ("paid_on",)
SCAN_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
SHOWN_STATUSES = ("approved", "active")


def _snapshot_rows(case) -> list[dict]:
    """Every approval snapshot of the case, oldest first: (day, plan version, SHA-256)."""
    rows = []
    for snap in snapshots.all_of("debt", case.id):
        body = snapshots.read(snap.data)
        rows.append({"id": snap.id, "created_at": snap.created_at, "sha256": snap.sha256,
                     "plan_version": body.get("plan_version", 1)})
    return rows


def section_context(case, forms: dict | None = None, errors: dict | None = None) -> dict:
    """What templates/debt/_after_approval.html shows; `forms`/`errors` are a refused form's values and fields, by
    form name ("answer", "payoff", "activate", "revise")."""
    forms, errors = forms or {}, errors or {}
    responses = creditor_answers.responses_of(case)
    plan = None
    if case.status in SHOWN_STATUSES:
        try:
            plan = approved_plan(case)
        except Conflict:
            plan = None
    snaps = _snapshot_rows(case)
    shown = plan is not None or case.plan_version > 1 or bool(responses)
    context = {"shown": shown, "plan": plan, "snapshots": snaps, "forms": forms, "errors": errors,
               "touch_labels": TOUCH_LABELS, "response_labels": RESPONSE_LABELS, "payoff_labels": PAYOFF_STATUS_LABELS,
               "earlier_answers": [r for r in responses if r.plan_version != case.plan_version],
               "can_record": False, "rows": [], "missing": [], "payoff_choices": []}
    if not shown or plan is None:
        return context
    rows = after_approval_steps.touched_debts(case, plan)
    context.update(
        rows=rows,
        missing=(after_approval_steps.missing_for_activation(case, plan, rows, debt_cases.debt_numbers(case))
                 if case.status == "approved" else []),
        can_record=case.status == "approved" and can(current_user, "record_creditor_answers"),
        consolidated=[str(d) for d in plan.consolidated],
        payoff_choices=[row for row in rows if row.payoff_status == "due"])
    return context


def _typed_dates(values: dict, names) -> tuple[dict, dict]:
    """The form's values with its dd/mm/BE dates as ISO (the services take ISO, as the API sends it), and a field
    error for each date typed that is no date."""
    data, errors = dict(values), {}
    for name in names:
        if values.get(name, "").strip():
            day = typed_day(values[name])
            if day is None:
                errors[name] = _("Enter a valid date as dd/mm/yyyy (Buddhist Era), e.g. 25/11/2569.")
                data[name] = ""
            else:
                data[name] = day.isoformat()
    return data, errors


def routes(render_case):
    """The views, rendering the case page through the debt views' render_case(case, status=..., after_approval=...)."""

    def refuse(case_id: int, error, form: str, values: dict, date_errors: dict):
        db.session.rollback()
        fields = {**getattr(error, "fields", {}), **date_errors}
        flash(error.message or _("This action is not possible."), "danger")
        status = 422 if isinstance(error, ValidationFailed) else 409
        case = debt_cases.get_case(current_user, case_id)
        return render_case(case, status=status, after_approval={"forms": {form: values}, "errors": {form: fields}})

    @permission_required("record_creditor_answers")
    @upload_limit
    def record_answer(case_id: int):
        debt_cases.get_case(current_user, case_id)  # scope first: 404
        values = {name: request.form.get(name, "").strip() for name in ANSWER_FIELDS}
        # the day the payoff holds until counts only for an acceptance (the service ignores it otherwise)
        data, date_errors = _typed_dates(values, ANSWER_DATES if values["response"] == "accepted"
                                         else ANSWER_DATES[:1])
        if date_errors:
            return refuse(case_id, ValidationFailed(_("Please correct the marked fields."), {}), "answer", values,
                          date_errors)
        upload = request.files.get("scan")
        scan = (upload.filename or "", upload.read()) if upload and upload.filename else None
        try:
            creditor_answers.record_response(current_user, case_id, data, scan=scan)
        except (ValidationFailed, Conflict) as error:
            return refuse(case_id, error, "answer", values, {})
        flash(_("The creditor's answer was recorded."), "success")
        return redirect(url_for("debt.case", case_id=case_id, _anchor="after-approval"))

    @permission_required("record_creditor_answers")
    def record_payoff(case_id: int):
        debt_cases.get_case(current_user, case_id)
        values = {name: request.form.get(name, "").strip() for name in PAYOFF_FIELDS}
        data, date_errors = _typed_dates(values, PAYOFF_DATES)
        if date_errors:
            # the service would read a blank date as missing: say what is wrong with what was typed instead
            return refuse(case_id, ValidationFailed(_("Please correct the marked fields."), {}), "payoff", values,
                          date_errors)
        try:
            payoffs.record_payoff(current_user, case_id, data)
        except (ValidationFailed, Conflict) as error:
            return refuse(case_id, error, "payoff", values, {})
        flash(_("The payoff was recorded; the old debt is closed."), "success")
        return redirect(url_for("debt.case", case_id=case_id, _anchor="after-approval"))

    @permission_required("view_debt_cases")
    def answer_scan(case_id: int, response_id: int):
        row, chunks = creditor_answers.scan_of(current_user, case_id, response_id)
        kind = row.scan_key.rsplit(".", 1)[-1]
        return file_response(chunks, SCAN_TYPES.get(kind, "application/octet-stream"), row.scan_filename or "scan")

    return (("/<int:case_id>/creditor-answers", record_answer, ("POST",)),
            ("/<int:case_id>/payoffs", record_payoff, ("POST",)),
            ("/<int:case_id>/creditor-answers/<int:response_id>/scan", answer_scan, ("GET",)))
