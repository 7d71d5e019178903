"""Small helpers shared by the HTML blueprints."""
from __future__ import annotations

import base64
import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlsplit

from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context
from flask_wtf import FlaskForm
from sqlalchemy import Integer, Numeric, String, literal, tuple_

from app.domain.thai_text import parse_typed_date
from app.extensions import db
from app.services.errors import ServiceError, ValidationFailed


def typed_day(text: str | None) -> date | None:
    """A date a person typed in a form: dd/mm/Buddhist year as pages show it, or ISO (thai_text.parse_typed_date);
    None when blank or no date (the caller says so on the field)."""
    try:
        return parse_typed_date(text) if text and text.strip() else None
    except ValueError:
        return None


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths may follow a sign-in or a language switch (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):  # a newline would reach the Location header
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def bearer_token() -> str:
    """The token of an `Authorization: Bearer …` header, or "" (the API's only credential)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def file_response(chunks, mimetype: str, download_name: str, disposition: str = "attachment") -> Response:
    """A stored file (app/storage.py) streamed to the browser, as an attachment with its own name.

    The chunks are read while the response is sent, after the view has returned: stream_with_context keeps the
    request (and the database session a stored file is read through) open until then. A header is Latin-1, so a
    Thai name goes as RFC 6266's filename*, with an ASCII fallback, as Flask's send_file does."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    try:
        download_name.encode("latin-1")
        names = {"filename": download_name}
    except UnicodeEncodeError:
        fallback = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode() or "file"
        names = {"filename": fallback, "filename*": f"UTF-8''{quote(download_name, safe='')}"}
    response.headers.set("Content-Disposition", disposition, **names)
    return response


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdecimal() and len(value) < 7 else 1


def paginate(stmt):
    return db.paginate(stmt, page=page_number(), per_page=current_app.config["LIST_PER_PAGE"],
                       error_out=False, count=True)


@dataclass
class ListPage:
    """One page of a long list, shaped like Flask-SQLAlchemy's Pagination for the pager macro, plus the
    cursor that continues after its last row."""

    items: list
    total: int
    page: int
    per_page: int
    next_after: str | None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.next_after is not None

    @property
    def next_num(self) -> int:
        return self.page + 1


def encode_cursor(values: tuple) -> str:
    plain = [str(v) if isinstance(v, Decimal) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(token: str, columns: tuple) -> tuple | None:
    """The key values a cursor carries, typed like its columns; None for anything that is not such a cursor
    (a bad or stale link shows the page by number instead of failing)."""
    if not token or len(token) > 600:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(values, list) or len(values) != len(columns):
            return None
        typed = []
        for value, column in zip(values, columns):
            kind = column.type
            if isinstance(kind, Integer) and isinstance(value, int) and not isinstance(value, bool):
                typed.append(value)
            elif isinstance(kind, Numeric) and isinstance(value, str) and Decimal(value).is_finite():
                typed.append(Decimal(value))
            elif isinstance(kind, String) and isinstance(value, str) and "\x00" not in value:
                typed.append(value)
            else:
                return None
        return tuple(typed)
    except (ValueError, InvalidOperation, UnicodeDecodeError):
        return None


def _offset_page(stmt, key, offset: int, per_page: int) -> list:
    """A page by number. Past the first page the offset is walked over the keys alone (a deferred join): the
    rows skipped are never read whole nor joined, then the page's own rows are loaded by key."""
    if offset == 0:
        return db.session.scalars(stmt.limit(per_page)).unique().all()
    keys = db.session.scalars(stmt.with_only_columns(key).offset(offset).limit(per_page)).all()
    if not keys:
        return []
    model = key.class_
    rows = {getattr(row, key.key): row
            for row in db.session.scalars(db.select(model).where(key.in_(keys))).unique()}
    return [rows[k] for k in keys]


def keyset_paginate(stmt, sort, total: int) -> ListPage:
    """A page of `stmt`, which is ordered by `sort` (columns all ascending or all descending, the last unique).
    Following "next", the page continues after the last row seen — keyset pagination, as quick on page 1,000 as
    on page 1; a page number alone (a typed or "previous" link) is an offset."""
    per_page = current_app.config["LIST_PER_PAGE"]
    page = page_number()
    after = decode_cursor(request.args.get("after", ""), sort.columns)
    if after is not None:
        key = tuple_(*sort.columns)
        bound = tuple_(*(literal(v, c.type) for v, c in zip(after, sort.columns)))
        stmt = stmt.where(key < bound if sort.descending else key > bound)
        items = db.session.scalars(stmt.limit(per_page)).unique().all()
    else:
        items = _offset_page(stmt, sort.columns[-1], (page - 1) * per_page, per_page)
    more = len(items) == per_page and page * per_page < total
    return ListPage(items, total, page, per_page, encode_cursor(sort.values(items[-1])) if more else None)


def apply_service_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's field errors beside the fields the user typed into (nothing typed is lost)."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
    if not error.fields and error.message:
        form.form_errors.append(error.message)


def submit_form(form: FlaskForm, save, success, template: str, **context):
    """The one shape of a form page: GET shows it; a valid POST calls the service; a service refusal
    shows its field errors beside what the user typed (422); success flashes and redirects.

    `save()` calls the service and returns what it saved; `success(saved)` gives (message, url)."""
    if form.validate_on_submit():
        try:
            saved = save()
        except ValidationFailed as error:
            db.session.rollback()
            apply_service_errors(form, error)
        else:
            message, url = success(saved)
            flash(message, "success")
            return redirect(url)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF shown in the browser, never cached on shared machines (letters hold personal data)."""
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})
