"""Issue 21 point 8: the documents attached to a debt case (salary slip, creditors' statements, agreements), on the
case page (templates/debt/_attachments.html). Registered on the debt blueprint by app/debt/views.py
(routes(render_case)). Each view parses, calls one service (services/debt_attachments.py), renders."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.auth.forms import EmptyForm
from app.auth.session import permission_required
from app.extensions import db
from app.i18n import gettext as _
from app.rate_limits import upload_limit
from app.services import debt_attachments, debt_cases
from app.services.errors import Conflict, ValidationFailed
from app.web import file_response

def routes(render_case):
    """(rule, view, methods) for the debt blueprint; `render_case` re-renders the case page (app/debt/views.py)."""

    @permission_required("edit_debt_cases")
    @upload_limit
    def add_attachment(case_id: int):
        upload = request.files.get("file")
        values = {"kind": request.form.get("kind", ""), "debt_id": request.form.get("debt_id", "")}
        try:
            debt_attachments.add_attachment(current_user, case_id, values["kind"], values["debt_id"],
                                            upload.filename if upload else "", upload.read() if upload else b"")
        except (ValidationFailed, Conflict) as error:
            db.session.rollback()
            flash(error.message, "danger")
            status = 422 if isinstance(error, ValidationFailed) else 409
            return render_case(debt_cases.get_case(current_user, case_id), status=status,
                               attachment_form={"values": values, "errors": error.fields})
        flash(_("The document was attached."), "success")
        return redirect(url_for("debt.case", case_id=case_id, _anchor="attachments"))

    @permission_required("view_debt_cases")
    def attachment(case_id: int, attachment_id: int):
        row, chunks = debt_attachments.attachment_file(current_user, case_id, attachment_id)
        response = file_response(chunks, row.content_type, row.filename)
        response.headers["Cache-Control"] = "private, no-store"  # personal documents: no browser or proxy keeps one
        return response

    @permission_required("edit_debt_cases")
    def delete_attachment(case_id: int, attachment_id: int):
        if EmptyForm().validate_on_submit():
            try:
                debt_attachments.delete_attachment(current_user, case_id, attachment_id)
            except Conflict as error:
                db.session.rollback()
                flash(error.message, "danger")
            else:
                flash(_("The document was removed."), "success")
        return redirect(url_for("debt.case", case_id=case_id, _anchor="attachments"))

    return (("/<int:case_id>/attachments", add_attachment, ("POST",)),
            ("/<int:case_id>/attachments/<int:attachment_id>", attachment, ("GET",)),
            ("/<int:case_id>/attachments/<int:attachment_id>/delete", delete_attachment, ("POST",)))
