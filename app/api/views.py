"""API handlers for identity and the org tree."""
from flask import g, jsonify, request
from sqlalchemy.orm import selectinload

from app.api.blueprint import bp
from app.api.helpers import api_user, json_body, paged
from app.api.openapi import documented
from app.errors import api_error
from app.models import OrgUnit, UnitKind
from app.services import auth as auth_service, funnel, reports
from app.services.scope import units_in_scope


def iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


@bp.route("/auth/token", methods=["POST"])
@documented("issue_token")
def issue_token():
    data = json_body()
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return api_error(422, "username and password are required", fields={
            name: "required" for name in ("username", "password") if not isinstance(data.get(name), str)})
    result = auth_service.sign_in(username, password, request.remote_addr)
    if result.throttled:
        response = api_error(429, f"too many failed sign-ins; wait {result.wait_minutes} minutes")
        response.headers["Retry-After"] = str(result.wait_minutes * 60)
        return response
    if result.user is None:
        return api_error(401, "wrong username or password")
    token, row = auth_service.issue_token(result.user)
    return jsonify({"token": token, "expires_at": iso(row.expires_at)})


@bp.route("/auth/token", methods=["DELETE"])
@documented("revoke_token")
def revoke_token():
    auth_service.revoke_token(g.api_token)
    return "", 204


@bp.route("/me")
@documented("me")
def me():
    user = api_user()
    unit = user.org_unit
    return jsonify({"username": user.username, "full_name": user.full_name, "role": user.role,
                    "org_unit": {"code": unit.code, "name": unit.name, "kind": unit.kind}})


@bp.route("/org-units")
@documented("org_units")
def org_units():
    kind = request.args.get("kind")
    if kind and kind not in {k.value for k in UnitKind}:
        return api_error(422, "unknown kind", fields={"kind": "one of " + ", ".join(k.value for k in UnitKind)})
    stmt = units_in_scope(api_user(), (kind,) if kind else None).options(selectinload(OrgUnit.parent))
    return jsonify(paged(stmt, lambda unit: {
        "code": unit.code, "name": unit.name, "name_en": unit.name_en, "kind": unit.kind,
        "parent_code": unit.parent.code if unit.parent else None, "province_code": unit.province_code}))


@bp.route("/reports/summary", methods=["GET"])
@documented("reports_summary")
def reports_summary():
    code = request.args.get("province_code", "").strip() or None
    fy = request.args.get("fiscal_year", "").strip()
    return jsonify(reports.summary(api_user(), code, int(fy) if fy.isascii() and fy.isdecimal() and len(fy) == 4 else None))


@bp.route("/reports/funnel", methods=["GET"])
@documented("reports_funnel")
def reports_funnel():
    code = request.args.get("province_code", "").strip() or None
    return jsonify(funnel.funnel(api_user(), code).as_json())
