"""API handlers for relief cases (api-v1.md, "Relief cases")."""
from __future__ import annotations

from flask import jsonify, request, url_for

from app.api.blueprint import bp
from app.api.helpers import api_user, history_json, json_body, paged, require_permission, transition_request
from app.api.openapi import documented
from app.api.relief_serialise import case_json, case_list_item
from app.rate_limits import upload_limit
from app.services import relief, relief_evidence, relief_input, relief_payments, workflow
from app.web import file_response


def _response(case, status=200):
    response = jsonify(case_json(case))
    response.status_code = status
    return response


@bp.route("/relief-cases", methods=["POST"])
@documented("create_relief_case")
def create_relief_case():
    require_permission("edit_relief_cases")
    case = relief.create_case(api_user(), relief_input.parse_relief(json_body()))
    response = _response(case, 201)
    response.headers["Location"] = url_for("api.get_relief_case", case_id=case.id)
    return response


@bp.route("/relief-cases", methods=["GET"])
@documented("list_relief_cases")
def list_relief_cases():
    args = {name: request.args.get(name, "") for name in ("status", "harm", "province_code", "q")}
    stmt = relief.search_cases(api_user(), status=args["status"], harm=args["harm"],
                               province_code=args["province_code"], text=args["q"])
    return jsonify(paged(stmt, case_list_item))


@bp.route("/relief-cases/<int:case_id>", methods=["GET"])
@documented("get_relief_case")
def get_relief_case(case_id: int):
    return _response(relief.get_case(api_user(), case_id))


@bp.route("/relief-cases/<int:case_id>", methods=["PATCH"])
@documented("update_relief_case")
def update_relief_case(case_id: int):
    require_permission("edit_relief_cases")
    relief.get_case(api_user(), case_id)
    body = json_body()
    version = body.get("version") if isinstance(body.get("version"), int) else None
    return _response(relief.update_case(api_user(), case_id, relief_input.parse_relief(body), version))


@bp.route("/relief-cases/<int:case_id>/evidence", methods=["POST"])
@upload_limit
@documented("add_relief_evidence")
def add_relief_evidence(case_id: int):
    require_permission("edit_relief_cases")
    relief.get_case(api_user(), case_id)
    upload = request.files.get("file")
    row = relief_evidence.add_evidence(api_user(), case_id, request.form.get("kind", ""),
                              upload.filename if upload else "", upload.read() if upload else b"")
    return jsonify({"id": row.id, "kind": row.kind, "filename": row.filename, "size": row.size,
                    "uploaded_at": row.uploaded_at.replace(microsecond=0).isoformat() + "Z"}), 201


@bp.route("/relief-cases/<int:case_id>/evidence/<int:evidence_id>", methods=["GET"])
@documented("get_relief_evidence")
def get_relief_evidence(case_id: int, evidence_id: int):
    row, chunks = relief_evidence.evidence_file(api_user(), case_id, evidence_id)
    return file_response(chunks, row.content_type, row.filename)


@bp.route("/relief-cases/<int:case_id>/transitions", methods=["POST"])
@documented("relief_case_transition")
def relief_case_transition(case_id: int):
    relief.get_case(api_user(), case_id)  # 404 outside the scope before anything else is said
    return _response(workflow.transition("relief", api_user(), case_id, transition_request(json_body())))


@bp.route("/relief-cases/<int:case_id>/history", methods=["GET"])
@documented("relief_case_history")
def relief_case_history(case_id: int):
    return jsonify(history_json("relief", relief.get_case(api_user(), case_id).id))


@bp.route("/relief-cases/<int:case_id>/payments", methods=["POST"])
@documented("relief_payment")
def relief_payment(case_id: int):
    require_permission("record_relief_payments")
    relief.get_case(api_user(), case_id)
    body = json_body()
    payment = relief_payments.record_payment(api_user(), case_id, body)
    return jsonify({"id": payment.id, "entitlement_id": payment.entitlement_id, "round": payment.round_no,
                    "amount": str(payment.amount), "paid_on": payment.paid_on.isoformat(),
                    "reference": payment.reference}), 201


@bp.route("/relief-cases/<int:case_id>/continuations", methods=["POST"])
@documented("relief_continuation")
def relief_continuation(case_id: int):
    require_permission("edit_relief_cases")
    case = relief.get_case(api_user(), case_id)
    body = json_body()
    person_id = relief_payments.beneficiary_id(case, body.get("citizen_id"))
    entitlement_id = body.get("entitlement_id")
    check = relief_payments.record_continuation(
        api_user(), case.id, entitlement_id if isinstance(entitlement_id, int) else -1,
        person_id if person_id is not None else -1, str(body.get("period", "")), bool(body.get("enrolled", True)),
        body.get("note") if isinstance(body.get("note"), str) else None)
    return jsonify({"id": check.id, "period": check.period, "enrolled": check.enrolled}), 201
