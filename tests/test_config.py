from pathlib import Path

import pytest

from app import create_app
from config import ProductionConfig, normalise_database_url


def test_production_refuses_to_start_without_secret_database_and_public_address(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL, PUBLIC_BASE_URL"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(ProductionConfig)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(ProductionConfig)


def test_production_takes_both_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://krudesk.example.go.th/")
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == "s" * 32
    assert app.config["PUBLIC_BASE_URL"] == "https://krudesk.example.go.th/"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.nodb
@pytest.mark.parametrize("url, workers, threads", [("sqlite:////srv/krudesk.db", 2, 2),
                                                    ("postgresql://krudesk@db/krudesk", 3, 1), ("", 2, 2)])
def test_gunicorn_takes_the_settings_measured_for_its_database(monkeypatch, url, workers, threads):
    """gunicorn.conf.py on 2 cores (issue 22 point 3): SQLite 2 × 2, PostgreSQL 3 × 1; the environment overrides."""
    import multiprocessing
    import runpy

    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("KRUDESK_WORKERS", raising=False)
    monkeypatch.delenv("KRUDESK_THREADS", raising=False)
    settings = runpy.run_path(str(Path(__file__).parents[1] / "gunicorn.conf.py"))
    assert (settings["workers"], settings["threads"]) == (workers, threads)
    monkeypatch.setenv("KRUDESK_WORKERS", "7")
    assert runpy.run_path(str(Path(__file__).parents[1] / "gunicorn.conf.py"))["workers"] == 7
