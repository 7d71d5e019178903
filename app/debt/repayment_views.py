"""Repayments on the web (issue 20; domain.md "After approval" 4–5): the case page's repayment section (bucket,
timeline, instalments, one repayment recorded by hand) and the monthly file upload with its report (row, column,
reason), a dry run first; a large file goes to the job engine and its page shows the report when it is done.
Registered on the debt blueprint by app/debt/views.py. Each view parses, calls one service, renders."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from app.auth.session import permission_required
from app.domain import clock
from app.domain.thai_text import typed_month_text
from app.exports import table_response, xlsx_workbook
from app.extensions import db
from app.i18n import gettext as _
from app.labels import BUCKET_LABELS, INSTALMENT_STATUS_LABELS
from app.models import BackgroundJob, CaseDelinquency
from app.rate_limits import upload_limit
from app.services import debt_cases, instalments, repayment_files, repayments
from app.services.errors import Conflict, ValidationFailed
from app.services.permissions import can
from app.services.scope import get_scoped_or_404
from app.web import typed_day

TIMELINE_MONTHS = 24   # the chart's window: the last two years of instalments up to three months ahead
AHEAD = 3
ONE_FIELDS = ("part", "amount", "paid_on", "reference", "month")
BADGES = {"current": "text-bg-success", "1-30": "text-bg-warning", "31-60": "text-bg-warning",
          "61-90": "text-bg-danger", "90+": "text-bg-danger"}


def section_context(case, form: dict | None = None, errors: dict | None = None) -> dict:
    """What templates/debt/_repayments.html shows: nothing before the case is active."""
    if case.status not in ("active", "closed"):
        return {"shown": False}
    today = clock.today()
    parts = instalments.parts_of(case)   # read once for everything below
    months = instalments.by_month(case, today, parts)
    now = today.replace(day=1)
    upcoming = [i for i, row in enumerate(months) if row.month > now]
    end = min(upcoming[AHEAD - 1] + 1 if len(upcoming) >= AHEAD else len(months), len(months))
    window = months[max(0, end - TIMELINE_MONTHS):end]
    return {"shown": True, "delinquency": instalments.delinquency_json(case, today, parts),
            "stored": db.session.get(CaseDelinquency, case.id), "history": instalments.history(case),
            "window": window, "peak": max((row.amount_due for row in window), default=0) or 1,
            "outstanding": instalments.outstanding(case, parts), "parts": list(parts),
            "bucket_labels": BUCKET_LABELS, "status_labels": INSTALMENT_STATUS_LABELS, "badges": BADGES,
            "can_record": case.status == "active" and can(current_user, "record_repayments"),
            "form": form or {"month": typed_month_text(today.year, today.month)}, "errors": errors or {}}


def routes(render_case):
    """The case page's repayment form, rendering the page through the debt views' render_case(…, repayments=…)."""

    @permission_required("record_repayments")
    def record_one(case_id: int):
        case = debt_cases.get_case(current_user, case_id)   # scope first: 404
        values = {name: request.form.get(name, "").strip() for name in ONE_FIELDS}
        errors = {}
        paid_on = typed_day(values["paid_on"]) if values["paid_on"] else None
        if values["paid_on"] and paid_on is None:
            errors["paid_on"] = _("Enter a valid date as dd/mm/yyyy (Buddhist Era), e.g. 25/11/2569.")
        try:
            month = repayments.parse_month(values["month"])
        except ValidationFailed as error:
            errors.update(error.fields)
            month = None
        outcome = None
        if not errors:
            line = {"citizen_id": case.person.citizen_id, "case_id": case.id, "part": values["part"] or None,
                    "amount": values["amount"], "paid_on": paid_on.isoformat() if paid_on else "",
                    "reference": values["reference"]}
            try:
                outcome = repayments.record(current_user, month, [line], source="form")
            except Conflict as error:
                errors["reference"] = error.message
        if outcome is not None and not outcome.unmatched and (outcome.matched or outcome.already_recorded):
            flash(_("The repayment was recorded.") if outcome.matched
                  else _("This repayment was already recorded."), "success")
            return redirect(url_for("debt.case", case_id=case_id, _anchor="repayments"))
        if outcome is not None:
            errors.update({u.field or "amount": u.reason for u in outcome.unmatched})
        flash(_("Please correct the marked fields."), "danger")
        case = debt_cases.get_case(current_user, case_id)
        return render_case(case, status=422, repayments={"form": values, "errors": errors})

    return (("/<int:case_id>/repayments", record_one, ("POST",)),)


# ---- the monthly file ------------------------------------------------------------------------------------------

@permission_required("record_repayments")
@upload_limit
def upload():
    """GET: the form. POST: a dry run or the import of the file, reported row by row; a large file as a job."""
    today = clock.today()
    form = {"month": typed_month_text(today.year, today.month), "dry_run": True, "accept_partial": False}
    if request.method == "GET":
        return render_template("debt/repayments_upload.html", form=form, errors={}, report=None)
    form = {"month": request.form.get("month", "").strip()[:20], "dry_run": request.form.get("dry_run") == "1",
            "accept_partial": request.form.get("accept_partial") == "1"}
    errors = {}
    file = request.files.get("file")
    content = file.read() if file and file.filename else b""
    if not content:
        errors["file"] = _("Choose a CSV or XLSX file.")
    try:
        month = repayments.parse_month(form["month"])
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        return render_template("debt/repayments_upload.html", form=form, errors=errors, report=None), 422
    try:
        if repayment_files.rows_in(content) > repayment_files.JOB_ROWS:
            job = repayment_files.submit(current_user, file.filename, content, month, dry_run=form["dry_run"],
                                         accept_partial=form["accept_partial"])
            return redirect(url_for("debt.repayment_job", job_id=job.id))
        outcome = repayment_files.import_content(current_user, file.filename, content, month,
                                                 dry_run=form["dry_run"], accept_partial=form["accept_partial"])
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        fields = getattr(error, "fields", None) or {"file": error.message}
        return render_template("debt/repayments_upload.html", form=form, errors=fields, report=None), 422
    return render_template("debt/repayments_upload.html", form=form, errors={},
                           report=repayment_files.report_of(outcome))


@permission_required("record_repayments")
def repayment_job(job_id: int):
    job = get_scoped_or_404(BackgroundJob, job_id, current_user, BackgroundJob.org_path)
    if job.kind != repayment_files.IMPORT_KIND or job.requested_by_id != current_user.id:
        raise NotFound()
    return render_template("debt/repayment_job.html", job=job, report=job.result if job.status == "done" else None)


@permission_required("record_repayments")
def repayment_template(fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    headers, rows = repayment_files.template()
    if fmt == "xlsx":
        return xlsx_workbook("krudesk-repayments-template", [(_("Repayments"), headers, rows)])
    return table_response("krudesk-repayments-template", headers, rows, "csv")


ROUTES = (("/repayments", upload, ("GET", "POST")),
          ("/repayments/jobs/<int:job_id>", repayment_job, ("GET",)),
          ("/repayments/template.<fmt>", repayment_template, ("GET",)))
