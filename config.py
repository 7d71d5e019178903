"""Configuration classes for KruDesk.

Pick one with KRUDESK_ENV (development, testing, production); create_app() takes the class directly.
Domain settings that officers may change (floor, caps, rule amounts) live in the database, not here;
this file holds deployment settings and security thresholds.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KRUDESK_INSTANCE_PATH") or BASE_DIR / "instance")  # uploads, SQLite, files


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever prefix the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _persistent_dev_secret() -> str:
    """A development secret kept in instance/ so sessions survive a restart; never used in production."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _mail_from_environment(app) -> None:
    for name in ("MAIL_SERVER", "MAIL_FROM"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("MAIL_PORT", "").isdigit():
        app.config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])


def _letters_from_environment(app) -> None:
    for name in ("PUBLIC_BASE_URL", "LETTER_EMBLEM_PATH"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if not app.config.get("LETTER_EMBLEM_PATH"):
        emblem = Path(app.config["INSTANCE_PATH"]) / "letter-emblem.png"
        app.config["LETTER_EMBLEM_PATH"] = str(emblem) if emblem.is_file() else None


class Config:
    APP_NAME = "KruDesk"
    INSTANCE_PATH = INSTANCE_DIR  # the SQLite database, demo logins, uploads
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'krudesk.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Thai first; the English switch is kept in the session.
    BABEL_DEFAULT_LOCALE = "th"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"
    LANGUAGES = ("th", "en")

    # Session cookie: not readable by scripts, not sent cross-site on POST.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # the absolute session lifetime
    # The cookie keeps the expiry it got at sign-in (the absolute limit); the idle limit is the session's seen_at.
    SESSION_REFRESH_EACH_REQUEST = False

    WTF_CSRF_TIME_LIMIT = None  # tie CSRF tokens to the session, not a clock: long forms must not expire
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Login throttling: after LOGIN_MAX_FAILURES failures inside the window, for one username or one
    # address, further attempts are refused until the oldest failure leaves the window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    # Lockout: this many failed sign-ins for one username since its last success lock the account until an
    # administrator unlocks it (the throttle above slows guessing; the lock stops it).
    LOGIN_LOCK_FAILURES = 10
    # Sessions end after this long idle, and in any case this long after signing in.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"

    # E-mail to the next actor of a case; without MAIL_SERVER, notices stay in the app and are logged.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_FROM = "krudesk@localhost"

    # Letters (thai-documents.md): the address printed in each letter's QR code (set it when the app sits behind
    # a proxy; otherwise the address of the request that issued the letter), and the emblem (ตราครุฑ) image for
    # the top of letters, which is not shipped: put the office's official file there.
    PUBLIC_BASE_URL: str | None = None
    LETTER_EMBLEM_PATH: str | None = None
    JOBS_INLINE = False  # True: batch prints and imports run inside the request (tests); else in a thread

    API_TOKEN_LIFETIME = timedelta(hours=12)
    API_MAX_PER_PAGE = 200
    LIST_PER_PAGE = 50

    @classmethod
    def init_app(cls, app) -> None:
        """Finish the configuration from the environment at start-up (not at import)."""
        if os.environ.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        _mail_from_environment(app)
        _letters_from_environment(app)
        _letters_from_environment(app)


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger runs code from the browser; turn it on by hand if you need it

    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _persistent_dev_secret()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # tests name their own database (tests/conftest.py)

    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing in tests only
    WTF_CSRF_ENABLED = False  # tests/web/test_csrf.py turns it back on and checks every form
    JOBS_INLINE = True

    @classmethod
    def init_app(cls, app) -> None:
        # Tests choose their database with TEST_DATABASE_URL, never DATABASE_URL (which may be real data).
        if os.environ.get("TEST_DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["TEST_DATABASE_URL"])


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def init_app(cls, app) -> None:
        """Refuse to start without a secret key, a database and the public address named by the environment.
        The public address goes into every letter's QR code; taken from requests it would follow the Host header."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        _mail_from_environment(app)
        _letters_from_environment(app)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("KRUDESK_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"KRUDESK_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
