"""The OpenAPI 3 document at /api/v1/openapi.json, built from the routes themselves.

Each API view is marked with @documented(operation); the document lists every API rule in the URL map
with the operation's description below. A test fails when an API route has no description, so the
document grows with every endpoint.
"""
from __future__ import annotations

import re

from flask import current_app, jsonify

from app.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(item_ref: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": {"$ref": item_ref}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]

OPERATIONS: dict[str, dict] = {
    "issue_token": {
        "summary": "Exchange a username and password for a bearer token",
        "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"200": _json({"type": "object", "required": ["token", "expires_at"], "properties": {
            "token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}),
            **_error_responses(400, 401, 422, 429)},
    },
    "revoke_token": {
        "summary": "Revoke the token used for this request",
        "responses": {"204": {"description": "revoked"}, **_error_responses(401)},
    },
    "me": {
        "summary": "The signed-in user, role and org unit",
        "responses": {"200": _json({"$ref": "#/components/schemas/Me"}), **_error_responses(401)},
    },
    "org_units": {
        "summary": "Org units in the caller's scope",
        "parameters": [{"name": "kind", "in": "query", "schema": {
            "type": "string", "enum": ["ministry", "region", "province", "cooperative", "area_office"]}},
            *PAGE_PARAMETERS],
        "responses": {"200": _json(_page_of("#/components/schemas/OrgUnit")), **_error_responses(401, 422)},
    },
    "openapi_document": {
        "summary": "This document",
        "security": [],
        "responses": {"200": {"description": "OpenAPI 3 document"}},
    },
}

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
        "OrgUnit": {"type": "object", "required": ["code", "name", "kind", "parent_code"], "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]},
            "kind": {"type": "string"}, "parent_code": {"type": ["string", "null"]},
            "province_code": {"type": ["string", "null"]}}},
        "Me": {"type": "object", "required": ["username", "role", "org_unit"], "properties": {
            "username": {"type": "string"}, "full_name": {"type": "string"}, "role": {"type": "string"},
            "org_unit": {"type": "object", "required": ["code", "name", "kind"], "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}}}}},
    },
}


def documented(operation: str):
    """Attach the OpenAPI operation named `operation` to a view (KeyError at import if it is missing)."""
    OPERATIONS[operation]  # noqa: B018  fail fast on a typo

    def decorator(view):
        view.openapi_operation = operation
        return view

    return decorator


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if converter == "int" else "string"}})
        return "{" + name + "}"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", replace, rule)
    return path.removeprefix("/api/v1") or "/", params


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        operation = OPERATIONS[view.openapi_operation]
        path, params = _openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry = {"operationId": f"{view.openapi_operation}_{method.lower()}", **operation}
            if params:
                entry["parameters"] = params + entry.get("parameters", [])
            paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "KruDesk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": COMPONENTS,
    }


@bp.route("/openapi.json")
@documented("openapi_document")
def openapi_document():
    return jsonify(build_document())
