"""API handlers for a debt case after approval (api-v1.md v1.1, "After approval"): creditor answers and payoffs.
Activation and revision are transitions (api/debt_cases.py)."""
from __future__ import annotations

from flask import jsonify

from app.api.blueprint import bp
from app.api.helpers import api_user, json_body, require_permission
from app.api.openapi import documented
from app.services import after_approval_steps, creditor_answers, debt_cases, payoffs
from app.services.after_approval_json import payoff_json, response_json


@bp.route("/debt-cases/<int:case_id>/creditor-responses", methods=["POST"])
@documented("create_creditor_response")
def create_creditor_response(case_id: int):
    require_permission("record_creditor_answers")  # the role first (403), then scope (404), then the body
    debt_cases.get_case(api_user(), case_id)
    row = creditor_answers.record_response(api_user(), case_id, json_body())
    return jsonify(response_json(row, current=True)), 201


@bp.route("/debt-cases/<int:case_id>/creditor-responses", methods=["GET"])
@documented("list_creditor_responses")
def list_creditor_responses(case_id: int):
    case = debt_cases.get_case(api_user(), case_id)
    rows = creditor_answers.responses_of(case)
    current = {row.id for row in after_approval_steps.current_answers(case).values()}
    return jsonify({"items": [response_json(row, current=row.id in current) for row in rows]})


@bp.route("/debt-cases/<int:case_id>/payoffs", methods=["POST"])
@documented("create_payoff")
def create_payoff(case_id: int):
    require_permission("record_creditor_answers")
    debt_cases.get_case(api_user(), case_id)
    return jsonify(payoff_json(payoffs.record_payoff(api_user(), case_id, json_body()))), 201


@bp.route("/debt-cases/<int:case_id>/payoffs", methods=["GET"])
@documented("list_payoffs")
def list_payoffs(case_id: int):
    case = debt_cases.get_case(api_user(), case_id)
    return jsonify({"items": [payoff_json(row) for row in payoffs.payoffs_of(case)]})
