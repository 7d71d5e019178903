"""Creditors on file (issue 18): the list officers and administrators keep, adding a creditor, and the search the
debt form's creditor field uses. Registered on the debt blueprint by app/debt/views.py (/debt-cases/creditors…).
Each view parses, calls one service, renders."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import gettext as _
from app.labels import CREDITOR_SOURCE_LABELS, CREDITOR_TYPE_LABELS
from app.models.debt import CREDITOR_TYPES
from app.services import creditors
from app.services.errors import ValidationFailed

FORM_FIELDS = ("name", "creditor_type", "branch", "address", "addressee", "org_unit_code")
SEARCH_LIMIT = 20


@login_required
def creditors_list():
    q = request.args.get("q", "").strip()[:100]
    creditor_type = request.args.get("creditor_type", "")
    creditor_type = creditor_type if creditor_type in CREDITOR_TYPES else ""
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) < 6 else 1
    listed = db.paginate(creditors.search(current_user, q, creditor_type, include_inactive=True),
                         page=max(page, 1), per_page=50, error_out=False)
    return render_template("debt/creditors.html", listed=listed, q=q, creditor_type=creditor_type,
                           creditor_types=CREDITOR_TYPES, type_labels=CREDITOR_TYPE_LABELS,
                           source_labels=CREDITOR_SOURCE_LABELS, may_edit=creditors.may_edit(current_user),
                           addressee_line=creditors.addressee_line)


def _form(values: dict, errors: dict, status: int = 200):
    return render_template("debt/creditor_form.html", values=values, errors=errors, type_choices=("",) + CREDITOR_TYPES,
                           type_labels={"": _("Choose…"), **CREDITOR_TYPE_LABELS}), status


@login_required
def creditor_new():
    if not creditors.may_edit(current_user):
        abort(403)
    if request.method == "GET":
        return _form({"addressee": creditors.DEFAULT_ADDRESSEE}, {})
    values = {name: request.form.get(name, "") for name in FORM_FIELDS}
    try:
        creditor = creditors.create(current_user, creditors.parse(values))
    except ValidationFailed as error:
        flash(error.message, "danger")
        return _form(values, error.fields, 422)  # what was typed stays
    flash(_("%(name)s is now a creditor on file.", name=creditor.name), "success")
    return redirect(url_for("debt.creditors_list", q=creditor.name))


@login_required
def creditor_search():
    """Options for the debt form's creditor field (static/js/creditor_picker.js): the first matches by name."""
    q = request.args.get("q", "").strip()[:100]
    creditor_type = request.args.get("creditor_type", "")
    stmt = creditors.search(current_user, q, creditor_type if creditor_type in CREDITOR_TYPES else "")
    return jsonify({"items": [{"id": c.id, "value": c.display_name, "creditor_type": c.creditor_type,
                               "type_label": str(CREDITOR_TYPE_LABELS.get(c.creditor_type, c.creditor_type))}
                              for c in db.session.scalars(stmt.limit(SEARCH_LIMIT))]})


ROUTES = (("/creditors", creditors_list, ("GET",)), ("/creditors/new", creditor_new, ("GET", "POST")),
          ("/creditors/search", creditor_search, ("GET",)))
