"""Security headers on every response (issue 8)."""
from app.security import CONTENT_SECURITY_POLICY


def test_every_response_carries_the_security_headers(client, as_user):
    for response in (client.get("/login"), client.get("/static/css/app.css"), client.get("/nope"),
                     client.get("/api/v1/me")):
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # development and tests run over plain HTTP


def test_production_adds_hsts(monkeypatch, tmp_path):
    from app import create_app
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://krudesk.example.go.th/")
    app = create_app(ProductionConfig)
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_has_inline_script_or_style():
    from pathlib import Path
    import re

    for path in (Path(__file__).parents[2] / "templates").rglob("*.html"):
        text = path.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), path
