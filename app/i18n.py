"""Language choice: Thai unless the user switched to English (kept in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, session


def current_language() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # command line, services called from tests
        return default
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else default


def select_locale() -> str:
    return current_language()
