"""The person registry: search by citizen ID or name; full IDs only on the person's own page."""
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from app.auth.session import permission_required
from app.services import guarantors
from app.services import people as people_service
from app.services.person_export import export_person
from app.export_jobs import list_download
from app.exports import requested_format
from app.web import paginate

bp = Blueprint("people", __name__)


@bp.route("/")
@permission_required("view_people")
def people():
    text = people_service.search_text(request.args.get("q"))
    if requested_format():
        return list_download("people", {"text": text})
    stmt = people_service.search(current_user, text)
    return render_template("people/people.html", page=paginate(stmt), q=text)


@bp.route("/<int:person_id>")
@permission_required("view_people")
def person(person_id: int):
    person, cases = people_service.view_record(current_user, person_id)  # logs the view (PDPA)
    # Issue 20 (domain.md, "After approval" 6): what the person owes and guarantees, across the cases in scope.
    exposure = guarantors.exposure_of(current_user, person.citizen_id)
    return render_template("people/person.html", person=person, cases=cases, exposure=exposure)


@bp.route("/<int:person_id>/export.json")
@permission_required("manage_users")
def person_export(person_id: int):
    """PDPA: everything held about one person, for an administrator answering a data-subject request."""
    body = export_person(current_user, person_id)
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
