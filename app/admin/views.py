"""Administrators' pages: users, org units, settings, rules, background jobs and backups. Each view parses the form,
calls one service function, and renders; scope and permission are enforced by the services and the decorator."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from app.admin.forms import OrgUnitForm, PasswordResetForm, UserCreateForm, UserEditForm
from app.auth.forms import EmptyForm
from app.auth.session import permission_required
from app.domain import clock
from app.domain.thai_text import format_be_date, parse_typed_date
from app.extensions import db
from app.i18n import current_language
from app.i18n import gettext as _
from app.jobs import rows as job_rows, schedule
from app.labels import JOB_KIND_LABELS, JOB_STATUS_LABELS
from app.models import EntitlementRule, OrgUnit, Role, UnitKind, User
from app.pdf import signing
from app.services import signing_keys
from app.services import (admin_jobs, auth as auth_service, org as org_service, relief_rules,
                          settings as settings_service, users as user_service)
from app.services.errors import Conflict, ValidationFailed
from app.services.scope import get_scoped_or_404, scoped, units_in_scope
from app.web import file_response, paginate, submit_form

bp = Blueprint("admin", __name__)


def _unit_choices(kinds=None):
    units = db.session.scalars(units_in_scope(current_user, kinds)).all()
    return [(u.id, f"{u.code} · {u.name}") for u in units]


# ---- users -------------------------------------------------------------------------------------

@bp.route("/users")
@permission_required("manage_users")
def users():
    stmt = scoped(select(User).join(User.org_unit), OrgUnit.path, current_user).order_by(User.username)
    text = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    if text:
        pattern = f"%{text}%"
        stmt = stmt.where(or_(User.username.ilike(pattern), User.full_name.ilike(pattern),
                              OrgUnit.name.ilike(pattern), OrgUnit.code.ilike(pattern)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    if state in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(state == "active"))
    page = paginate(stmt)
    return render_template("admin/users.html", page=page, q=text, role=role, state=state,
                           held_ids=auth_service.held_user_ids(page.items), action_form=EmptyForm())


def _user_input(form, **extra) -> user_service.UserInput:
    return user_service.UserInput(
        username=extra.get("username", ""), full_name=form.full_name.data or "", role=form.role.data or "",
        org_unit_id=form.org_unit_id.data, email=form.email.data or None, password=extra.get("password"),
        active=bool(form.active.data))


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("manage_users")
def user_new():
    form = UserCreateForm(unit_choices=_unit_choices())
    return submit_form(
        form, lambda: user_service.create_user(
            current_user, _user_input(form, username=form.username.data, password=form.password.data)),
        lambda user: (_("User %(username)s was created.", username=user.username), url_for("admin.users")),
        "admin/user_form.html", user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("manage_users")
def user_edit(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user, OrgUnit.path)
    form = UserEditForm(obj=user, unit_choices=_unit_choices())
    return submit_form(
        form, lambda: user_service.update_user(current_user, user.id, _user_input(form)),
        lambda saved: (_("The changes to %(username)s were saved.", username=saved.username), url_for("admin.users")),
        "admin/user_form.html", user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@permission_required("manage_users")
def user_password(user_id: int):
    user = get_scoped_or_404(User, user_id, current_user, OrgUnit.path)
    form = PasswordResetForm()
    return submit_form(
        form, lambda: user_service.reset_password(current_user, user.id, form.password.data),
        lambda saved: (_("A new password was set for %(username)s.", username=saved.username), url_for("admin.users")),
        "admin/user_password.html", user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required("manage_users")
def user_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@permission_required("manage_users")
def user_activate(user_id: int):
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@permission_required("manage_users")
def user_unlock(user_id: int):
    if EmptyForm().validate_on_submit():
        user = user_service.unlock(current_user, user_id)
        flash(_("%(username)s can sign in again.", username=user.username), "success")
    else:
        get_scoped_or_404(User, user_id, current_user, OrgUnit.path)
    return redirect(url_for("admin.users"))


def _set_active(user_id: int, active: bool):
    get_scoped_or_404(User, user_id, current_user, OrgUnit.path)
    if EmptyForm().validate_on_submit():
        try:
            user = user_service.set_active(current_user, user_id, active)
        except ValidationFailed as error:
            flash(error.message, "danger")
        else:
            flash(_("%(username)s is active again.", username=user.username) if active
                  else _("%(username)s can no longer sign in.", username=user.username), "success")
    return redirect(url_for("admin.users"))


# ---- org units ---------------------------------------------------------------------------------

CREATABLE_KINDS = (UnitKind.COOPERATIVE.value, UnitKind.AREA_OFFICE.value, UnitKind.PENSION_PAYER.value)
PARENT_KINDS = (UnitKind.MINISTRY.value, UnitKind.REGION.value, UnitKind.PROVINCE.value)


def _unit_input(form) -> org_service.UnitInput:
    upload = request.files.get(form.emblem.name)
    # read one byte past the limit: the service refuses what is larger without reading it all
    emblem = upload.stream.read(org_service.EMBLEM_MAX_BYTES + 1) if upload is not None and upload.filename else None
    return org_service.UnitInput(code=form.code.data or "", name=form.name.data or "",
                                 name_en=form.name_en.data, kind=form.kind.data or "",
                                 parent_id=form.parent_id.data, active=bool(form.active.data),
                                 letterhead={name: getattr(form, name).data for name in org_service.LETTERHEAD},
                                 emblem=emblem, remove_emblem=bool(form.remove_emblem.data))


@bp.route("/org-units/new", methods=["GET", "POST"])
@permission_required("manage_org_units")
def org_unit_new():
    form = OrgUnitForm(kinds=CREATABLE_KINDS, parent_choices=_unit_choices((UnitKind.PROVINCE.value,)))
    if request.method == "GET" and request.args.get("parent", "").isdecimal():
        form.parent_id.data = int(request.args["parent"])
    return submit_form(
        form, lambda: org_service.create_unit(current_user, _unit_input(form)),
        lambda unit: (_("Unit %(code)s was created.", code=unit.code), url_for("main.org_unit", unit_id=unit.id)),
        "admin/org_unit_form.html", unit=None)


@bp.route("/org-units/<int:unit_id>/edit", methods=["GET", "POST"])
@permission_required("manage_org_units")
def org_unit_edit(unit_id: int):
    unit = get_scoped_or_404(OrgUnit, unit_id, current_user)
    form = OrgUnitForm(obj=unit, kinds=(unit.kind,), parent_choices=_unit_choices(PARENT_KINDS))
    return submit_form(
        form, lambda: org_service.update_unit(current_user, unit.id, _unit_input(form)),
        lambda saved: (_("The changes to %(code)s were saved.", code=saved.code),
                       url_for("main.org_unit", unit_id=saved.id)),
        "admin/org_unit_form.html", unit=unit)


# ---- settings ------------------------------------------------------------------------------------

@bp.route("/settings")
@permission_required("manage_settings")
def settings():
    rows = [(key, definition, settings_service.value(key), settings_service.history(key)[:5])
            for key, definition in settings_service.DEFINITIONS.items()]
    return render_template("admin/settings.html", rows=rows, form=EmptyForm(), errors={}, typed={})


@bp.route("/settings/<key>", methods=["POST"])
@permission_required("manage_settings")
def setting_change(key: str):
    if key not in settings_service.DEFINITIONS:
        abort(404)
    typed = {"value": request.form.get("value", ""), "effective_from": request.form.get("effective_from", ""),
             "source": request.form.get("source", "")}
    errors = {}
    try:
        effective_from = parse_typed_date(typed["effective_from"]) if typed["effective_from"] else clock.today()
    except ValueError:
        errors["effective_from"] = _("Enter a valid date.")
    if not errors and EmptyForm().validate_on_submit():
        try:
            settings_service.set_value(current_user, key, typed["value"], effective_from, typed["source"][:300])
        except ValidationFailed as error:
            errors = error.fields
        else:
            flash(_("The setting was saved."), "success")
            return redirect(url_for("admin.settings"))
    rows = [(k, d, settings_service.value(k), settings_service.history(k)[:5])
            for k, d in settings_service.DEFINITIONS.items()]
    return render_template("admin/settings.html", rows=rows, form=EmptyForm(), errors={key: errors},
                           typed={key: typed}), 422


# ---- entitlement rules ---------------------------------------------------------------------------

def _rules_page(errors=None, typed=None, status=200):
    rows = db.session.scalars(select(EntitlementRule).order_by(EntitlementRule.code, EntitlementRule.effective_from)).all()
    return render_template("admin/rules.html", rules=rows, form=EmptyForm(), errors=errors or {}, typed=typed or {}), status


@bp.route("/rules")
@permission_required("manage_rules")
def rules():
    return _rules_page()


@bp.route("/rules/<int:rule_id>/version", methods=["POST"])
@permission_required("manage_rules")
def rule_version(rule_id: int):
    typed = {"amount": request.form.get("amount", ""), "rates": request.form.get("rates", ""),
             "effective_from": request.form.get("effective_from", ""), "source": request.form.get("source", "")}
    errors: dict[str, str] = {}
    try:
        start = parse_typed_date(typed["effective_from"])
    except ValueError:
        errors["effective_from"] = _("Enter a valid date.")
    rates = None
    if typed["rates"].strip():
        try:  # "primary=6000, higher=20000"
            rates = {k.strip(): v.strip() for k, v in (pair.split("=") for pair in typed["rates"].split(","))}
        except ValueError:
            errors["rates"] = _("Write rates as level=amount, separated by commas.")
    if not errors and EmptyForm().validate_on_submit():
        try:
            relief_rules.new_version(current_user, rule_id, amount=typed["amount"] or None, rates=rates,
                                     effective_from=start, source=typed["source"])
        except ValidationFailed as error:
            errors = error.fields
        else:
            flash(_("A new version of the rule was saved."), "success")
            return redirect(url_for("admin.rules"))
    return _rules_page({rule_id: errors}, {rule_id: typed}, 422)


# ---- background jobs and backups (issue 16) ----------------------------------------------------------------------

def _period(slot: str | None) -> str:
    """A scheduled run's period in the Buddhist Era: "1 ธันวาคม 2569" (a day), "ธันวาคม 2569" (a month)."""
    if not slot:
        return ""
    day = date.fromisoformat(slot if len(slot) == 10 else f"{slot}-01")
    text = format_be_date(day, "long", current_language())
    return text if len(slot) == 10 else text.split(" ", 1)[1]


