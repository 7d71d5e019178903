"""Dashboards at the user's scope with drill-down, charts and every table downloadable as CSV or XLSX."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from app.auth.session import permission_required
from app.exports import table_response
from app.i18n import gettext as _
from app.labels import PROGRAMME_LABELS, RISK_LABELS, STATUS_LABELS
from app.reports.repayment_views import ROUTES as REPAYMENT_ROUTES
from app.services import funnel as funnel_service, reports
from flask_login import current_user

bp = Blueprint("reports", __name__)


def _fiscal_year(raw: str) -> int | None:
    """A Buddhist-Era year such as 2570, or None."""
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) == 4 else None


def step_labels() -> dict[str, str]:
    return {"approved": _("Approved"), "answered": _("Answered by every creditor"),
            "paid_off": _("Paid off"), "active": _("Active (agreement signed)")}


def funnel_tables(funnel: funnel_service.Funnel) -> dict[str, tuple[str, list[str], list[list]]]:
    """The funnel after approval (issue 19): the steps at the unit, and the same per unit below it."""
    labels = step_labels()
    headers = [_("Step"), _("Reached"), _("Waiting now"), _("Median days at the step"),
               _("Average days at the step"), _("Median days waiting so far"), _("Average days waiting so far")]

    def row(first: list, step) -> list:
        j = step.as_json()
        days = [j[k] for k in ("median_days", "average_days", "waiting_median_days", "waiting_average_days")]
        return [*first, j["reached"], j["waiting"], *("" if d is None else d for d in days)]

    named = {"funnel": (_("After approval: approved, answered, paid off, active"), headers,
                        [row([labels[s.step]], s) for s in funnel.steps])}
    if funnel.rows:
        named["funnel_units"] = (_("After approval by unit"), [_("Unit"), *headers],
                                 [row([unit.name, labels[s.step]], s) for unit, steps in funnel.rows for s in steps])
    return named


def tables(board: reports.Dashboard, funnel: funnel_service.Funnel | None = None
           ) -> dict[str, tuple[str, list[str], list[list]]]:
    """Every table on the dashboard: (title, headers, rows) — the page and the downloads use the same numbers."""
    d, r = board.debt, board.relief
    return {**(funnel_tables(funnel) if funnel is not None else {}),
        "debt_status": (_("Debt cases by status"), [_("Status"), _("Cases")],
                        [[str(STATUS_LABELS.get(s, s)), n] for s, n in d.by_status.items()]),
        "debt_risk": (_("Debt cases by risk group"), [_("Risk group"), _("Cases")],
                      [[str(RISK_LABELS.get(g, g)), n] for g, n in d.by_risk_group.items()]),
        "debt_figures": (_("Before and after the plans"), [_("Figure"), _("Value")], [
            [_("Cases"), d.total], [_("Cases with a chosen plan"), d.with_plan],
            [_("Below the 30 percent floor before"), d.below_floor_before],
            [_("Below the 30 percent floor after the plans"), d.below_floor_after],
            [_("Debt owed before (principal and interest)"), d.debt_before],
            [_("Debt owed after the plans"), d.debt_after], [_("Interest saved"), d.interest_saved]]),
        # Issue 17: serving and retired teachers side by side (the 30% rule covers pensions too).
        "debt_retirement": (_("Serving and retired teachers"),
                            [_("Teachers"), _("Cases"), _("Red group"), _("Below the floor before"),
                             _("Below the floor after"), _("Debt before"), _("Debt after"), _("Interest saved")],
                            [[label, g.total, g.by_risk_group["red"], g.below_floor_before, g.below_floor_after,
                              g.debt_before, g.debt_after, g.interest_saved]
                             for label, g in ((_("Serving teachers"), d.by_retirement["serving"]),
                                              (_("Retired teachers (pension)"), d.by_retirement["retired"]))]),
        "units": (_("By unit"), [_("Unit"), _("Cases"), _("Red group"), _("Below the floor before"),
                                 _("Below the floor after"), _("Debt before"), _("Debt after"), _("Interest saved")],
                  [[unit.name, f.total, f.by_risk_group["red"], f.below_floor_before, f.below_floor_after,
                    f.debt_before, f.debt_after, f.interest_saved] for unit, f in board.rows]),
        "waiting": (_("Waiting for a decision"), [_("Programme"), _("Status"), _("Cases"), _("Average days"),
                                                  _("Longest (days)")],
                    [[_("Debt") if w["programme"] == "debt" else _("Relief"), str(STATUS_LABELS.get(w["status"])),
                      w["count"], w["average_days"], w["longest_days"]] for w in board.waiting]),
        "relief_status": (_("Relief cases by status"), [_("Status"), _("Cases")],
                          [[str(STATUS_LABELS.get(s, s)), n] for s, n in r.by_status.items()]),
        "relief_money": (_("Relief approved and paid by programme"),
                         [_("Programme"), _("Approved"), _("Paid"), _("Still to pay")],
                         [[str(PROGRAMME_LABELS.get(p, p)), v["approved"], v["paid"], v["approved"] - v["paid"]]
                          for p, v in sorted(r.by_programme.items())]
                         + [[_("Total"), r.approved_amount, r.paid_amount, r.approved_amount - r.paid_amount]]),
    }


# The kinds of unit whose dashboard shows the funnel after approval only when asked for (its national count is slow).
FUNNEL_ASKED_FOR = ("ministry", "region")


@bp.route("/dashboard")
@permission_required("view_org_units")
def dashboard():
    unit_code = request.args.get("unit", "").strip()[:32]
    fy = _fiscal_year(request.args.get("fy", "").strip())
    board = reports.dashboard(current_user, unit_code or None, fy)
    export = request.args.get("export", "")
    # The funnel counts the cases themselves, not a rollup: a province's in tens of milliseconds, the nation's in
    # about a second (docs/benchmarks.md, "The funnel on the dashboard"). Above a province it is counted when asked
    # for, so that the dashboard keeps its 250 ms (issue 7).
    asked = export.startswith("funnel") or request.args.get("funnel") == "1"
    counted = asked or board.unit.kind not in FUNNEL_ASKED_FOR
    funnel = funnel_service.funnel(current_user, board.unit.code) if counted else None
    named = tables(board, funnel)
    if export:
        if export not in named:
            abort(404)
        title, headers, rows = named[export]
        return table_response(f"{export}-{board.unit.code}", headers, rows, request.args.get("format", "csv"))
    code = board.unit.code
    status_labels = {str(STATUS_LABELS.get(s, s)): s for s in board.debt.by_status}
    risk_labels = {str(RISK_LABELS.get(g, g)): g for g in board.debt.by_risk_group}
    return render_template(
        "reports/dashboard.html", board=board, tables=named, funnel=funnel, fy=fy, this_fy=reports.current_fiscal_year(),
        trail=reports.trail(current_user, board.unit),
        status_links={label: url_for("debt.cases", unit=code, status=s) for label, s in status_labels.items()},
        risk_links={label: url_for("debt.cases", unit=code, risk_group=g) for label, g in risk_labels.items()})


# Issue 20: the repayment report (app/reports/repayment_views.py) at /reports/repayment.
for _rule, _view, _methods in REPAYMENT_ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
