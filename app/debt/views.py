"""Debt-case pages for cooperative officers and reviewers. Each view parses, calls one service, renders."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.forms import EmptyForm
from app.auth.session import permission_required
from app.debt import after_approval_views, attachment_views, creditor_views, deduction_views, repayment_views
from app.i18n import gettext as _
from app.letters.panel import case_letters_context
from app.debt.forms import (
    TITLES, apply_row_action, blank_payload, case_to_payload, error_name, form_to_payload, is_row_action,
)
from app.domain.affordability import RISK_GROUPS, debt_weights
from app.domain.money import LEGAL_RATE_LIMIT
from app.domain.plan_reading import DebtTerms, interest_change, interest_not_covered, pro_rata_shares
from app.extensions import db
from app.labels import CREDITOR_TYPE_LABELS, DEDUCTION_LABELS, LEGAL_STATUS_LABELS, STATUS_LABELS
from app.models import UnitKind
from app.models.debt import CREDITOR_TYPES, DEDUCTION_KINDS, LEGAL_STATUSES, DebtCaseStatus
from app.services import case_figures, creditors, debt_cases, debt_plans, workflow
from app.services import settings as settings_service
from app.services.debt_input import parse_case
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.permissions import can
from app.services.plan_json import changed_settings
from app.services.plan_schedules import first_due, frozen_plans
from app.services.plan_settings import plan_settings
from app.services.deduction_lines import add_months
from app.services.scope import units_in_scope
from app.models.repayments import BUCKETS
from app.export_jobs import list_download
from app.exports import table_response
from app.web import keyset_paginate, typed_day

bp = Blueprint("debt", __name__)

LIST_FILTERS = ("status", "risk_group", "cooperative_code", "province_code", "q", "sort", "unit", "below_floor",
                "bucket")


@bp.route("/")
@permission_required("view_debt_cases")
def cases():
    args = {name: request.args.get(name, "").strip()[:100] for name in LIST_FILTERS}
    filters = {"status": args["status"], "risk_group": args["risk_group"], "cooperative_code": args["cooperative_code"],
               "province_code": args["province_code"], "text": args["q"], "unit_code": args["unit"],
               "below_floor": args["below_floor"], "bucket": args["bucket"] if args["bucket"] in BUCKETS else ""}
    sort = args["sort"] or "newest"
    if request.args.get("format"):
        return list_download("debt-cases", {**filters, "sort": sort})
    stmt = debt_cases.search_cases(current_user, sort=sort, **filters)
    total = debt_cases.count_cases(current_user, listed=stmt, **filters)
    page = keyset_paginate(stmt, debt_cases.sort_of(sort), total)
    cooperatives = db.session.scalars(units_in_scope(current_user, (UnitKind.COOPERATIVE.value,))).all()
    provinces = db.session.scalars(units_in_scope(current_user, (UnitKind.PROVINCE.value,))).all()
    return render_template("debt/cases.html", page=page, args=args, statuses=[s.value for s in DebtCaseStatus],
                           risk_groups=RISK_GROUPS, cooperatives=cooperatives, provinces=provinces, buckets=BUCKETS)


def _form_context(payload: dict, errors: dict, case=None) -> dict:
    cooperatives = db.session.scalars(units_in_scope(current_user, (UnitKind.COOPERATIVE.value,))).all()
    return {"payload": payload, "errors": {error_name(k): v for k, v in errors.items()}, "case": case,
            "paying_units": debt_cases.paying_unit_choices([case.cooperative] if case else cooperatives),
            "titles": TITLES, "deduction_kinds": DEDUCTION_KINDS, "creditor_types": CREDITOR_TYPES,
            "legal_statuses": LEGAL_STATUSES, "cooperatives": cooperatives,
            "deduction_labels": DEDUCTION_LABELS, "creditor_labels": CREDITOR_TYPE_LABELS,
            "legal_labels": LEGAL_STATUS_LABELS,
            # Issue 18: the creditors on file offered by the creditor field (more are found as one types).
            "creditor_choices": creditors.form_choices()}


def _save(case_id: int | None):
    """Shared by new and edit: row actions re-render, save validates through the API's parser."""
    action = request.form.get("action", "save")
    payload = form_to_payload(request.form, keep_blank=is_row_action(action))
    case = debt_cases.get_case(current_user, case_id) if case_id else None
    if apply_row_action(payload, action):
        # Issue 21 point 8: the page comes back at the row just added (the button's formaction carries its anchor;
        # the new row's first field takes the focus).
        focus = {"add_debt": "debts", "add_deduction": "deductions"}.get(action)
        return render_template("debt/case_form.html", **_form_context(payload, {}, case), focus=focus)
    try:
        data = parse_case(payload, partial=case is not None)
        saved = (debt_cases.update_case(current_user, case.id, data) if case
                 else debt_cases.create_case(current_user, data))
    except ValidationFailed as error:
        flash(error.message, "danger")
        return render_template("debt/case_form.html", **_form_context(payload, error.fields, case)), 422
    except Conflict as error:
        flash(error.message, "danger")
        return render_template("debt/case_form.html", **_form_context(payload, {}, case)), 409
    flash(_("Case %(ref)s was saved.", ref=saved.reference), "success")
    return redirect(url_for("debt.case", case_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@permission_required("edit_debt_cases")
def new_case():
    if request.method == "POST":
        return _save(None)
    return render_template("debt/case_form.html", **_form_context(blank_payload(), {}))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@permission_required("edit_debt_cases")
def edit_case(case_id: int):
    if request.method == "POST":
        return _save(case_id)
    case = debt_cases.get_case(current_user, case_id)
    if not case.editable:
        flash(_("Only a draft or returned case can be changed."), "warning")
        return redirect(url_for("debt.case", case_id=case.id))
    return render_template("debt/case_form.html", **_form_context(case_to_payload(case), {}, case))


def _plan_form_defaults(case) -> dict:
    return {"label": "", "consolidate": [], "annual_rate": "", "term_months": "", "method": "annuity",
            "reschedule_debt": "", "reschedule_rate": "", "reschedule_term": "", "reschedule_method": "annuity",
            "pro_rata": []}


def _plans_context(case) -> dict:
    """Each plan as it was worked out (the approved one from the snapshot), and, on a draft, the settings changed
    since some plan was worked out (issue 17: the page says so and offers to work them out again)."""
    frozen = frozen_plans(case)
    today = plan_settings()
    changed = sorted({key for plan in frozen.values() if not plan.from_snapshot
                      for key in changed_settings(plan.settings, today)}) if case.editable else []
    terms = {d.id: DebtTerms(d.outstanding, d.annual_rate, d.remaining_months) for d in case.debts}
    return {"plan_bodies": {plan_id: plan.body for plan_id, plan in frozen.items()},
            # Issue 21 point 4: interest that rises said as such, with its cause; shares below the interest named.
            "plan_readings": {plan_id: {"interest": interest_change(plan.body, terms),
                                        "pro_rata": pro_rata_shares(plan.body, terms)}
                              for plan_id, plan in frozen.items()},
            "settings_changed": [settings_service.DEFINITIONS[key].label for key in changed]}


def _render_case(case, plan_form=None, plan_errors=None, suggestion=None, status=200, transition_form=None,
                 after_approval=None, repayments=None, attachment_form=None):
    affordability = case_figures.affordability_of(case)
    weights = debt_weights({d.id: d.monthly_payment for d in case.debts})
    debts_by_id = {d.id: d for d in case.debts}
    return render_template(
        "debt/case.html", case=case, a=affordability, debts_by_id=debts_by_id,
        debt_numbers=debt_cases.debt_numbers(case), weights=[(debts_by_id[k], share) for k, share in weights],
        above_legal={d.id for _i, d in debt_cases.above_legal_rate_debts(case)}, legal_rate=LEGAL_RATE_LIMIT,
        interest_not_covered={d.id: interest for d in case.debts
                              if (interest := interest_not_covered(d.outstanding, d.annual_rate, d.monthly_payment))},
        settings=case_figures.settings_for(case), **_plans_context(case),
        plan_form=plan_form or _plan_form_defaults(case), plan_errors=plan_errors or {},
        suggestion=suggestion, action_form=EmptyForm(),
        history=workflow.history("debt", case.id), snapshot=workflow.latest_snapshot("debt", case.id),
        actions=workflow.available_actions(current_user, case), transition_form=transition_form or {},
        can_plan=can(current_user, "build_debt_plans") and case.editable,
        can_edit=can(current_user, "edit_debt_cases") and case.editable,
        # Issue 19: the debts the approved plan touches, their answers and payoffs, activation, versions.
        aa=after_approval_views.section_context(case, **(after_approval or {})),
        # Issue 20: repayments, arrears and the timeline of an active or closed case.
        rp=repayment_views.section_context(case, **(repayments or {})),
        # Issue 21 point 8: a refused upload's choices and field messages (app/debt/attachment_views.py).
        attachment_form=attachment_form or {},
        **case_letters_context("debt", case)), status


@bp.route("/<int:case_id>")
@permission_required("view_debt_cases")
def case(case_id: int):
    return _render_case(debt_cases.get_case(current_user, case_id))


def _plan_payload(form) -> dict:
    payload: dict = {"label": form.get("label", "")}
    chosen = [int(v) for v in form.getlist("consolidate") if v.isdecimal()]
    if chosen:
        payload["consolidate"] = {"debt_ids": chosen, "annual_rate": form.get("annual_rate", ""),
                                  "term_months": _int_or_raw(form.get("term_months", "")),
                                  "method": form.get("method", "annuity")}
    if form.get("reschedule_debt", "").isdecimal():
        payload["reschedule"] = [{"debt_id": int(form["reschedule_debt"]),
                                  "annual_rate": form.get("reschedule_rate", ""),
                                  "term_months": _int_or_raw(form.get("reschedule_term", "")),
                                  "method": form.get("reschedule_method", "annuity")}]
    pro_rata = [int(v) for v in form.getlist("pro_rata") if v.isdecimal()]
    if pro_rata:
        payload["pro_rata"] = {"debt_ids": pro_rata}
    return payload


def _int_or_raw(value: str):
    return int(value) if value.strip().isdecimal() else value


def _plan_form_echo(form) -> dict:
    echo = _plan_form_defaults(None)
    for key in echo:
        echo[key] = form.getlist(key) if key in ("consolidate", "pro_rata") else form.get(key, echo[key])
    return echo


@bp.route("/<int:case_id>/plans", methods=["POST"])
@permission_required("build_debt_plans")
def create_plan(case_id: int):
    case = debt_cases.get_case(current_user, case_id)
    try:
        plan = debt_plans.create_plan(current_user, case.id, _plan_payload(request.form))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        flash(error.message, "danger")
        case = debt_cases.get_case(current_user, case_id)
        return _render_case(case, _plan_form_echo(request.form), getattr(error, "fields", {}), status=422)
    flash(_("Plan “%(label)s” was added.", label=plan.label), "success")
    return redirect(url_for("debt.case", case_id=case.id, _anchor="plans"))


@bp.route("/<int:case_id>/plans/suggest", methods=["POST"])
@permission_required("view_debt_cases")
def suggest(case_id: int):
    case = debt_cases.get_case(current_user, case_id)
    payload = {"consolidate_debt_ids": [int(v) for v in request.form.getlist("consolidate") if v.isdecimal()],
               "annual_rate": request.form.get("annual_rate", ""), "method": request.form.get("method", "annuity")}
    echo = _plan_form_echo(request.form)
    try:
        suggestion = debt_plans.suggest(current_user, case.id, payload)
    except ValidationFailed as error:
        fields = {("consolidate" if k == "consolidate_debt_ids" else f"consolidate.{k}"): v
                  for k, v in error.fields.items()}
        return _render_case(case, echo, fields, status=422)
    if suggestion["feasible"]:
        echo["term_months"] = str(suggestion["term_months"])
    return _render_case(case, echo, suggestion=suggestion)


@bp.route("/<int:case_id>/plans/<int:plan_id>/choose", methods=["POST"])
@permission_required("build_debt_plans")
def choose_plan(case_id: int, plan_id: int):
    if EmptyForm().validate_on_submit():
        version = request.form.get("version", "")
        try:
            debt_plans.choose_plan(current_user, case_id, plan_id, int(version) if version.isdecimal() else None)
        except (Conflict, ValidationFailed) as error:
            flash(error.message, "danger")
        else:
            flash(_("The plan was chosen for this case."), "success")
    return redirect(url_for("debt.case", case_id=case_id, _anchor="plans"))


@bp.route("/<int:case_id>/plans/recompute", methods=["POST"])
@permission_required("build_debt_plans")
def recompute_plans(case_id: int):
    if EmptyForm().validate_on_submit():
        try:
            debt_plans.work_out_again(current_user, case_id)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash(_("Every plan was worked out again under today's settings."), "success")
    return redirect(url_for("debt.case", case_id=case_id, _anchor="plans"))


@bp.route("/<int:case_id>/plans/<int:plan_id>/delete", methods=["POST"])
@permission_required("build_debt_plans")
def delete_plan(case_id: int, plan_id: int):
    if EmptyForm().validate_on_submit():
        try:
            debt_plans.delete_plan(current_user, case_id, plan_id)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash(_("The plan was deleted."), "success")
    return redirect(url_for("debt.case", case_id=case_id, _anchor="plans"))


# ---- schedules -----------------------------------------------------------------------------------

SCHEDULE_HEADERS = ("n", "payment", "interest", "principal", "balance")


def _schedule(case_id: int, plan_id: int):
    part = request.args.get("part", "new_loan")
    return part, debt_plans.schedule_for(current_user, case_id, plan_id, part)


@bp.route("/<int:case_id>/plans/<int:plan_id>/schedule")
@permission_required("view_debt_cases")
def schedule(case_id: int, plan_id: int):
    case = debt_cases.get_case(current_user, case_id)
    part, sched = _schedule(case_id, plan_id)
    plan = case_figures.plan_for(case, plan_id)
    start, basis = first_due(case)
    numbers = {d.id: n for n, d in enumerate(case.debts, start=1)}
    debt = next((d for d in case.debts if str(d.id) == part), None)
    return render_template("debt/schedule.html", case=case, plan=plan, part=part, schedule=sched,
                           creditor_of_part=_("Debt %(n)d", n=numbers[debt.id]) + f" ({debt.creditor_name})" if debt else part,
                           due_months=[add_months(start, i.n - 1) for i in sched.instalments], due_basis=basis)


def _schedule_rows(sched):
    for i in sched.instalments:
        yield [i.n, i.payment, i.interest, i.principal, i.balance]


def _thai_headers():
    return [_("Instalment"), _("Payment"), _("Interest"), _("Principal"), _("Balance")]


@bp.route("/<int:case_id>/plans/<int:plan_id>/schedule.csv")
@permission_required("view_debt_cases")
def schedule_csv(case_id: int, plan_id: int):
    return _schedule_download(case_id, plan_id, "csv")


@bp.route("/<int:case_id>/plans/<int:plan_id>/schedule.xlsx")
@permission_required("view_debt_cases")
def schedule_xlsx(case_id: int, plan_id: int):
    return _schedule_download(case_id, plan_id, "xlsx")


def _schedule_download(case_id: int, plan_id: int, fmt: str):
    part, sched = _schedule(case_id, plan_id)
    return table_response(f"schedule-{case_id}-{plan_id}-{part}", _thai_headers(), _schedule_rows(sched), fmt)


@bp.route("/<int:case_id>/transitions", methods=["POST"])
@permission_required("view_debt_cases")
def transition(case_id: int):
    """Submit, approve, return, reject, activate, revise, close: what the engine allows is decided there."""
    case = debt_cases.get_case(current_user, case_id)
    form = request.form
    typed = {name: form.get(name, "").strip() if name != "comment" else form.get(name, "")
             for name in ("action", "comment", "version", "agreement_signed_on", "first_due_month")}
    # Activation (issue 19): the agreement's day typed dd/mm/BE (the service takes ISO, as the API sends it), the
    # first month payroll deducts typed mm/BE-year (the service reads it as typed).
    signed = typed_day(typed["agreement_signed_on"])
    try:
        if typed["agreement_signed_on"] and signed is None:
            raise ValidationFailed(_("Please correct the marked fields."), {
                "agreement_signed_on": _("Enter a valid date as dd/mm/yyyy (Buddhist Era), e.g. 25/11/2569.")})
        if typed["action"] == "revise" and form.get("confirm") != "y":
            raise ValidationFailed(_("Please correct the marked fields."), {
                "confirm": _("Tick the box to confirm: the creditors' answers of this version no longer count.")})
        workflow.transition_debt_case(current_user, case.id, workflow.TransitionRequest(
            action=typed["action"], comment=typed["comment"],
            version=int(typed["version"]) if typed["version"].isdecimal() else None,
            agreement_signed_on=signed.isoformat() if signed else None,
            first_due_month=typed["first_due_month"] or None))
    except (ValidationFailed, Conflict, Forbidden) as error:
        db.session.rollback()
        flash(error.message or _("This action is not possible."), "danger")
        status = {ValidationFailed: 422, Conflict: 409, Forbidden: 403}[type(error)]
        form_name = typed["action"] if typed["action"] in ("activate", "revise") else "transition"
        return _render_case(debt_cases.get_case(current_user, case_id), status=status, transition_form=typed,
                            after_approval={"forms": {form_name: typed},
                                            "errors": {form_name: getattr(error, "fields", {}) or {},
                                                       "refused": error.message}})
    flash(_("Done: the case is now “%(status)s”.", status=STATUS_LABELS.get(case.status, case.status)), "success")
    anchor = "after-approval" if typed["action"] in ("activate", "revise") else "workflow"
    return redirect(url_for("debt.case", case_id=case.id, _anchor=anchor))


# Issue 18: the creditors pages (app/debt/creditor_views.py) live under /debt-cases/creditors on this blueprint.
for _rule, _view, _methods in creditor_views.ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
# Issue 19: creditor answers, payoffs and answer scans (app/debt/after_approval_views.py), rendering this page.
for _rule, _view, _methods in after_approval_views.routes(_render_case):
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)

# Issue 20: one repayment from the case page, and the monthly repayment file (app/debt/repayment_views.py).
for _rule, _view, _methods in (*repayment_views.routes(_render_case), *repayment_views.ROUTES):
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)

# Issue 19: the monthly deduction list (app/debt/deduction_views.py) at /debt-cases/deductions.
for _rule, _view, _methods in deduction_views.ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)

# Issue 21 point 8: attachments of a debt case (app/debt/attachment_views.py), shown on the case page.
for _rule, _view, _methods in attachment_views.routes(_render_case):
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
