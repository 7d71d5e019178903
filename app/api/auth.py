"""Bearer-token authentication for every API route except those marked public."""
from __future__ import annotations

from flask import g, request

from app.api.blueprint import bp
from app.errors import api_error
from app.services import auth as auth_service
from app.web import bearer_token

PUBLIC_ENDPOINTS = {"api.issue_token", "api.openapi_document"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    row = auth_service.resolve_token(bearer_token())
    if row is None:
        return api_error(401, "missing, expired or revoked token")
    g.api_token = row
    g.api_user = row.user
    return None
