"""Reads repeated within one unit of work, answered once (issue 22 point 3: the case page asked for the case's
latest approval snapshot six times — the figures, the approved plan, the schedule, the letters, the page itself).

A value is kept in the session's `info` until the session next writes: every flush, commit or rollback forgets
them all, and nothing is answered from memory while the session holds changes not yet flushed (a snapshot just
added must be read by the query, whose autoflush writes it first). So a memo never answers what the database
would not.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

T = TypeVar("T")
_KEY = "krudesk.memo"


def remembered(key: tuple, read: Callable[[], T]) -> T:
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return read()
    memo = session.info.setdefault(_KEY, {})
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _forget(session, *_args) -> None:
    session.info.pop(_KEY, None)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, _forget)
