from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app.domain import clock
from app.extensions import db
from app.models import OrgUnit, UnitKind
from app.services import home
from app.services.scope import get_scoped_or_404, units_in_scope
from app.web import paginate, safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    """Each role's work (issue 21 point 9): the counts and lists of services/home.py, with quick actions."""
    return render_template("main/index.html", home=home.home_of(current_user), today=clock.today())


@bp.route("/org-units")
@login_required
def org_units():
    kind = request.args.get("kind", "")
    text = request.args.get("q", "").strip()[:100]
    stmt = units_in_scope(current_user, (kind,) if kind in {k.value for k in UnitKind} else None)
    if text:
        pattern = f"%{text}%"
        stmt = stmt.where(or_(OrgUnit.name.ilike(pattern), OrgUnit.code.ilike(pattern),
                              OrgUnit.name_en.ilike(pattern)))
    page = paginate(stmt)
    return render_template("main/org_units.html", page=page, kind=kind, q=text,
                           kinds=[k.value for k in UnitKind])


@bp.route("/org-units/<int:unit_id>")
@login_required
def org_unit(unit_id: int):
    unit = get_scoped_or_404(OrgUnit, unit_id, current_user)
    children = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code)).all()
    return render_template("main/org_unit.html", unit=unit, children=children)


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in ("th", "en"):
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))
