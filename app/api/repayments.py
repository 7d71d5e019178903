"""API handlers for repayments and arrears (api-v1.md v1.1, "After approval"): recording the month's repayments, a
case's instalments and the history of its delinquency buckets."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request

from app.api.blueprint import bp
from app.api.helpers import api_user, json_body, require_permission
from app.api.openapi import documented
from app.i18n import gettext as _
from app.services import debt_cases, instalments, repayments
from app.services.errors import ValidationFailed

MAX_LINES = 20_000  # a request; larger files go through the repayment file upload and the job engine


@bp.route("/repayments", methods=["POST"])
@documented("create_repayments")
def create_repayments():
    require_permission("record_repayments")
    body = json_body()
    month = repayments.parse_month(body.get("month"))
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(_("Please correct the marked fields."), {"lines": _("Send at least one line.")})
    if len(lines) > MAX_LINES:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"lines": _("At most %(n)d lines in one request; upload a file for more.",
                                           n=MAX_LINES)})
    outcome = repayments.record(api_user(), month, lines, dry_run=_flag(body, "dry_run"),
                                accept_partial=_flag(body, "accept_partial"), source="api")
    return jsonify(outcome.as_dict())


def _flag(body: dict, key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ValidationFailed(_("Please correct the marked fields."), {key: _("Enter true or false.")})
    return value


def _as_of() -> date | None:
    raw = request.args.get("as_of")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"as_of": _("Enter a date as YYYY-MM-DD (Common Era).")}) from None


def instalment_json(item) -> dict:
    return {"part": item.part if item.part == "new_loan" else int(item.part), "n": item.n,
            "due_month": item.due_month.strftime("%Y-%m"), "amount_due": f"{item.amount_due:.2f}",
            "amount_paid": f"{item.amount_paid:.2f}", "status": item.status, "days_past_due": item.days_past_due}


@bp.route("/debt-cases/<int:case_id>/instalments", methods=["GET"])
@documented("list_instalments")
def list_instalments(case_id: int):
    case = debt_cases.get_case(api_user(), case_id)
    return jsonify({"items": [instalment_json(item) for item in instalments.items(case, _as_of())]})


@bp.route("/debt-cases/<int:case_id>/delinquency-history", methods=["GET"])
@documented("delinquency_history")
def delinquency_history(case_id: int):
    case = debt_cases.get_case(api_user(), case_id)
    return jsonify({"items": [{"bucket": row.bucket, "from": row.from_day.isoformat(),
                               "to": row.to_day.isoformat() if row.to_day else None}
                              for row in instalments.history(case)]})
