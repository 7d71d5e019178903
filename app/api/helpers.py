"""Request parsing and response shapes shared by API handlers (api-v1.md, Conventions)."""
from __future__ import annotations

from flask import abort, current_app, g, request

from app.extensions import db
from app.models import User
from app.services.errors import ServiceError


class MalformedJson(ServiceError):
    status = 400
    code = "malformed_json"


def api_user() -> User:
    return g.api_user


def json_body() -> dict:
    """The request's JSON object, or a 400 in the contract's format."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedJson("the body must be a JSON object")
    return data


def page_args() -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = request.args.get(name, str(default))
        return int(raw) if raw.isdigit() and len(raw) < 7 else default

    page = max(1, number("page", 1))
    per_page = min(max(1, number("per_page", 50)), current_app.config["API_MAX_PER_PAGE"])
    return page, per_page


def paged(stmt, serialise) -> dict:
    page, per_page = page_args()
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    return {"items": [serialise(item) for item in result.items], "total": result.total,
            "page": page, "per_page": per_page}


def require_permission(permission: str) -> None:
    from app.services.permissions import can

    if not can(api_user(), permission):
        abort(403, "your role may not do this")
