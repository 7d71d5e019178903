"""Flask-Login glue and the view decorator that applies the role permissions."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.i18n import gettext as _
from app.models import User
from app.services import sessions
from app.services.permissions import can


def load_user(session_token: str) -> User | None:
    """The cookie names a server-side session (app/services/sessions.py); it counts only while that is live."""
    return sessions.resolve(session_token)


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
