"""KruDesk: case management for teacher-debt restructuring and southern-border relief.

create_app's steps import the app's parts when an app is made, not when this package loads: every module of app/
imports this package first, so importing blueprints here at load time would make a pure `app.domain` import load
all of Flask's blueprints, and would tie every blueprint into an import cycle through this file."""
from __future__ import annotations

import threading

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    app = Flask(
        __name__,
        instance_path=str(config_class.INSTANCE_PATH),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    config_class.init_app(app)
    app.json.ensure_ascii = False  # Thai text as-is in JSON (api-v1.md, Conventions)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_rate_limits(app)
    register_templating(app)
    register_cli(app)
    register_jobs(app)
    register_pdf(app)
    register_security(app)
    register_proxies(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme come from their X-Forwarded-For and
    -Proto headers (the sign-in throttle, rate limits and the audit trail see the real client). The Host header is
    never trusted: absolute URLs come from PUBLIC_BASE_URL (app/urls.py)."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers the tables with the metadata)
    from app.extensions import babel, csrf, db, login_manager, migrate
    from app.i18n import install_template_callables, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(BASE_DIR / "app" / "translations"))
    install_template_callables(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    from app.auth.session import load_user, localised_login_message

    login_manager.user_loader(load_user)
    login_manager.localize_callback = localised_login_message


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: row ids are 32-bit, so a larger number (or one SQLite cannot bind) is simply not a
    route — 404, never an overflow error deep in a query (found by fuzzing the API)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
    from app.admin.views import bp as admin_bp
    from app.api import bp as api_bp
    from app.approvals.views import bp as approvals_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.debt import import_views  # noqa: F401  (import pages register on the debt blueprint)
    from app.debt.views import bp as debt_bp
    from app.export_jobs import bp as export_jobs_bp
    from app.extensions import csrf
    from app.letters import bp as letters_bp
    from app.reports import bp as reports_bp
    from app.main.views import bp as main_bp
    from app.people.views import bp as people_bp
    from app.relief.views import bp as relief_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(debt_bp, url_prefix="/debt-cases")
    app.register_blueprint(people_bp, url_prefix="/people")
    app.register_blueprint(approvals_bp)
    app.register_blueprint(relief_bp, url_prefix="/relief-cases")
    app.register_blueprint(letters_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(export_jobs_bp, url_prefix="/exports")
    # The API authenticates with bearer tokens, never cookies, so cross-site request forgery cannot ride it.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_security(app: Flask) -> None:
    from app.security import register_security_headers

    register_security_headers(app)


def register_pdf(app: Flask) -> None:
    """Fonts once per process; the Thai word dictionary (~0.5 s) loads in the background so the first letter
    does not wait for it and start-up is not held up (thai-documents.md, Cost)."""
    from app.pdf.fonts import register_fonts
    from app.pdf.thai_wrap import warm_up

    register_fonts()
    if app.config.get("PDF_WARM_UP", True):
        threading.Thread(target=warm_up, name="thai-dictionary", daemon=True).start()


def register_errors(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)


def register_rate_limits(app: Flask) -> None:
    from app.rate_limits import register_rate_limits as register

    register(app)


def register_templating(app: Flask) -> None:
    from app.templating import register_template_helpers

    register_template_helpers(app)


def register_jobs(app: Flask) -> None:
    """The job engine bound to this app, with every task loaded (a worker drops messages for tasks it lacks)."""
    from app.jobs import engine, tasks  # noqa: F401  (tasks registers each task with the engine)
    from app.jobs.worker import worker_command

    engine.init_app(app)
    app.cli.add_command(worker_command)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
