"""GET /api/v1/reports/repayment (api-v1.md v1.1, "After approval"): the month's repayment figures at the caller's
scope or a unit inside it, read by anyone whose scope holds the cases (services/repayment_report.py)."""
from __future__ import annotations

from flask import jsonify, request

from app.api.blueprint import bp
from app.api.helpers import api_user, require_permission
from app.api.openapi import documented
from app.services import repayment_report


@bp.route("/reports/repayment", methods=["GET"])
@documented("reports_repayment")
def reports_repayment():
    require_permission("view_debt_cases")
    month = repayment_report.parse_month(request.args.get("month"))        # 422 before 404: the input first
    code = request.args.get("province_code", "").strip() or None
    return jsonify(repayment_report.report(api_user(), month, code).as_json())
