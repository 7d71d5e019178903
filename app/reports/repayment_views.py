"""The repayment report page (issue 20; domain.md "After approval" 4–5): for a month (typed mm/Buddhist year, this
month unless told) and the caller's scope or a unit inside it — the headline figures, due against collected over
twelve months and the cases per delinquency bucket as charts (static/js/dashboard.js draws them from data
attributes: no inline script under the CSP), a table per unit below, and every table to download as CSV or XLSX.
Registered on the reports blueprint by app/reports/views.py (/reports/repayment). The figures are
services/repayment_report.py's; this module only names and lays them out."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, render_template, request
from flask_login import current_user

from app.auth.session import permission_required
from app.domain.thai_text import format_be_month, typed_month_text
from app.exports import table_response
from app.i18n import current_language
from app.i18n import gettext as _
from app.labels import BUCKET_LABELS
from app.models.repayments import BUCKETS
from app.services import repayment_report, reports
from app.services.deduction_lines import add_months
from app.services.errors import ValidationFailed
from app.services.repayment_report import Figures

# domain.md step 5: current, 1–30, 31–60, 61–90, over 90 days (NPL) — green to dark red.
BUCKET_COLOURS = {"current": "#198754", "1-30": "#ffc107", "31-60": "#fd7e14", "61-90": "#dc3545", "90+": "#6a1a21"}
DUE_COLOUR, COLLECTED_COLOUR = "#0d6efd", "#198754"


def bucket_labels() -> dict[str, str]:
    """The buckets' names in the reader's language, in bucket order (app/labels.BUCKET_LABELS, as the case page)."""
    return {b: str(BUCKET_LABELS[b]) for b in BUCKETS}


def percent(rate: Decimal | None) -> Decimal | None:
    """A four-decimal ratio as a percentage with two decimals (0.9312 → 93.12), None when there is no rate."""
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


def figure_headers() -> list[str]:
    """The columns of a row of figures: short, since a table holds twelve of them (the note under the tables and
    the headline cards say them in full)."""
    labels = bucket_labels()
    return [_("Active cases"), _("Cases due"), _("On time"), _("On time (%)"), _("Due (baht)"),
            _("Collected (baht)"), _("Collected (%)"), *(labels[b] for b in BUCKETS)]


def figure_cells(f: Figures) -> list:
    return [f.active_cases, f.due_cases, f.on_time_cases, percent(f.on_time_rate), f.amount_due,
            f.amount_collected, percent(f.collection_rate), *(f.by_bucket[b] for b in BUCKETS)]


def month_label(month: date, style: str = "short") -> str:
    return format_be_month(month, style, current_language())


def tables(report: repayment_report.RepaymentReport, trend: list[tuple[date, Figures]]
           ) -> dict[str, tuple[str, list[str], list[list]]]:
    """Every table on the page: (title, headers, rows) — the page and the downloads use the same numbers."""
    labels = bucket_labels()
    named = {
        "buckets": (_("Active cases by days overdue, %(month)s", month=month_label(report.month, "long")),
                    [_("Days overdue"), _("Cases")], [[labels[b], report.figures.by_bucket[b]] for b in BUCKETS]),
        "trend": (_("Repayments month by month"), [_("Month"), *figure_headers()],
                  [[month_label(m), *figure_cells(f)] for m, f in trend]),
    }
    if report.rows:
        named["units"] = (_("Repayments by unit, %(month)s", month=month_label(report.month, "long")),
                          [_("Unit"), *figure_headers()], [[u.name, *figure_cells(f)] for u, f in report.rows])
    return named


def charts(report: repayment_report.RepaymentReport, trend: list[tuple[date, Figures]]) -> dict[str, dict]:
    """The data-chart attributes static/js/dashboard.js reads (numbers, not Decimal strings)."""
    labels = bucket_labels()
    return {
        "trend": {"type": "bar", "labels": [month_label(m) for m, _f in trend], "datasets": [
            {"label": _("Amount due (baht)"), "data": [float(f.amount_due) for _m, f in trend], "colors": DUE_COLOUR},
            {"label": _("Amount collected (baht)"), "data": [float(f.amount_collected) for _m, f in trend],
             "colors": COLLECTED_COLOUR}]},
        "buckets": {"type": "bar", "labels": [labels[b] for b in BUCKETS], "datasets": [
            {"label": _("Cases"), "data": [report.figures.by_bucket[b] for b in BUCKETS],
             "colors": [BUCKET_COLOURS[b] for b in BUCKETS]}]},
    }


@permission_required("view_debt_cases")  # api-v1.md: the repayment report is read by anyone whose scope holds the cases
def repayment():
    unit_code = request.args.get("unit", "").strip()[:32] or None
    month_text = request.args.get("month", "").strip()[:20]
    export = request.args.get("export", "")
    try:
        month = repayment_report.parse_month(month_text)
    except ValidationFailed as error:
        unit = reports.report_unit(current_user, unit_code)
        return render_template("reports/repayment.html", unit=unit, errors=error.fields, month_text=month_text,
                               trail=reports.trail(current_user, unit)), 422
    report = repayment_report.report(current_user, month, unit_code)
    trend = repayment_report.trend(current_user, month, province_code=report.unit.code)
    named = tables(report, trend)
    if export:
        if export not in named:
            abort(404)
        _title, headers, rows = named[export]
        return table_response(f"repayment-{export}-{report.unit.code}-{month:%Y-%m}", headers, rows,
                              request.args.get("format", "csv"))
    return render_template(
        "reports/repayment.html", unit=report.unit, report=report, trend=trend, tables=named, errors={},
        charts=charts(report, trend), labels=bucket_labels(), buckets=BUCKETS, percent=percent,
        month_text=_typed(month), month_label=month_label(month, "long"),
        previous_month=_typed(add_months(month, -1)), next_month=_typed(add_months(month, 1)),
        trail=reports.trail(current_user, report.unit))


def _typed(month: date) -> str | None:
    """The month as the picker takes it (02/2570), or None outside the months a report covers."""
    if not repayment_report.FIRST_YEAR <= month.year <= repayment_report.LAST_YEAR:
        return None
    return typed_month_text(month.year, month.month)


ROUTES = (("/reports/repayment", repayment, ("GET",)),)
