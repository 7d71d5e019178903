"""The audit page for auditors and administrators: every recorded change in their scope, filterable."""
import json
from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.session import permission_required
from app.domain.thai_text import BANGKOK
from app.labels import AUDIT_ACTION_LABELS
from app.extensions import db
from app.models import AuditEvent
from app.services.scope import scoped
from app.exports import MAX_EXPORT_ROWS, requested_format, table_response
from app.web import paginate

bp = Blueprint("audit", __name__)


def _parse_day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2600 else None  # beyond that, UTC conversion overflows


def _bangkok_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), BANGKOK).astimezone(timezone.utc).replace(tzinfo=None)


@bp.route("/")
@permission_required("view_audit")
def index():
    args = {k: request.args.get(k, "").strip()[:100] for k in ("actor", "action", "object_type", "object_id",
                                                                 "date_from", "date_to")}
    stmt = scoped(select(AuditEvent), AuditEvent.org_path, current_user)
    if args["actor"]:
        stmt = stmt.where(AuditEvent.actor_username.ilike(f"%{args['actor']}%"))
    if args["action"]:
        stmt = stmt.where(AuditEvent.action == args["action"])
    if args["object_type"]:
        stmt = stmt.where(AuditEvent.object_type == args["object_type"])
    if args["object_id"]:
        stmt = stmt.where(AuditEvent.object_id == args["object_id"])
    errors = {}
    day_from, day_to = _parse_day(args["date_from"]), _parse_day(args["date_to"])
    if args["date_from"] and day_from is None:
        errors["date_from"] = True
    if args["date_to"] and day_to is None:
        errors["date_to"] = True
    if day_from:
        stmt = stmt.where(AuditEvent.occurred_at >= _bangkok_midnight_utc(day_from))
    if day_to:
        stmt = stmt.where(AuditEvent.occurred_at < _bangkok_midnight_utc(day_to + timedelta(days=1)))
    stmt = stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if requested_format():
        return table_response("audit-trail", [_("When"), _("User"), _("Action"), _("Record"), _("Before"), _("After"),
                                              _("Address")],
                              ([e.occurred_at, e.actor_username, e.action, f"{e.object_type} {e.object_id or ''}",
                                json.dumps(e.before, ensure_ascii=False) if e.before else "",
                                json.dumps(e.after, ensure_ascii=False) if e.after else "", e.address]
                               for e in db.session.scalars(stmt.limit(MAX_EXPORT_ROWS))), requested_format())
    object_types = sorted({action.split(".")[0] for action in AUDIT_ACTION_LABELS})
    return render_template("audit/index.html", page=paginate(stmt), args=args, errors=errors,
                           actions=AUDIT_ACTION_LABELS, object_types=object_types)
