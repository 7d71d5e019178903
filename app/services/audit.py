"""Writing the audit trail. Called by services before their single commit, so the change and its
record land together or not at all."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from sqlalchemy import insert

from app.domain.clock import utcnow
from app.extensions import db
from app.models import AuditEvent, User


def request_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def _columns(action: str, *, actor: User | None, object_type: str, object_id: Any = None, org_path: str = "/",
             before: dict | None = None, after: dict | None = None) -> dict:
    return {
        "actor_id": actor.id if actor else None,
        "actor_username": actor.username if actor else "system",
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "org_path": org_path,
        "before": before,
        "after": after,
        "address": request_address() or ("cli" if actor is None else None),
    }


def record(
    action: str,
    *,
    actor: User | None,
    object_type: str,
    object_id: Any = None,
    org_path: str = "/",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(**_columns(action, actor=actor, object_type=object_type, object_id=object_id,
                                  org_path=org_path, before=before, after=after))
    db.session.add(event)
    return event


def record_many(action: str, *, actor: User | None, object_type: str, events: Iterable[dict]) -> None:
    """Many events of one action in one INSERT, for bulk writes (a spreadsheet import): each event is a dict of
    `object_id`, `org_path`, `before`, `after`, and its row is exactly the one record() would write."""
    now = utcnow()
    rows = [{**_columns(action, actor=actor, object_type=object_type, **event), "occurred_at": now}
            for event in events]
    if rows:
        db.session.execute(insert(AuditEvent), rows)


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so the audit page shows what happened and not the whole row."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
