"""Staff accounts: created, changed, deactivated and given new passwords by administrators."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from app.domain.clock import utcnow
from app.domain.passwords import password_problems
from app.extensions import db
from app.i18n import gettext as _
from app.models import ApiToken, LoginAttempt, OrgUnit, Role, UnitKind, User
from app.services import audit, sessions
from app.services.auth import account_hold
from app.services.errors import NotFound, ValidationFailed
from app.services.permissions import ROLE_UNIT_KINDS, require
from app.services.scope import get_scoped_or_404

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def password_messages(password: str, username: str) -> list[str]:
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    texts = {
        "too_short": _("Use at least %(n)d characters.", n=min_length),
        "no_letter": _("Include at least one letter."),
        "no_digit": _("Include at least one digit."),
        "contains_username": _("Do not include the username."),
        "common": _("This password is too common."),
    }
    return [texts[code] for code in password_problems(password, username, min_length)]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@dataclass
class UserInput:
    username: str
    full_name: str
    role: str
    org_unit_id: int | None
    email: str | None = None
    password: str | None = None
    active: bool = True


def _snapshot(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "role": user.role, "org_unit_id": user.org_unit_id, "active": user.active}


def _check_role_and_unit(data: UserInput, actor: User, errors: dict[str, str]) -> OrgUnit | None:
    try:
        role = Role(data.role)
    except ValueError:
        errors["role"] = _("Choose a role.")
        role = None
    unit = None
    if data.org_unit_id is None:
        errors["org_unit_id"] = _("Choose the unit this person works for.")
    else:
        try:
            unit = (get_scoped_or_404(OrgUnit, data.org_unit_id, actor) if actor is not None
                    else db.session.get(OrgUnit, data.org_unit_id))
        except NotFound:
            unit = None
        if unit is None:
            errors["org_unit_id"] = _("Choose a unit inside your scope.")
    if role is not None and unit is not None and UnitKind(unit.kind) not in ROLE_UNIT_KINDS[role]:
        errors["org_unit_id"] = _("This role cannot belong to a unit of this kind.")
    return unit


def create_user(actor: User | None, data: UserInput) -> User:
    """Create an account. `actor` None means the command line (flask create-user, seed-demo)."""
    if actor is not None:
        require(actor, "manage_users")
    errors: dict[str, str] = {}
    username = data.username.strip().lower()
    if not username or not set(username) <= USERNAME_CHARS or len(username) > 64:
        errors["username"] = _("Use 1–64 characters: a–z, 0–9, dot, dash or underscore.")
    elif db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        errors["username"] = _("This username is taken.")
    if not data.full_name.strip():
        errors["full_name"] = _("Enter the person's full name.")
    problems = password_messages(data.password or "", username)
    if problems:
        errors["password"] = " ".join(problems)
    unit = _check_role_and_unit(data, actor, errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    user = User(username=username, full_name=data.full_name.strip(), email=(data.email or None),
                role=Role(data.role).value, org_unit=unit, active=data.active,
                password_hash=hash_password(data.password))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", actor=actor, object_type="user", object_id=user.id,
                 org_path=unit.path, after=_snapshot(user))
    db.session.commit()
    return user


def update_user(actor: User, user_id: int, data: UserInput) -> User:
    require(actor, "manage_users")
    user = get_scoped_or_404(User, user_id, actor, OrgUnit.path)
    errors: dict[str, str] = {}
    if not data.full_name.strip():
        errors["full_name"] = _("Enter the person's full name.")
    unit = _check_role_and_unit(data, actor, errors)
    if user.id == actor.id and (data.role != actor.role or not data.active):
        errors["role"] = _("You cannot change your own role or deactivate yourself.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    before = _snapshot(user)
    user.full_name, user.email = data.full_name.strip(), (data.email or None)
    user.role, user.org_unit, user.active = data.role, unit, data.active
    if not user.active:
        _revoke_all_tokens(user)
        sessions.end_all(user, "deactivated")
    old, new = audit.changed_fields(before, _snapshot(user))
    if new:
        audit.record("user.update", actor=actor, object_type="user", object_id=user.id,
                     org_path=unit.path, before=old, after=new)
    db.session.commit()
    return user


def set_active(actor: User, user_id: int, active: bool) -> User:
    require(actor, "manage_users")
    user = get_scoped_or_404(User, user_id, actor, OrgUnit.path)
    if user.id == actor.id:
        raise ValidationFailed(_("You cannot deactivate yourself."))
    if user.active != active:
        user.active = active
        if not active:
            _revoke_all_tokens(user)
            sessions.end_all(user, "deactivated")  # reactivating later does not bring these sessions back
        audit.record("user.activate" if active else "user.deactivate", actor=actor, object_type="user",
                     object_id=user.id, org_path=user.org_unit.path,
                     before={"active": not active}, after={"active": active})
        db.session.commit()
    return user


def unlock(actor: User, user_id: int) -> User:
    """Administrators lift a hold on an account after failed sign-ins early (audited): the soft lockout of
    services/auth.py, or a lock set before it replaced the permanent one (issue 14)."""
    require(actor, "manage_users")
    user = get_scoped_or_404(User, user_id, actor, OrgUnit.path)
    hold = account_hold(user.username.lower(), utcnow())
    if user.locked_at is not None or hold:
        held_since = user.locked_at or hold[0]
        audit.record("user.unlock", actor=actor, object_type="user", object_id=user.id, org_path=user.org_unit.path,
                     before={"locked_at": held_since.isoformat()}, after={"locked_at": None})
        user.locked_at = None
        db.session.add(LoginAttempt(username=user.username.lower(), address="unlock", succeeded=True,
                                    attempted_at=utcnow()))  # the failures before the unlock no longer count
        db.session.commit()
    return user


def reset_password(actor: User | None, user_id: int, new_password: str) -> User:
    """Administrators set a new password; the old one and every API token stop working."""
    if actor is not None:
        require(actor, "manage_users")
        user = get_scoped_or_404(User, user_id, actor, OrgUnit.path)
    else:
        user = db.session.get(User, user_id)
    problems = password_messages(new_password, user.username)
    if problems:
        raise ValidationFailed(_("Please correct the marked fields."), {"password": " ".join(problems)})
    user.password_hash = hash_password(new_password)
    _revoke_all_tokens(user)
    sessions.end_all(user, "password_reset")
    # The hash itself is never written to the audit trail.
    audit.record("user.reset_password", actor=actor, object_type="user", object_id=user.id,
                 org_path=user.org_unit.path)
    db.session.commit()
    return user


def _revoke_all_tokens(user: User) -> None:
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
