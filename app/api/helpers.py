"""Request parsing and response shapes shared by API handlers (api-v1.md, Conventions)."""
from __future__ import annotations

from flask import abort, current_app, g, request

from app.extensions import db
from app.models import User
from app.services import workflow
from app.services.errors import ServiceError
from app.services.permissions import can
from app.services.workflow import TransitionRequest


class MalformedJson(ServiceError):
    status = 400
    code = "malformed_json"


def api_user() -> User:
    return g.api_user


MAX_JSON_DEPTH = 32  # no request of api-v1.md nests deeper than a few levels


def json_body() -> dict:
    """The request's JSON object, or a 400 in the contract's format: also for JSON nested past MAX_JSON_DEPTH
    (100,000 levels once raised RecursionError, a 500) and for text no database can store (a lone surrogate such
    as "\\ud800" is valid JSON but not UTF-8, and once failed deep in an INSERT)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise MalformedJson("the body is nested too deeply") from None
    if not isinstance(data, dict):
        raise MalformedJson("the body must be a JSON object")
    problem = _unstorable(data)
    if problem:
        raise MalformedJson(problem)
    return data


def _unstorable(data) -> str | None:
    """Why this parsed JSON cannot be taken, or None. Walks without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return "the body is nested too deeply"
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "the body holds text that is not valid Unicode (a lone surrogate)"
    return None


def page_args() -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = request.args.get(name, str(default))
        return int(raw) if raw.isdecimal() and len(raw) < 7 else default

    page = max(1, number("page", 1))
    per_page = min(max(1, number("per_page", 50)), current_app.config["API_MAX_PER_PAGE"])
    return page, per_page


def paged(stmt, serialise, total: int | None = None) -> dict:
    """api-v1.md's list shape; `total` when the caller can count more cheaply than by the list's own query."""
    page, per_page = page_args()
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=total is None)
    return {"items": [serialise(item) for item in result.items], "total": result.total if total is None else total,
            "page": page, "per_page": per_page}


def require_permission(permission: str) -> None:
    if not can(api_user(), permission):
        abort(403, "your role may not do this")


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def transition_request(body: dict):
    """A workflow request from an API body: action, comment, version, plan_id, resolution_no, and for activation
    agreement_signed_on and first_due_month (checked by the debt programme)."""
    return TransitionRequest(action=str(body.get("action", "")), comment=_text(body.get("comment")),
                             version=_whole_number(body.get("version")), plan_id=_whole_number(body.get("plan_id")),
                             resolution_no=_text(body.get("resolution_no")),
                             agreement_signed_on=body.get("agreement_signed_on"),
                             first_due_month=body.get("first_due_month"))


def history_json(case_type: str, case_id: int) -> dict:
    """A case's timeline, oldest first, and the hash of what was approved."""
    snapshot = workflow.latest_snapshot(case_type, case_id)
    return {"items": [{"id": row.id, "action": row.action, "from": row.from_state, "to": row.to_state,
                       "actor": row.actor_username, "role": row.actor_role, "comment": row.comment,
                       "resolution_no": row.resolution_no,
                       "at": row.occurred_at.replace(microsecond=0).isoformat() + "Z"}
                      for row in workflow.history(case_type, case_id)],
            "snapshot_sha256": snapshot.sha256 if snapshot else None}
