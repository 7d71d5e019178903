"""The monthly deduction list page for officers (issue 19; domain.md "After approval" 3): choose a month (typed
mm/Buddhist year, next month unless told) and a paying unit in scope; the list grouped by paying unit, each teacher
marked new, changed, unchanged or stopped, and the whole list to download as CSV or XLSX. Registered on the debt
blueprint by app/debt/views.py (/debt-cases/deductions). Each view parses, calls one service, renders."""
from __future__ import annotations

from itertools import groupby, islice

from flask import render_template, request
from flask_login import current_user

from app import deduction_downloads
from app.auth.session import permission_required
from app.domain import clock
from app.domain.thai_text import format_be_month, typed_month_text
from app.i18n import current_language
from app.services import deduction_lists, unit_notices
from app.services.deduction_lines import add_months
from app.services.errors import ValidationFailed
from app.services.permissions import can

# A page shows this many teachers at most; the download holds them all (a province's list runs to thousands).
PAGE_ITEMS = 500
BADGES = {"new": "text-bg-primary", "changed": "text-bg-warning", "unchanged": "text-bg-light border",
          "stopped": "text-bg-danger"}


@permission_required("view_debt_cases")  # api-v1.md: read by anyone whose scope holds the cases
def deductions():
    month_text = request.args.get("month", "").strip()[:20]
    code = request.args.get("paying_unit_code", "").strip()[:50] or None
    fmt = request.args.get("format", "")
    month = add_months(clock.today().replace(day=1), 1)  # next month's list is the one payroll prepares
    context = {"code": code, "month": month, "units": [], "month_text": month_text or typed_month_text(month.year, month.month), "errors": {},
               "badges": BADGES, "labels": deduction_lists.Labels(), "groups": [], "count": 0,
               "full_ids": can(current_user, "see_full_citizen_ids"),
               # issue 19: the provincial office issues each unit's notice for the month (letters.issue_deduction_notice)
               "may_issue_notice": unit_notices.may_issue(current_user)}
    try:
        month = deduction_lists.parse_month(month_text) if month_text else month
        context.update(month=month, month_label=format_be_month(month, "long", current_language()),
                       units=deduction_lists.distinct_units(current_user, month))
        if fmt in ("csv", "xlsx"):
            return deduction_downloads.download(current_user, month, code, fmt)
        context["count"] = deduction_downloads.logged(current_user, month, code, "html")
    except ValidationFailed as error:
        context["errors"] = error.fields
        return render_template("debt/deductions.html", **context), 422
    shown = list(islice(deduction_lists.items(current_user, month, code), PAGE_ITEMS))
    context["groups"] = [(unit_code, list(rows)) for unit_code, rows in groupby(shown, lambda i: i.paying_unit_code)]
    context["shown"] = len(shown)
    return render_template("debt/deductions.html", **context)


ROUTES = (("/deductions", deductions, ("GET",)),)
