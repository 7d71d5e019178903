"""API handlers for creditors on file (api-v1.md v1.1, "Creditors"): parse, call one service, serialise."""
from __future__ import annotations

from flask import abort, jsonify, request, url_for

from app.api.blueprint import bp
from app.api.helpers import api_user, json_body, paged
from app.api.openapi import documented
from app.errors import api_error
from app.models.debt import CREDITOR_TYPES
from app.services import creditors


@bp.route("/creditors", methods=["GET"])
@documented("list_creditors")
def list_creditors():
    creditor_type = request.args.get("creditor_type", "").strip()
    if creditor_type and creditor_type not in CREDITOR_TYPES:
        return api_error(422, "unknown creditor_type", fields={"creditor_type": "one of " + ", ".join(CREDITOR_TYPES)})
    stmt = creditors.search(api_user(), request.args.get("q", ""), creditor_type)
    return jsonify(paged(stmt, creditors.as_json))


@bp.route("/creditors", methods=["POST"])
@documented("create_creditor")
def create_creditor():
    if not creditors.may_edit(api_user()):  # the role before the body (403 says nothing about it)
        abort(403, "your role may not do this")
    creditor = creditors.create(api_user(), creditors.parse(json_body()))
    response = jsonify(creditors.as_json(creditor))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_creditor", creditor_id=creditor.id)
    return response


@bp.route("/creditors/<int:creditor_id>", methods=["GET"])
@documented("get_creditor")
def get_creditor(creditor_id: int):
    return jsonify(creditors.as_json(creditors.get(api_user(), creditor_id)))
