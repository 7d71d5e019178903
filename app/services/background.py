"""Long jobs (batch printing, spreadsheet imports) run in a thread of the web process with their own app context
and database session; their state lives in the database so any page can show progress. JOBS_INLINE runs them
inside the request instead (tests)."""
from __future__ import annotations

import threading

from flask import current_app

from app.extensions import db


def start(job, *args, name: str) -> None:
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        job(*args)
        return
    threading.Thread(target=_in_context, args=(app, job, args), daemon=True, name=name).start()


def _in_context(app, job, args) -> None:
    with app.app_context():
        try:
            job(*args)
        finally:
            db.session.remove()