def _megabytes(size) -> str:
    return f"{(size or 0) / (1024 * 1024):,.1f} MB"


@bp.route("/jobs")
@permission_required("manage_jobs")
def jobs():
    page = paginate(admin_jobs.jobs_query(current_user))
    return render_template(
        "admin/jobs.html", page=page, backups=admin_jobs.kept_backups(current_user), schedule=schedule.SCHEDULE,
        keep=current_app.config["BACKUP_KEEP"], form=EmptyForm(), kind_labels=JOB_KIND_LABELS,
        status_labels=JOB_STATUS_LABELS, period=_period, megabytes=_megabytes,
        waiting=lambda job: job_rows.unclaimed_for(job, job.status == "queued"))


@bp.route("/jobs/backup", methods=["POST"])
@permission_required("manage_jobs")
def backup_now():
    if EmptyForm().validate_on_submit():
        try:
            admin_jobs.request_backup(current_user)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash(_("The backup was queued. It is listed under “Backups kept” once it is done."), "success")
    return redirect(url_for("admin.jobs"))


@bp.route("/jobs/<int:job_id>/file")
@permission_required("manage_jobs")
def job_file(job_id: int):
    name, chunks = admin_jobs.backup_file(current_user, job_id)
    return file_response(chunks, "application/octet-stream", name)


