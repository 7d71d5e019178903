"""Security headers on every response (issue 8): a Content-Security-Policy with no inline script or style (pages
load only this site's files: Bootstrap, Chart.js and our scripts are served from static/), frame denial, no MIME
sniffing, a strict referrer policy, and HSTS in production (HTTPS only)."""
from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def register_security_headers(app: Flask) -> None:
    hsts = app.config.get("SESSION_COOKIE_SECURE")  # production: served over HTTPS only

    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
