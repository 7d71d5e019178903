"""The audit page for auditors and administrators: every recorded change in their scope, filterable, each shown as
labelled rows of field, before and after (issue 21, 2: app/audit/changes.py); the export keeps the stored JSON."""
from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.audit import changes
from app.auth.session import permission_required
from app.export_jobs import list_download
from app.exports import requested_format
from app.labels import AUDIT_ACTION_LABELS, ENTITY_KIND_LABELS
from app.services import list_exports
from app.web import paginate, typed_day

bp = Blueprint("audit", __name__)


def _parse_day(value: str) -> date | None:
    """dd/mm/Buddhist year as typed (or ISO), within the years a UTC conversion can take."""
    day = typed_day(value)
    return day if day is not None and 1900 <= day.year <= 2600 else None  # beyond that, UTC conversion overflows


@bp.route("/")
@permission_required("view_audit")
def index():
    args = {k: request.args.get(k, "").strip()[:100] for k in ("actor", "action", "object_type", "object_id",
                                                                 "date_from", "date_to")}
    errors = {}
    day_from, day_to = _parse_day(args["date_from"]), _parse_day(args["date_to"])
    if args["date_from"] and day_from is None:
        errors["date_from"] = True
    if args["date_to"] and day_to is None:
        errors["date_to"] = True
    filters = {"username": args["actor"], "action": args["action"], "object_type": args["object_type"],
               "object_id": args["object_id"], "date_from": day_from.isoformat() if day_from else "",
               "date_to": day_to.isoformat() if day_to else ""}
    if requested_format():
        return list_download("audit-trail", filters)
    page = paginate(list_exports.audit_trail(current_user, **filters))
    titles = changes.rule_titles() if any(e.object_type == "entitlement_rule" for e in page.items) else {}
    rows = {event.id: changes.changes(event, titles) for event in page.items}
    return render_template("audit/index.html", page=page, args=args, errors=errors, actions=AUDIT_ACTION_LABELS,
                           object_types=ENTITY_KIND_LABELS, rows=rows, names=changes.record_names(page.items))
