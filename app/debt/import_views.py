"""Spreadsheet import pages: template downloads, upload → dry-run report → import (all or nothing)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.session import permission_required
from app.debt.views import bp
from app.exports import table_response, xlsx_workbook
from app.extensions import db
from app.i18n import gettext as _
from app.models import UnitKind
from app.rate_limits import upload_limit
from app.services import debt_import, debt_import_sheet
from app.services.errors import ValidationFailed
from app.services.scope import units_in_scope
from app.web import paginate


@bp.route("/import", methods=["GET", "POST"])
@permission_required("edit_debt_cases")
@upload_limit
def import_upload():
    errors = {}
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            job = debt_import.upload(current_user, request.form.get("cooperative_code") or None,
                                     upload.filename if upload else "", upload.read() if upload else b"")
        except ValidationFailed as error:
            db.session.rollback()
            errors = error.fields or {"file": error.message}
        else:
            return redirect(url_for("debt.import_job", job_id=job.id))
    cooperatives = db.session.scalars(units_in_scope(current_user, (UnitKind.COOPERATIVE.value,))).all()
    return render_template("debt/import.html", errors=errors, cooperatives=cooperatives,
                           codes=debt_import_sheet.code_labels(), column_label=debt_import_sheet.column_label,
                           page=paginate(debt_import.jobs_query(current_user))), 422 if errors else 200


@bp.route("/import/template.<fmt>")
@permission_required("edit_debt_cases")
def import_template(fmt: str):
    headers, rows = debt_import_sheet.template()
    if fmt == "xlsx":  # amounts as numbers; the codes with their Thai meanings on the second sheet (issue 21)
        return xlsx_workbook("krudesk-import-template", [
            ("ครูและหนี้", headers, debt_import_sheet.template_sheet_rows()),
            ("รหัสที่ใช้", debt_import_sheet.CODES_HEADERS, debt_import_sheet.codes_help())])
    return table_response("krudesk-import-template", headers, rows, fmt)


@bp.route("/import/<int:job_id>")
@permission_required("edit_debt_cases")
def import_job(job_id: int):
    job = debt_import.get(current_user, job_id)
    if request.args.get("format") in ("csv", "xlsx"):  # the error report, to fix the file beside it
        return table_response(f"import-{job.id}-errors", [_("Row"), _("Column"), _("Problem")],
                              [[e["row"], e["column"], e["message"]] for e in job.errors], request.args["format"])
    return render_template("debt/import_job.html", job=job, waiting=debt_import.waiting_for_a_worker(job))


@bp.route("/import/<int:job_id>/commit", methods=["POST"])
@permission_required("edit_debt_cases")
def import_commit(job_id: int):
    try:
        job = debt_import.start_import(current_user, job_id)
    except ValidationFailed as error:
        flash(error.message, "danger")
        return redirect(url_for("debt.import_job", job_id=job_id))
    return redirect(url_for("debt.import_job", job_id=job.id))

