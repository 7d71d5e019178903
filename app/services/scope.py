"""The one place that decides what a user may see: their org unit and everything below it.

Every object that belongs to an org unit carries that unit's materialised path ("/1/4/52/"); a user
sees an object when the object's path starts with the user's own unit path (as Fineract scopes by
office hierarchy). Views and API handlers build queries through `scoped()` and load single objects
through `get_scoped_or_404()`; out-of-scope objects are reported as missing, never as forbidden.
"""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.models import OrgUnit, User
from app.services.errors import NotFound

T = TypeVar("T")


def scoped(stmt: Select, path_column: InstrumentedAttribute, user: User) -> Select:
    """Restrict `stmt` to rows whose `path_column` lies in the user's subtree."""
    return stmt.where(prefix_match(path_column, user.scope_path))


def prefix_match(column, prefix: str):
    """`column` starts with `prefix`, written so that each database can answer it from an index: LIKE on
    PostgreSQL (whose pattern-ops indexes serve it, migration 0008), a half-open range on SQLite, whose LIKE
    never uses an index on a BINARY column. Both compare exactly (case-sensitive), so they agree."""
    if prefix and db.session.get_bind().dialect.name == "sqlite":
        bound = ord(prefix[-1]) + 1
        if 0xD800 <= bound <= 0xDFFF:
            bound = 0xE000  # no surrogates in UTF-8 text: the next character up is U+E000
        if bound <= 0x10FFFF:
            return and_(column >= prefix, column < prefix[:-1] + chr(bound))
    return column.startswith(prefix, autoescape=True)


def in_scope(user: User, path: str) -> bool:
    return path.startswith(user.scope_path)


def get_scoped_or_404(model: type[T], object_id: int, user: User, path_column=None) -> T:
    """Load one object by id inside the user's scope, or raise NotFound (never revealing it exists)."""
    if path_column is None:
        path_column = model.path
    stmt = select(model).where(model.id == object_id)
    if model is User:
        stmt = stmt.join(User.org_unit)
    obj = db.session.scalar(scoped(stmt, path_column, user))
    if obj is None:
        raise NotFound()
    return obj


def units_in_scope(user: User, kinds: tuple[str, ...] | None = None) -> Select:
    stmt = scoped(select(OrgUnit), OrgUnit.path, user)
    if kinds:
        stmt = stmt.where(OrgUnit.kind.in_(kinds))
    return stmt.order_by(OrgUnit.path)
