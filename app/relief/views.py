"""Relief-case pages for provincial officers and approvers. Each view parses, calls one service, renders."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.session import permission_required
from app.domain import clock
from app.domain import relief_rules as rules_domain
from app.export_jobs import list_download
from app.exports import requested_format
from app.extensions import db
from app.i18n import gettext as _
from app.labels import (EMPLOYMENT_LABELS, FUNERAL_FUND_LABELS, HARM_LABELS, INCIDENT_KIND_LABELS, LEVEL_LABELS,
                        RELATIONSHIP_LABELS, SPLIT_LABELS, STATUS_LABELS)
from app.letters.panel import case_letters_context
from app.models import ReliefCaseStatus
from app.rate_limits import upload_limit
from app.relief.forms import apply_row_action, blank_payload, case_to_payload, error_name, form_to_payload
from app.services import relief, relief_evidence, relief_input, relief_payments, workflow
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.permissions import can
from app.web import file_response, paginate, typed_day

bp = Blueprint("relief", __name__)


@bp.route("/")
@permission_required("view_relief_cases")
def cases():
    args = {k: request.args.get(k, "").strip()[:100] for k in ("status", "harm", "province_code", "q")}
    filters = {"status": args["status"], "harm": args["harm"], "province_code": args["province_code"], "text": args["q"]}
    if requested_format():
        return list_download("relief-cases", filters)
    stmt = relief.search_cases(current_user, **filters)
    return render_template("relief/cases.html", page=paginate(stmt), args=args,
                           harms=rules_domain.HARMS,
                           statuses=[status.value for status in ReliefCaseStatus])


def _form(payload: dict, errors: dict, status: int = 200, case=None):
    return render_template("relief/case_form.html", payload=payload, case=case, errors={error_name(k): v for k, v in errors.items()},
                           harms=rules_domain.HARMS, employment_types=rules_domain.EMPLOYMENT_TYPES,
                           relationships=rules_domain.RELATIONSHIPS, levels=rules_domain.EDUCATION_LEVELS,
                           kinds=relief_input.INCIDENT_KINDS, methods=rules_domain.SPLIT_METHODS,
                           kind_labels=INCIDENT_KIND_LABELS, employment_labels=EMPLOYMENT_LABELS, harm_labels=HARM_LABELS,
                           relationship_labels=RELATIONSHIP_LABELS, level_labels={"": "—", **LEVEL_LABELS},
                           split_labels=SPLIT_LABELS, fund_labels=FUNERAL_FUND_LABELS), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required("edit_relief_cases")
def new_case():
    if request.method == "GET":
        payload = blank_payload()
        payload["incident"]["province_code"] = current_user.org_unit.province_code or ""
        return _form(payload, {})
    payload = form_to_payload(request.form)
    if apply_row_action(payload, request.form.get("action", "save")):
        return _form(payload, {})
    try:
        case = relief.create_case(current_user, relief_input.parse_relief(payload))
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _form(payload, error.fields, 422)
    flash(_("Case %(ref)s was saved.", ref=case.reference), "success")
    return redirect(url_for("relief.case", case_id=case.id))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@permission_required("edit_relief_cases")
def edit_case(case_id: int):
    case = relief.get_case(current_user, case_id)
    if request.method == "GET":
        if not case.editable:
            flash(_("Only a reported or returned case can be changed."), "warning")
            return redirect(url_for("relief.case", case_id=case.id))
        return _form(case_to_payload(case), {}, case=case)
    payload = form_to_payload(request.form)
    if apply_row_action(payload, request.form.get("action", "save")):
        return _form(payload, {}, case=case)
    try:
        relief.update_case(current_user, case.id, relief_input.parse_relief(payload), payload.get("version"))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _form(payload, getattr(error, "fields", {}), 409 if isinstance(error, Conflict) else 422,
                     case=relief.get_case(current_user, case_id))
    flash(_("Case %(ref)s was saved.", ref=case.reference), "success")
    return redirect(url_for("relief.case", case_id=case_id))


def _render(case, status=200, typed=None, errors=None):
    people = {b.person_id: b.person for b in case.beneficiaries}
    people[case.victim_id] = case.victim
    return render_template(
        "relief/case.html", case=case, people=people, missing=relief.missing_evidence(case),
        notes=[relief.note_message(n) for n in case.entitlement_notes or []], fund_labels=FUNERAL_FUND_LABELS,
        required=relief.REQUIRED_EVIDENCE[case.harm], evidence_kinds=relief_evidence.EVIDENCE_KINDS,
        history=workflow.history("relief", case.id), snapshot=workflow.latest_snapshot("relief", case.id),
        actions=[a for a in workflow.available_actions(current_user, case, "relief") if a != "pay"],
        paid={e.id: relief_payments.paid_total(e.id) for e in case.entitlements},
        checks={(e.id, i["person_id"], i["period"]): relief_payments.continuation_ok(e, i["person_id"], i["period"])
                for e in case.entitlements for i in e.schedule},
        open_year=relief.academic_year_of(clock.today()),
        can_edit=can(current_user, "edit_relief_cases"),
        can_pay=can(current_user, "record_relief_payments") and case.payable, typed=typed or {}, errors=errors or {}, today=clock.today(),
        **case_letters_context("relief", case)), status


@bp.route("/<int:case_id>")
@permission_required("view_relief_cases")
def case(case_id: int):
    return _render(relief.get_case(current_user, case_id))


def _refuse(case_id: int, error, typed: dict):
    db.session.rollback()
    flash(error.message or _("This action is not possible."), "danger")
    status = {ValidationFailed: 422, Conflict: 409, Forbidden: 403}.get(type(error), 400)
    return _render(relief.get_case(current_user, case_id), status, typed, getattr(error, "fields", {}))


@bp.route("/<int:case_id>/evidence", methods=["POST"])
@permission_required("edit_relief_cases")
@upload_limit
def add_evidence(case_id: int):
    upload = request.files.get("file")
    try:
        relief_evidence.add_evidence(current_user, case_id, request.form.get("kind", ""), upload.filename if upload else "",
                            upload.read() if upload else b"")
    except (ValidationFailed, Conflict) as error:
        return _refuse(case_id, error, {"kind": request.form.get("kind", "")})
    flash(_("The file was added."), "success")
    return redirect(url_for("relief.case", case_id=case_id, _anchor="evidence"))


@bp.route("/<int:case_id>/evidence/<int:evidence_id>")
@permission_required("view_relief_cases")
def evidence(case_id: int, evidence_id: int):
    row, chunks = relief_evidence.evidence_file(current_user, case_id, evidence_id)
    return file_response(chunks, row.content_type, row.filename)


@bp.route("/<int:case_id>/transitions", methods=["POST"])
@permission_required("view_relief_cases")
def transition(case_id: int):
    typed = {k: request.form.get(k, "") for k in ("action", "comment", "resolution_no", "version")}
    try:
        case = workflow.transition("relief", current_user, case_id, workflow.TransitionRequest(
            action=typed["action"], comment=typed["comment"], resolution_no=typed["resolution_no"],
            version=int(typed["version"]) if typed["version"].isdecimal() else None))
    except (ValidationFailed, Conflict, Forbidden) as error:
        return _refuse(case_id, error, typed)
    flash(_("Done: the case is now “%(status)s”.", status=STATUS_LABELS.get(case.status, case.status)), "success")
    return redirect(url_for("relief.case", case_id=case_id, _anchor="workflow"))


@bp.route("/<int:case_id>/payments", methods=["POST"])
@permission_required("record_relief_payments")
def pay(case_id: int):
    form = request.form
    typed = {k: form.get(k, "") for k in ("entitlement_id", "target", "amount", "paid_on", "reference")}
    target = typed["target"].split(":")  # "person_id" or "person_id:period"
    paid_on = typed_day(typed["paid_on"])  # typed dd/mm/BE; the service takes ISO, as the API sends it
    if typed["paid_on"].strip() and paid_on is None:
        return _refuse(case_id, ValidationFailed(_("Please correct the marked fields."),
                                                 {"paid_on": _("Enter a valid date.")}), typed)
    data = {"entitlement_id": int(typed["entitlement_id"]) if typed["entitlement_id"].isdecimal() else None,
            "amount": typed["amount"], "paid_on": paid_on.isoformat() if paid_on else "", "reference": typed["reference"],
            "person_id": int(target[0]) if target[0].isdecimal() else None,
            "period": target[1] if len(target) > 1 else None}
    try:
        relief_payments.record_payment(current_user, case_id, data)
    except (ValidationFailed, Conflict) as error:
        return _refuse(case_id, error, typed)
    flash(_("The payment was recorded."), "success")
    return redirect(url_for("relief.case", case_id=case_id, _anchor="payments"))


@bp.route("/<int:case_id>/continuations", methods=["POST"])
@permission_required("edit_relief_cases")
def continuation(case_id: int):
    form = request.form
    try:
        relief_payments.record_continuation(current_user, case_id, _number(form.get("entitlement_id")),
                                   _number(form.get("person_id")), form.get("period", ""),
                                   form.get("enrolled") == "y", form.get("note"))
    except ValidationFailed as error:
        return _refuse(case_id, error, {})
    flash(_("The proof of enrolment was recorded."), "success")
    return redirect(url_for("relief.case", case_id=case_id, _anchor="entitlements"))


def _number(value: str | None) -> int:
    return int(value) if value and value.isdecimal() and len(value) < 10 else 0


@bp.route("/checks-due")
@permission_required("view_relief_cases")
def checks_due():
    return render_template("relief/checks_due.html", due=relief_payments.checks_due(current_user),
                           period=relief.academic_year_of(clock.today()))
