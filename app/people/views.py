"""The person registry: search by citizen ID or name; full IDs only on the person's own page."""
from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, select

from app.auth.session import permission_required
from app.domain.thai_id import normalise_citizen_id
from app.extensions import db
from app.models import DebtCase, Person
from app.services import audit
from app.services.errors import NotFound
from app.services.scope import scoped
from app.exports import MAX_EXPORT_ROWS, citizen_id_for_export, requested_format, table_response
from app.web import paginate

bp = Blueprint("people", __name__)


def _people_in_scope():
    """People with at least one case in the user's scope (a person has no org of their own)."""
    in_scope = scoped(select(DebtCase.id).where(DebtCase.person_id == Person.id), DebtCase.org_path, current_user)
    return select(Person).where(exists(in_scope))


@bp.route("/")
@permission_required("view_people")
def people():
    text = " ".join(request.args.get("q", "").split())[:100]
    stmt = _people_in_scope()
    if text:
        digits = normalise_citizen_id(text)
        if digits.isdigit():
            stmt = stmt.where(Person.citizen_id.startswith(digits, autoescape=True))
        else:
            stmt = stmt.where(Person.first_name.startswith(text, autoescape=True)
                              | Person.last_name.startswith(text, autoescape=True)
                              | (Person.first_name + " " + Person.last_name).startswith(text, autoescape=True))
    stmt = stmt.order_by(Person.first_name, Person.last_name, Person.id)
    if requested_format():
        return table_response("people", [_("Name"), _("Citizen ID"), _("Position"), _("School or office")],
                              ([p.full_name, citizen_id_for_export(p.citizen_id), p.position, p.workplace]
                               for p in db.session.scalars(stmt.limit(MAX_EXPORT_ROWS))), requested_format())
    return render_template("people/people.html", page=paginate(stmt), q=text)


@bp.route("/<int:person_id>")
@permission_required("view_people")
def person(person_id: int):
    person = db.session.scalar(_people_in_scope().where(Person.id == person_id))
    if person is None:
        raise NotFound()
    cases = db.session.scalars(scoped(select(DebtCase).where(DebtCase.person_id == person.id),
                                      DebtCase.org_path, current_user).order_by(DebtCase.id)).all()
    # PDPA (domain.md, Privacy): a log of who viewed whose record; this page shows the full citizen ID.
    audit.record("person.view", actor=current_user, object_type="person", object_id=person.id,
                 org_path=current_user.scope_path)
    db.session.commit()
    return render_template("people/person.html", person=person, cases=cases)


@bp.route("/<int:person_id>/export.json")
@permission_required("manage_users")
def person_export(person_id: int):
    """PDPA: everything held about one person, for an administrator answering a data-subject request."""
    from app.services.person_export import export_person

    body = export_person(current_user, person_id)
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
