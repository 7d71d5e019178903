"""The monthly deduction list (api-v1.md v1.1 "Deduction lists"): read by anyone whose scope holds the cases."""
from __future__ import annotations

from flask import request

from app import deduction_downloads
from app.api.blueprint import bp
from app.api.helpers import api_user, require_permission
from app.api.openapi import documented
from app.i18n import gettext as _
from app.services import deduction_lists
from app.services.errors import ValidationFailed

FORMATS = ("json", "csv", "xlsx")


@bp.route("/deduction-lists")
@documented("deduction_lists")
def deduction_list():
    require_permission("view_debt_cases")
    month = deduction_lists.parse_month(request.args.get("month"))
    code = request.args.get("paying_unit_code", "").strip() or None
    fmt = request.args.get("format", "json") or "json"
    if fmt not in FORMATS:
        raise ValidationFailed(_("Please correct the marked fields."), {"format": _("Choose json, csv or xlsx.")})
    if fmt == "json":
        return deduction_downloads.json_response(api_user(), month, code)
    return deduction_downloads.download(api_user(), month, code, fmt)
