"""The approver inbox (cases waiting for me, oldest first) and in-app notices."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from app.auth.forms import EmptyForm
from app.domain.clock import utcnow
from app.extensions import db
from app.models import Notification
from app.services import workflow
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
    stmt = (select(Notification).where(Notification.user_id == current_user.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc()))
    return render_template("approvals/notices.html", page=paginate(stmt), form=EmptyForm())


@bp.route("/notices/read", methods=["POST"])
@login_required
def mark_notices_read():
    if EmptyForm().validate_on_submit():
        db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                      Notification.read_at.is_(None)).values(read_at=utcnow()))
        db.session.commit()
    return redirect(url_for("approvals.notices"))