# ---- signing certificates of the units that issue letters (issue 18) ----------------------------------------------

def _signing_units():
    return list(db.session.scalars(units_in_scope(current_user, signing_keys.ISSUING_KINDS)))


def _signing_page(errors=None, status=200, chosen=None):
    units = _signing_units()
    return render_template("admin/signing_keys.html", units=units, form=EmptyForm(), errors=errors or {},
                           chosen=chosen, keys=signing_keys.keys_by_unit([u.id for u in units])), status


@bp.route("/signing-keys")
@permission_required("manage_org_units")
def signing_keys_page():
    return _signing_page()


@bp.route("/signing-keys/<int:unit_id>", methods=["POST"])
@permission_required("manage_org_units")
def signing_key_upload(unit_id: int):
    """A unit's PKCS#12 and its password: checked, kept encrypted under the app's passphrase (the password is used
    once and forgotten), the unit's previous key retired (its letters still verify)."""
    get_scoped_or_404(OrgUnit, unit_id, current_user)
    upload = request.files.get("pkcs12")
    data = upload.stream.read(signing.MAX_PKCS12_BYTES + 1) if upload is not None and upload.filename else b""
    errors = {}
    if not data:
        errors = {"pkcs12": _("Choose the unit's PKCS#12 file (.p12 or .pfx).")}
    elif EmptyForm().validate_on_submit():
        try:
            row = signing_keys.upload(current_user, unit_id, data, request.form.get("password", ""))
        except ValidationFailed as error:
            db.session.rollback()
            errors = error.fields or {"pkcs12": error.message}
        else:
            flash(_("The signing certificate of %(unit)s was saved. Its letters are signed with it from now on.",
                    unit=row.org_unit.name), "success")
            return redirect(url_for("admin.signing_keys_page"))
    else:
        errors = {"pkcs12": _("The form expired. Please try again.")}
    return _signing_page({unit_id: errors}, 422, chosen=unit_id)
