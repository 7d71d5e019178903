"""Small helpers shared by the HTML blueprints."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, flash, redirect, render_template, request
from flask_wtf import FlaskForm

from app.extensions import db
from app.services.errors import ServiceError, ValidationFailed


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths may follow a sign-in or a language switch (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdecimal() and len(value) < 7 else 1


def paginate(stmt):
    return db.paginate(stmt, page=page_number(), per_page=current_app.config["LIST_PER_PAGE"],
                       error_out=False, count=True)


def apply_service_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's field errors beside the fields the user typed into (nothing typed is lost)."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
    if not error.fields and error.message:
        form.form_errors.append(error.message)


def submit_form(form: FlaskForm, save, success, template: str, **context):
    """The one shape of a form page: GET shows it; a valid POST calls the service; a service refusal
    shows its field errors beside what the user typed (422); success flashes and redirects.

    `save()` calls the service and returns what it saved; `success(saved)` gives (message, url)."""
    if form.validate_on_submit():
        try:
            saved = save()
        except ValidationFailed as error:
            db.session.rollback()
            apply_service_errors(form, error)
        else:
            message, url = success(saved)
            flash(message, "success")
            return redirect(url)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF shown in the browser, never cached on shared machines (letters hold personal data)."""
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})
