"""API handlers for people (api-v1.md v1.1, "Guarantor exposure"): parse, call one service, serialise."""
from __future__ import annotations

from flask import jsonify

from app.api.blueprint import bp
from app.api.helpers import api_user
from app.api.openapi import documented
from app.services import guarantors


@bp.route("/people/<citizen_id>/exposure", methods=["GET"])
@documented("person_exposure")
def person_exposure(citizen_id: str):
    """The cases a person owes and the debts they guarantee, in the caller's scope; 404 for a malformed ID or when
    nothing is in scope (never telling the two apart); logged as a view of personal data."""
    return jsonify(guarantors.view_exposure(api_user(), citizen_id).as_json())
