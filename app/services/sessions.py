"""Browser sessions that the server keeps and can end (issue 14, item 3).

The signed cookie carries only a random token; the server keeps its SHA-256 with the user, and a request is
signed in only while that row is live. So signing out, "sign out everywhere", deactivation and a new password end
sessions on the server: a cookie copied before then opens nothing afterwards, and reactivating an account does
not bring its old sessions back.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import ApiToken, User, UserSession
from app.services import audit


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, address: str | None, user_agent: str | None) -> str:
    """A new live session for `user`; returns the token for the cookie (only its hash is stored). Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=digest(token), address=(address or "")[:64] or None,
                               user_agent=(user_agent or "")[:200] or None))
    db.session.commit()
    user.session_token = token
    return token


def _live():
    """Not ended, and younger than the absolute session lifetime (PERMANENT_SESSION_LIFETIME, issue 8)."""
    born_after = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return UserSession.ended_at.is_(None), UserSession.created_at > born_after


def resolve(token: str | None) -> User | None:
    """The active user whose live session this token is, or None. One statement per request."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == digest(token), *_live(), User.active.is_(True)))
    if user is not None:
        user.session_token = token
    return user


def sign_out(user: User) -> None:
    """End the session this user object was loaded for; audited. Commits."""
    if user.session_token:
        db.session.execute(update(UserSession).where(UserSession.token_hash == digest(user.session_token),
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow(), end_reason="sign_out"))
    audit.record("auth.sign_out", actor=user, object_type="user", object_id=user.id, org_path=user.org_unit.path)
    db.session.commit()


def end_all(user: User, reason: str) -> int:
    """End every live session of `user` (the caller commits with its own change and audit). Returns how many."""
    result = db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.ended_at.is_(None))
                                .values(ended_at=utcnow(), end_reason=reason))
    return result.rowcount or 0


def live_sessions(user: User) -> list[UserSession]:
    """The sessions that may still be open (the idle limit lives in each browser's signed cookie)."""
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id, *_live())
                                   .order_by(UserSession.created_at.desc())))


def sign_out_everywhere(user: User) -> int:
    """The user's own "sign out everywhere": every browser session and every API token end. Audited; commits."""
    ended = end_all(user, "sign_out_everywhere")
    revoked = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                 .values(revoked_at=utcnow())).rowcount or 0
    audit.record("auth.sign_out_everywhere", actor=user, object_type="user", object_id=user.id,
                 org_path=user.org_unit.path, after={"sessions_ended": ended, "tokens_revoked": revoked})
    db.session.commit()
    return ended
