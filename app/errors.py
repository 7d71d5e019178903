"""Error pages in Thai (or English), and JSON errors in the api-v1.md format for /api/ paths."""
from __future__ import annotations

from flask import Flask, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from app.extensions import db
from app.i18n import gettext as _
from app.services.errors import ServiceError

API_ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "too_many_requests", 500: "internal_error", 503: "unavailable",
}


# Served while the database is unreachable: static text, so it renders without a database (Thai, then English).
UNAVAILABLE_PAGE = """<!doctype html><html lang="th"><head><meta charset="utf-8"><title>KruDesk</title>
<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css"></head><body class="p-5">
<h1 class="h3">ระบบขัดข้องชั่วคราว</h1><p>ฐานข้อมูลไม่พร้อมใช้งานในขณะนี้ ข้อมูลที่ส่งมายังไม่ได้บันทึก กรุณาลองใหม่ในอีกสักครู่</p>
<p lang="en">The database is not available at the moment. Nothing was saved. Please try again shortly.</p>
</body></html>"""


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, code: str | None = None, fields: dict | None = None,
              extra: dict | None = None):
    body = {"error": {"code": code or API_ERROR_CODES.get(status, "error"), "message": message, **(extra or {})}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _has_control_character(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def _page_messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Not allowed"), _("Your role does not allow this page.")),
        404: (_("Not found"), _("The page or record does not exist, or it is outside your area.")),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        413: (_("File too large"), _("The upload is larger than the system accepts.")),
        500: (_("Something went wrong"),
              _("The system could not finish this request. Nothing was saved. Please try again.")),
    }


def _render_page(status: int):
    title, text = _page_messages().get(status, (_("Error"), _("The request could not be completed.")))
    return render_template("errors/generic.html", status=status, title=title, text=text), status


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        """A NUL character is never valid text (PostgreSQL refuses it in any text value, so it used to reach the
        database and fail there): 400 for any address, query, form field or JSON body that carries one. An address
        carries no control character at all. (Other control characters in a query or form are cleaned where the
        text is read, and ?next= is checked before it reaches a Location header: app/web.py, safe_next.)"""
        if _has_control_character(request.path):
            abort(400)
        values = [text for key, texts in request.args.lists() for text in (key, *texts)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.values())
        if any("\x00" in value for value in values) or (
                request.is_json and b"\\u0000" in request.get_data(cache=True)):
            abort(400)
        return None

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        """A value the database cannot hold that no check caught: the request is bad, not the server."""
        db.session.rollback()
        app.logger.warning("data error on %s %s: %s", request.method, request.path, error.orig)
        if wants_json():
            return api_error(400, "a value cannot be stored")
        return _render_page(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if wants_json():
            return api_error(400, error.description)
        title, text = _("Form expired"), _("The form was open too long or came from elsewhere. "
                                           "Please reload the page and submit again.")
        return render_template("errors/generic.html", status=400, title=title, text=text), 400

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        db.session.rollback()
        if wants_json():
            return api_error(error.status, error.message or error.code, error.code, error.fields, error.extra)
        return _render_page(error.status)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if wants_json():
            return api_error(error.code or 500, error.description or "")
        return _render_page(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        """The database is down or locked past the busy timeout (SQLite's busy handler has already retried):
        a clear 503 with Retry-After, never a 500. The page needs no database (no menu, no user lookup)."""
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — the connection may be gone; the pool replaces it (pool_pre_ping)
            db.session.remove()
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, error.__class__.__name__)
        if wants_json():
            response = api_error(503, "the database is not available; try again shortly")
        else:
            response = app.response_class(UNAVAILABLE_PAGE, status=503, mimetype="text/html")
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return api_error(500, "internal error")
        return _render_page(500)
