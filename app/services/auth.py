"""Signing in (web and API), login throttling, and API tokens."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.clock import utcnow
from app.extensions import db
from app.models import ApiToken, LoginAttempt, User
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


def _failures(*conditions) -> list[datetime]:
    return list(db.session.scalars(select(LoginAttempt.attempted_at)
                                   .where(LoginAttempt.succeeded.is_(False), *conditions)
                                   .order_by(LoginAttempt.attempted_at.desc())))


def _last_success(username: str) -> datetime | None:
    return db.session.scalar(select(func.max(LoginAttempt.attempted_at))
                             .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)))


def _known_address(username: str, address: str, now: datetime) -> bool:
    """Whether this account signed in successfully from this address lately (OWASP ASVS v4 2.2.1 "risk-based
    restrictions": a guesser elsewhere cannot lock the owner out of the office they always sign in from)."""
    since = now - current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    return db.session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.succeeded.is_(True),
        LoginAttempt.attempted_at > since).limit(1)) is not None


def _client_wait(address: str, now: datetime, attempt_id: int) -> timedelta | None:
    """Per client (ASVS 2.2.1 rate limiting): LOGIN_MAX_FAILURES failures from one address within
    LOGIN_FAILURE_WINDOW, whatever the usernames, block that address until the oldest of them leaves the window."""
    limit, window = current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_FAILURE_WINDOW"]
    recent = _failures(LoginAttempt.address == address, LoginAttempt.attempted_at > now - window,
                       LoginAttempt.id != attempt_id)[:limit]
    return recent[-1] + window - now if len(recent) >= limit else None


def account_hold(username: str, now: datetime, attempt_id: int | None = None) -> tuple[datetime, datetime] | None:
    """Per account (ASVS 2.2.1 soft lockout): every LOGIN_MAX_FAILURES failures since the last success, from
    addresses the account has not signed in from lately, hold the account for a while that doubles each time
    (LOGIN_FAILURE_WINDOW, then twice, four times, … at most LOGIN_MAX_LOCKOUT), counted from the failure that
    completed the run. At most 5 guesses per 15 minutes: far under ASVS's 100 per hour. It never locks for good,
    so anonymous guessers cannot keep an account shut until an administrator acts.

    Returns (when the hold began, when it ends) while a hold is on, else None."""
    limit, window = current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_FAILURE_WINDOW"]
    last_success = _last_success(username)
    known = select(LoginAttempt.address).where(
        LoginAttempt.username == username, LoginAttempt.succeeded.is_(True),
        LoginAttempt.attempted_at > now - current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"])
    failures = _failures(LoginAttempt.username == username, LoginAttempt.address.not_in(known),
                         *([LoginAttempt.attempted_at > last_success] if last_success else []),
                         *([LoginAttempt.id != attempt_id] if attempt_id else []))
    runs = len(failures) // limit
    if not runs:
        return None
    hold = min(window * 2 ** (runs - 1), current_app.config["LOGIN_MAX_LOCKOUT"])
    began = failures[len(failures) - runs * limit]  # the failure that completed the last full run
    return (began, began + hold) if began + hold > now else None


def held_user_ids(users: list[User]) -> set[int]:
    """Which of these accounts a soft lockout holds now (for the administrators' user list)."""
    now = utcnow()
    names = {user.username.lower(): user.id for user in users}
    recent = db.session.scalars(select(LoginAttempt.username).distinct().where(
        LoginAttempt.username.in_(names), LoginAttempt.succeeded.is_(False),
        LoginAttempt.attempted_at > now - current_app.config["LOGIN_MAX_LOCKOUT"]))
    return {names[name] for name in recent if account_hold(name, now)}


def _throttle_wait(username: str, address: str, now: datetime, attempt_id: int) -> int:
    """Minutes until another attempt is allowed; 0 when not throttled. The attempt being decided is already
    recorded (see sign_in) and is left out of the count. An address the account signed in from lately is held
    only by the per-client rule."""
    waits = [wait for wait in (_client_wait(address, now, attempt_id),) if wait]
    if not _known_address(username, address, now):
        hold = account_hold(username, now, attempt_id)
        if hold:
            waits.append(hold[1] - now)
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
        _audit_soft_lockout(user, now)
    if ok:
        attempt.succeeded = True
        user.last_login_at = now
        audit.record("auth.sign_in", actor=user, object_type="user", object_id=user.id,
                     org_path=user.org_unit.path)
    db.session.commit()
    return SignInResult(user=user if ok else None)


def _audit_soft_lockout(user: User, now: datetime) -> None:
    """A failure that starts a hold on the account is audited, so administrators see guessing (and may lift the
    hold early with "unlock")."""
    hold = account_hold(user.username.lower(), now)
    if hold and hold[0] == now:  # this very failure began it
        audit.record("user.soft_lock", actor=None, object_type="user", object_id=user.id,
                     org_path=user.org_unit.path, after={"until": hold[1].replace(microsecond=0).isoformat() + "Z"})


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
