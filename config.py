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


def _storage_from_environment(app) -> None:
    if os.environ.get("FILE_STORAGE"):
        app.config["FILE_STORAGE"] = os.environ["FILE_STORAGE"]
    if os.environ.get("BACKUP_KEEP", "").isdigit():
        app.config["BACKUP_KEEP"] = int(os.environ["BACKUP_KEEP"])


def _jobs_from_environment(app) -> None:
    for name in ("JOBS_URL",):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    for name in ("JOBS_WORKERS", "JOBS_STALE_SECONDS", "JOBS_REQUEUE_SECONDS", "LETTER_BATCH_CHUNK"):
        if os.environ.get(name, "").isdigit():
            app.config[name] = int(os.environ[name])
    if os.environ.get("JOBS_SCHEDULE") in ("0", "1"):
        app.config["JOBS_SCHEDULE"] = os.environ["JOBS_SCHEDULE"] == "1"
    if not app.config.get("JOBS_URL"):
        app.config["JOBS_URL"] = f"sqlite:///{Path(app.config['INSTANCE_PATH']) / 'jobs.db'}"


def _proxies_from_environment(app) -> None:
    if os.environ.get("TRUSTED_PROXIES", "").isdigit():
        app.config["TRUSTED_PROXIES"] = int(os.environ["TRUSTED_PROXIES"])


def _rate_limits_from_environment(app) -> None:
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]


