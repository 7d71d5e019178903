"""Rate limits (issue 14; docs/security.md, Rate limits): the API per bearer token, /verify per client address,
uploads and imports per user. Flask-Limiter counts; this module gives it the app's database as its store, the keys,
the limits named by the settings in config.py, and the 429 answers."""
from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, g, render_template, request
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from limits.errors import ConfigurationError
from limits.storage import Storage, storage_from_string
from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from app.errors import api_error, wants_json
from app.extensions import db, limiter
from app.i18n import gettext as _
from app.models.rate_limits import RateLimitCounter
from app.services.auth import hash_token
from app.web import bearer_token

log = logging.getLogger(__name__)

EXTENSION = "krudesk.rate_limits"
PRUNE_EVERY = 60.0  # seconds between deletions of expired counters, per worker
WARN_EVERY = 60.0  # one warning a minute while the store is unreachable, not one per request
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}  # an unreachable Redis must not hang a page


class DatabaseStorage(Storage):
    """Fixed-window counters in the app's own database (table rate_limit_counters), so that every web worker
    shares them with no other service. Each hit is one atomic upsert in its own short transaction on the engine:
    a rollback of the request does not undo a count, and a count never commits the request's work."""

    STORAGE_SCHEME = ["krudesk+db"]
    _INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._pruned_at = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @property
    def engine(self):
        return db.engine  # the engine of the app serving the request

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the window; a window past its expiry starts again from `amount` (INSERT … ON CONFLICT
        DO UPDATE, the same statement on SQLite and PostgreSQL)."""
        now, table = time.time(), RateLimitCounter.__table__
        try:
            insert = self._INSERTS[self.engine.dialect.name]
        except KeyError:
            raise ConfigurationError(f"krudesk+db:// supports SQLite and PostgreSQL, not {self.engine.dialect.name}")
        stmt = insert(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": case((expired, stmt.excluded.count), else_=table.c.count + stmt.excluded.count),
            "expires_at": case((expired, stmt.excluded.expires_at), else_=table.c.expires_at),
        }).returning(table.c.count)
        with self.engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
            if now - self._pruned_at > PRUNE_EVERY:
                self._pruned_at = now
                conn.execute(delete(table).where(table.c.expires_at <= now))
        return count

    def _live(self, column, key: str):
        table = RateLimitCounter.__table__
        with self.engine.connect() as conn:
            return conn.scalar(select(column).where(table.c.key == key, table.c.expires_at > time.time()))

    def get(self, key: str) -> int:
        return self._live(RateLimitCounter.__table__.c.count, key) or 0

    def get_expiry(self, key: str) -> float:
        return self._live(RateLimitCounter.__table__.c.expires_at, key) or time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.key == key))


class PerAppStorage(Storage):
    """The limiter is one module-level object (the views' decorators need it at import), while each app names its
    own store (the tests run several apps in one process). This sends each call to the store of the app serving
    the request, and fails open: an unreachable store lets the request through with a logged warning, never a 500."""

    STORAGE_SCHEME = ["krudesk+app"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self):
        return ()  # errors are handled in _call

    @staticmethod
    def _call(method: str, *args, fallback):
        state = current_app.extensions[EXTENSION]
        try:
            return getattr(state["storage"], method)(*args)
        except Exception as error:  # noqa: BLE001 — any failure of the store: fail open (docs/security.md)
            now = time.time()
            if now - state["warned_at"] > WARN_EVERY:
                state["warned_at"] = now
                log.warning("rate-limit storage unreachable, requests are not limited: %s: %s",
                            error.__class__.__name__, error)
            return fallback() if callable(fallback) else fallback

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount, fallback=0)

    def get(self, key: str) -> int:
        return self._call("get", key, fallback=0)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key, fallback=time.time)

    def check(self) -> bool:
        return self._call("check", fallback=False)

    def reset(self) -> int | None:
        return self._call("reset", fallback=None)

    def clear(self, key: str) -> None:
        return self._call("clear", key, fallback=None)


# ---- keys: who a limit counts ----------------------------------------------------------------------------------

def address_key() -> str:
    """The client address (correct behind a proxy once ProxyFix is set up with the trusted-proxy setting)."""
    return "address:" + (request.remote_addr or "unknown")


def api_key() -> str:
    """The bearer token, as the hash the database keeps of it (never the token itself); the address without one."""
    token = bearer_token()
    return "token:" + hash_token(token)[:32] if token else address_key()


def user_key() -> str:
    """The signed-in user, whether through a web session or an API token."""
    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    return f"user:{user.id}" if user is not None else address_key()


# ---- the limits, read from the settings at each request -----------------------------------------------------------

api_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api", key_func=api_key)
verify_limit = limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"], key_func=address_key)
# One budget for evidence uploads (web and API) and spreadsheet imports; POSTs only (the import page is a GET too).
# override_defaults=False keeps the API's per-token limit on the API's upload route as well.
upload_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_UPLOADS"], scope="uploads",
                                    key_func=user_key, methods=["POST"], override_defaults=False)


@limiter.request_filter
def _disabled_for_this_app() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)


# ---- the 429 answer ---------------------------------------------------------------------------------------------

def _retry_after(error: RateLimitExceeded) -> int:
    current = limiter.current_limit
    # the window's end (RequestLimit.reset_at would round it up a second more)
    seconds = current.window.reset_time - time.time() if current is not None else error.limit.limit.get_expiry()
    return max(1, math.ceil(seconds))


def too_many_requests(error: RateLimitExceeded):
    """The API's error format (api-v1.md, Errors) or a page in the user's language; Retry-After either way."""
    seconds = _retry_after(error)
    if wants_json():
        response = api_error(429, f"rate limit exceeded ({error.description}); retry after {seconds} seconds")
    else:
        message = _("There were too many requests in a short time. Please wait %(seconds)d seconds and try again.",
                    seconds=seconds)
        response = current_app.make_response((render_template(
            "errors/generic.html", status=429, title=_("Too many requests"), text=message), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def register_rate_limits(app: Flask) -> None:
    if app.config.get("RATELIMIT_ENABLED", True):
        uri = app.config["RATELIMIT_STORAGE_URI"]
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        if uri.startswith(("redis://", "rediss://", "redis+unix://")):
            options = {**REDIS_TIMEOUTS, **options}
        app.extensions[EXTENSION] = {"storage": storage_from_string(uri, **options), "warned_at": 0.0}
        limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
