"""Signing in (web and API), login throttling, and API tokens."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import ApiToken, LoginAttempt, User
from app.models.clock import utcnow
from app.services import audit

_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong username costs as long as a wrong password."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _dummy_hashes[method]


@dataclass
class SignInResult:
    user: User | None = None
    throttled: bool = False
    wait_minutes: int = 0
    locked: bool = False


def _throttle_wait(username: str, address: str, now: datetime, attempt_id: int) -> int:
    """Minutes until another attempt is allowed; 0 when not throttled.

    Rule: LOGIN_MAX_FAILURES failed attempts within LOGIN_FAILURE_WINDOW for one username (since its
    last success) or for one address block further attempts until the oldest failure leaves the window.
    The attempt being decided is already recorded (see sign_in) and is left out of the count.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    since = now - window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    user_since = max(since, last_success) if last_success else since
    waits = []
    for column, value, start in ((LoginAttempt.username, username, user_since),
                                 (LoginAttempt.address, address, since)):
        failures = db.session.scalars(
            select(LoginAttempt.attempted_at)
            .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > start,
                   LoginAttempt.id != attempt_id)
            .order_by(LoginAttempt.attempted_at.desc()).limit(limit)
        ).all()
        if len(failures) >= limit:
            waits.append(failures[-1] + window - now)
    if not waits:
        return 0
    return max(1, math.ceil(max(waits).total_seconds() / 60))


def sign_in(username: str, password: str, address: str | None) -> SignInResult:
    """Check a username and password, applying the throttle; records the attempt.

    The attempt is written (as a failure) and committed before anything is checked, so parallel
    requests see each other: at most LOGIN_MAX_FAILURES of them get as far as the password check.
    """
    username = (username or "").strip().lower()[:64]
    address = (address or "unknown")[:64]
    now = utcnow()
    attempt = LoginAttempt(username=username, address=address, succeeded=False, attempted_at=now)
    db.session.add(attempt)
    db.session.commit()
    wait = _throttle_wait(username, address, now, attempt.id)
    if wait:
        db.session.delete(attempt)  # a refused attempt does not lengthen the wait
        db.session.commit()
        return SignInResult(throttled=True, wait_minutes=wait)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if user is not None and user.locked_at is not None:
        db.session.commit()
        # Say "locked" only to whoever knows the password: to anyone else a locked account looks like any failure.
        return SignInResult(locked=valid)
    ok = bool(user and valid and user.active)
    if user is not None and not valid:
        _lock_after_repeated_failures(user, now)
    if ok:
        attempt.succeeded = True
        user.last_login_at = now
        audit.record("auth.sign_in", actor=user, object_type="user", object_id=user.id,
                     org_path=user.org_unit.path)
    db.session.commit()
    return SignInResult(user=user if ok else None)


def _lock_after_repeated_failures(user: User, now: datetime) -> None:
    last_success = db.session.scalar(select(func.max(LoginAttempt.attempted_at)).where(
        LoginAttempt.username == user.username.lower(), LoginAttempt.succeeded.is_(True)))
    failures = db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == user.username.lower(), LoginAttempt.succeeded.is_(False),
        *([LoginAttempt.attempted_at > last_success] if last_success else [])))
    if failures >= current_app.config["LOGIN_LOCK_FAILURES"]:
        user.locked_at = now
        audit.record("user.lock", actor=None, object_type="user", object_id=user.id, org_path=user.org_unit.path,
                     after={"failed_sign_ins": failures})


def record_sign_out(user: User) -> None:
    audit.record("auth.sign_out", actor=user, object_type="user", object_id=user.id,
                 org_path=user.org_unit.path)
    db.session.commit()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=hash_token(token),
                   expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"])
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.issue", actor=user, object_type="api_token", object_id=row.id,
                 org_path=user.org_unit.path, after={"expires_at": row.expires_at.isoformat()})
    db.session.commit()
    return token, row


def resolve_token(token: str) -> ApiToken | None:
    """The live token row for a presented bearer token, or None (unknown, expired, revoked, user inactive)."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


def revoke_token(row: ApiToken) -> None:
    row.revoked_at = utcnow()
    audit.record("api_token.revoke", actor=row.user, object_type="api_token", object_id=row.id,
                 org_path=row.user.org_unit.path)
    db.session.commit()
