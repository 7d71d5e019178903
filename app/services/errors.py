"""Errors raised by services; views turn them into form errors or HTTP answers (api-v1.md, Errors)."""
from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}  # more for an API client, beside code, message and fields (e.g. the existing letter)


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_error"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    """Missing, or outside the caller's scope: the two are never told apart."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"
