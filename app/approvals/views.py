"""The approver inbox (cases waiting for me, oldest first) and in-app notices."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from app.auth.forms import EmptyForm
from app.domain.clock import utcnow
from app.extensions import db
from app.services import notify, workflow
from app.web import paginate

bp = Blueprint("approvals", __name__)


@bp.route("/inbox")
@login_required
def inbox():
    debt, relief = workflow.inbox_query(current_user, "debt"), workflow.inbox_query(current_user, "relief")
    return render_template("approvals/inbox.html", page=paginate(debt) if debt is not None else None,
                           relief=db.session.scalars(relief.limit(200)).all() if relief is not None else None, now=utcnow())


@bp.route("/notices")
@login_required
def notices():
    return render_template("approvals/notices.html", page=paginate(notify.notices_of(current_user)), form=EmptyForm())


@bp.route("/notices/read", methods=["POST"])
@login_required
def mark_notices_read():
    if EmptyForm().validate_on_submit():
        notify.mark_all_read(current_user._get_current_object())
    return redirect(url_for("approvals.notices"))
