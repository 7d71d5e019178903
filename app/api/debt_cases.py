"""API handlers for debt cases and plans (api-v1.md, "Debt cases"): parse, call one service, serialise."""
from __future__ import annotations

from flask import jsonify, request, url_for

from app.api.blueprint import bp
from app.api.helpers import api_user, history_json, json_body, paged, require_permission, transition_request
from app.api.openapi import documented
from app.api.serialise import case_json, case_list_item, plan_json
from app.domain.money import money_str
from app.services import case_figures, debt_cases, debt_plans, workflow
from app.services.debt_input import parse_case


def _authorise(case_id: int, permission: str | None = None) -> None:
    """Role first (403 says nothing about the case), then scope (404 outside it), and only then is
    the body read (400/422)."""
    if permission:
        require_permission(permission)
    debt_cases.get_case(api_user(), case_id)


def _case_response(case, status=200):
    response = jsonify(case_json(case, case_figures.affordability_of(case)))
    response.status_code = status
    return response


@bp.route("/debt-cases", methods=["POST"])
@documented("create_debt_case")
def create_debt_case():
    require_permission("edit_debt_cases")  # the role is checked before the body is read
    case = debt_cases.create_case(api_user(), parse_case(json_body()))
    response = _case_response(case, 201)
    response.headers["Location"] = url_for("api.get_debt_case", case_id=case.id)
    return response


@bp.route("/debt-cases", methods=["GET"])
@documented("list_debt_cases")
def list_debt_cases():
    args = request.args
    filters = {name: args.get(key, "") for name, key in (("status", "status"), ("risk_group", "risk_group"),
               ("cooperative_code", "cooperative_code"), ("province_code", "province_code"), ("text", "q"),
               ("bucket", "bucket"))}
    stmt = debt_cases.search_cases(api_user(), sort=args.get("sort", "newest"), **filters)
    return jsonify(paged(stmt, case_list_item, debt_cases.count_cases(api_user(), listed=stmt, **filters)))


@bp.route("/debt-cases/<int:case_id>", methods=["GET"])
@documented("get_debt_case")
def get_debt_case(case_id: int):
    return _case_response(debt_cases.get_case(api_user(), case_id))


@bp.route("/debt-cases/<int:case_id>", methods=["PATCH"])
@documented("update_debt_case")
def update_debt_case(case_id: int):
    _authorise(case_id, "edit_debt_cases")
    case = debt_cases.update_case(api_user(), case_id, parse_case(json_body(), partial=True))
    return _case_response(case)


@bp.route("/debt-cases/<int:case_id>/plans", methods=["POST"])
@documented("create_debt_plan")
def create_debt_plan(case_id: int):
    _authorise(case_id, "build_debt_plans")
    plan = debt_plans.create_plan(api_user(), case_id, json_body())
    return jsonify(plan_json(plan)), 201


@bp.route("/debt-cases/<int:case_id>/plans/<int:plan_id>", methods=["GET"])
@documented("get_debt_plan")
def get_debt_plan(case_id: int, plan_id: int):
    case = debt_cases.get_case(api_user(), case_id)
    return jsonify(plan_json(case_figures.plan_for(case, plan_id)))


@bp.route("/debt-cases/<int:case_id>/plans/<int:plan_id>", methods=["DELETE"])
@documented("delete_debt_plan")
def delete_debt_plan(case_id: int, plan_id: int):
    _authorise(case_id, "build_debt_plans")
    debt_plans.delete_plan(api_user(), case_id, plan_id)
    return "", 204


@bp.route("/debt-cases/<int:case_id>/plans/suggest", methods=["POST"])
@documented("suggest_debt_plan")
def suggest_debt_plan(case_id: int):
    _authorise(case_id)
    return jsonify(debt_plans.suggest(api_user(), case_id, json_body()))


@bp.route("/debt-cases/<int:case_id>/plans/<int:plan_id>/schedule", methods=["GET"])
@documented("debt_plan_schedule")
def debt_plan_schedule(case_id: int, plan_id: int):
    schedule = debt_plans.schedule_for(api_user(), case_id, plan_id, request.args.get("part", "new_loan"))
    return jsonify({"part": request.args.get("part", "new_loan"), "items": [
        {"n": i.n, "payment": money_str(i.payment), "interest": money_str(i.interest),
         "principal": money_str(i.principal), "balance": money_str(i.balance)} for i in schedule.instalments]})


@bp.route("/debt-cases/<int:case_id>/transitions", methods=["POST"])
@documented("debt_case_transition")
def debt_case_transition(case_id: int):
    debt_cases.get_case(api_user(), case_id)  # 404 outside the scope before anything else is said
    case = workflow.transition("debt", api_user(), case_id, transition_request(json_body()))
    return _case_response(case)


@bp.route("/debt-cases/<int:case_id>/history", methods=["GET"])
@documented("debt_case_history")
def debt_case_history(case_id: int):
    return jsonify(history_json("debt", debt_cases.get_case(api_user(), case_id).id))
