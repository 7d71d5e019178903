from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import EmptyForm, LoginForm
from app.services import auth as auth_service
from app.web import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        result = auth_service.sign_in(form.username.data, form.password.data, request.remote_addr)
        if result.throttled:
            form.form_errors.append(_(
                "Too many failed sign-ins. Please wait %(minutes)d minutes and try again.",
                minutes=result.wait_minutes))
            status = 429
        elif result.user is None:
            form.form_errors.append(_("The username or password is wrong."))
            status = 401
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on sign-in: no fixation
            if lang:
                session["lang"] = lang
            login_user(result.user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=result.user.full_name), "success")
            return redirect(safe_next(form.next.data, url_for("main.index")))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("main.index"))
    auth_service.record_sign_out(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
