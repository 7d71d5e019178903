"""Flask-Login glue and the view decorator that applies the role permissions."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.models import User
from app.services.permissions import can


def load_user(session_id: str) -> User | None:
    user_id, _, fingerprint = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdecimal() and len(user_id) < 12 else None
    if user is None or not user.active or fingerprint != user.session_fingerprint:
        return None
    return user


def localised_login_message(_message: str) -> str:
    return _("Please sign in to open this page.")


def permission_required(permission: str):
    """Sign-in required, then the role must hold `permission` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