def _letters_from_environment(app) -> None:
    for name in ("PUBLIC_BASE_URL", "LETTER_EMBLEM_PATH"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("SIGNING_KEY_PASSPHRASE"):
        app.config["SIGNING_KEY_PASSPHRASE"] = os.environ["SIGNING_KEY_PASSPHRASE"]
    if os.environ.get("SIGNING_AUTO_KEYS") in ("0", "1"):
        app.config["SIGNING_AUTO_KEYS"] = os.environ["SIGNING_AUTO_KEYS"] == "1"
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
    # Soft lockout (OWASP ASVS v4 2.2.1, docs/security.md): each further LOGIN_MAX_FAILURES failures for one
    # username since its last success hold it twice as long as the last time, up to LOGIN_MAX_LOCKOUT; an address
    # the account signed in from within LOGIN_KNOWN_ADDRESS_DAYS is held only by the per-address rule.
    LOGIN_MAX_LOCKOUT = timedelta(hours=24)
    LOGIN_KNOWN_ADDRESS_DAYS = timedelta(days=30)
    # Behind a reverse proxy: how many proxies in front of the app set X-Forwarded-For / -Proto (Werkzeug's
    # ProxyFix). 0 (the default) ignores those headers, which any client can forge.
    TRUSTED_PROXIES = 0
    # Sessions end after this long idle, and in any case this long after signing in.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"

    # E-mail to the next actor of a case; without MAIL_SERVER, notices stay in the app and are logged.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_FROM = "krudesk@localhost"

    # The site's public address (app/urls.py): every absolute URL the app gives out starts with it, the QR code of
    # each letter included, never with a request's Host header. Required in production; in development
    # `make run`'s own address. Letters (thai-documents.md) also take the emblem (ตราครุฑ) image for
    # the top of letters, which is not shipped: put the office's official file there.
    PUBLIC_BASE_URL: str | None = None
    LETTER_EMBLEM_PATH: str | None = None
    # Signed letters (issue 18; app/services/signing_keys.py): each unit's key is stored as a PKCS#12 encrypted
    # under SIGNING_KEY_PASSPHRASE (environment); empty means one derived from SECRET_KEY, so changing SECRET_KEY
    # then makes the stored keys unreadable (letters are issued unsigned, and logged) until they are uploaded again.
    # SIGNING_AUTO_KEYS: an office without a key gets a self-signed one on its first letter (development); off, its
    # letters are issued unsigned and their pages say so (production: an administrator uploads the unit's PKCS#12).
    # A PDF uploaded to the public verification page may be this large.
    SIGNING_KEY_PASSPHRASE: str | None = None
    SIGNING_AUTO_KEYS = False
    SIGNING_VERIFY_MAX_BYTES = 10 * 1024 * 1024
    # Where evidence is kept (app/storage.py; uploads and batch PDFs follow with issue 16): "local" (a folder under
    # INSTANCE_PATH) or "database" (the app's database, which every server reaches). docs/jobs-and-files.md.
    FILE_STORAGE = "local"
    # Backups made by the job engine (the daily "backup" job, "back up now" on /admin/jobs, `flask backup --queue`)
    # go into that storage as backups/krudesk-…, so every server can serve them; the newest BACKUP_KEEP are kept and
    # older ones deleted. `flask backup` without --queue still writes a file where it is told (instance/backups/).
    BACKUP_KEEP = 7
    # The job engine (app/jobs, docs/jobs-and-files.md). JOBS_URL picks its queue: empty means
    # sqlite:///INSTANCE_PATH/jobs.db (nothing to install or start); redis://… or postgresql://… for several servers.
    # JOBS_IMMEDIATE runs every job where it is queued (the tests). A claimed job with no sign of life for
    # JOBS_STALE_SECONDS is given to another worker; a queued one nobody took for JOBS_REQUEUE_SECONDS is queued
    # again; any job stops after JOBS_TIME_LIMIT seconds. A letter batch is prepared and printed in chunks of
    # LETTER_BATCH_CHUNK cases, so several workers share it.
    JOBS_URL = ""
    JOBS_IMMEDIATE = False
    JOBS_WORKERS = 0  # `flask worker` processes; 0: one per CPU
    JOBS_STALE_SECONDS = 30
    JOBS_REQUEUE_SECONDS = 120
    JOBS_TIME_LIMIT = 3600
    LETTER_BATCH_CHUNK = 50  # docs/benchmarks.md: best at 50 on SQLite and Redis queues, at 100 on PostgreSQL's
    # The daily and monthly runs (app/jobs/schedule.py: the backup, enrolment checks falling due, the retention
    # report) are started by every worker's scheduler; JOBS_SCHEDULE=0 starts none (a test of the engine itself).
    JOBS_SCHEDULE = True
    # Spreadsheet imports (issue 14): a check or an import running longer than this many seconds is stopped and
    # marked failed (keep it below debt_import.STALLED_AFTER, 15 minutes); an XLSX may unpack to at most this
    # many MB in all, and each part read whole (shared strings, styles: all but the streamed sheets) to this many.
    IMPORT_JOB_TIME_LIMIT = 600
    IMPORT_XLSX_MAX_UNPACKED_MB = 256
    IMPORT_XLSX_MAX_PART_MB = 32

    API_TOKEN_LIFETIME = timedelta(hours=12)
    API_MAX_PER_PAGE = 200
    LIST_PER_PAGE = 50
    # A list download (?format=csv|xlsx) of at most this many rows is built in the request; a larger one becomes a
    # job of the job engine (app/services/list_exports.py) whose page shows its progress, then the file. Any export
    # stops at app/exports.py's MAX_EXPORT_ROWS (200,000) rows.
    EXPORT_INLINE_ROWS = 5_000

    # Rate limits (issue 14; docs/security.md, Rate limits), in Flask-Limiter's notation ("N/minute;M/day").
    # Counts live in the app's own database (krudesk+db://, shared by every web worker) unless the environment
    # names Redis (RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0). An unreachable store lets requests through.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "krudesk+db://"
    RATELIMIT_STORAGE_OPTIONS: dict = {}  # passed to the Redis storage, e.g. {"key_prefix": "krudesk"}
    RATELIMIT_API = "600/minute"  # per bearer token, all of /api/v1 together
    RATELIMIT_VERIFY = "30/minute"  # /verify/<token>, per client address
    RATELIMIT_UPLOADS = "20/minute;200/day"  # evidence uploads (web and API) and imports, per user, together

    @classmethod
    def init_app(cls, app) -> None:
        """Finish the configuration from the environment at start-up (not at import)."""
        if os.environ.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        _mail_from_environment(app)
        _letters_from_environment(app)
        _rate_limits_from_environment(app)
        _proxies_from_environment(app)
        _storage_from_environment(app)
        _jobs_from_environment(app)


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger runs code from the browser; turn it on by hand if you need it
    SIGNING_AUTO_KEYS = True  # `flask seed-demo` makes keys too; a unit added later signs with a generated one

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
    PUBLIC_BASE_URL = "http://localhost/"  # the test client's own address
    WTF_CSRF_ENABLED = False  # tests/web/test_csrf.py turns it back on and checks every form
    JOBS_IMMEDIATE = True  # tests/jobs run real workers against SQLite, Redis and PostgreSQL queues
    RATELIMIT_ENABLED = False  # tests/web/test_rate_limits.py builds its own apps with the limits on

    @classmethod
    def init_app(cls, app) -> None:
        # Tests choose their database with TEST_DATABASE_URL, never DATABASE_URL (which may be real data).
        if os.environ.get("TEST_DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["TEST_DATABASE_URL"])
        if not app.config.get("JOBS_URL"):
            app.config["JOBS_URL"] = f"sqlite:///{Path(app.config['INSTANCE_PATH']) / 'jobs.db'}"


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
        _rate_limits_from_environment(app)
        _proxies_from_environment(app)
        _storage_from_environment(app)
        _jobs_from_environment(app)


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
