import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import EmptyForm, LoginForm
from app.i18n import gettext as _
from app.services import auth as auth_service
from app.services import sessions
from app.web import safe_next

bp = Blueprint("auth", __name__)


def _fresh_session() -> None:
    """An empty session that keeps only the interface language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _signed_out(message: str):
    """This browser forgets the user (the server has already ended the session) and goes to the sign-in page."""
    logout_user()
    _fresh_session()
    flash(message, "info")
    return redirect(url_for("auth.login"))


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
        elif result.locked:
            form.form_errors.append(_("This account is locked after repeated failed sign-ins. "
                                      "Ask an administrator to unlock it."))
            status = 403
        elif result.user is None:
            form.form_errors.append(_("The username or password is wrong."))
            status = 401
        else:
            _fresh_session()  # a fresh session on sign-in: no fixation
            sessions.start(result.user, request.remote_addr, request.user_agent.string)
            login_user(result.user)
            session.permanent = True
            session["signed_in_at"] = session["seen_at"] = int(time.time())
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
    sessions.sign_out(current_user._get_current_object())  # dead on the server, not only in this browser
    return _signed_out(_("You have signed out."))


# The idle clock moves in steps, so that most requests leave the session cookie as it is and it need not be signed
# and sent again (with SESSION_REFRESH_EACH_REQUEST off): a 30-minute idle limit is kept to within these seconds.
SEEN_AT_STEP = 30


@bp.before_app_request
def end_stale_sessions():
    """Sign out a browser session idle for SESSION_IDLE_TIMEOUT, or older than PERMANENT_SESSION_LIFETIME
    (issue 8). The API uses bearer tokens with their own expiry and is not affected."""
    if request.blueprint == "api" or request.endpoint == "static" or not current_user.is_authenticated:
        return None  # static files and the API first: neither needs the user looked up
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - session.get("seen_at", now) > idle or now - session.get("signed_in_at", now) > lifetime:
        logout_user()  # the server refuses the session past its lifetime too (services/sessions.resolve)
        _fresh_session()
        flash(_("You were signed out after a period without activity. Please sign in again."), "info")
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))
    if now - session.get("seen_at", 0) >= SEEN_AT_STEP:
        session["seen_at"] = now
    return None



@bp.route("/account/sessions")
@login_required
def account_sessions():
    """Where the user is signed in, and the way to end all of it."""
    return render_template("auth/sessions.html", sessions=sessions.live_sessions(current_user),
                           current_hash=sessions.digest(current_user.session_token), form=EmptyForm())


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.account_sessions"))
    ended = sessions.sign_out_everywhere(current_user._get_current_object())
    return _signed_out(_("Signed out on every device (%(count)d sessions). API tokens were revoked too.", count=ended))
