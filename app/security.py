"""Security headers on every response (issue 8): a Content-Security-Policy with no inline script or style (pages
load only this site's files: Bootstrap, Chart.js and our scripts are served from static/), frame denial, no MIME
sniffing, a strict referrer policy, HSTS in production (HTTPS only), and no caching of any signed-in answer."""
from __future__ import annotations

from flask import Flask, g

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
        if _signed_in():
            # Whatever a signed-in user sees may carry personal data: no browser or proxy keeps a copy (issue 14).
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def _signed_in() -> bool:
    """A browser session or an API token was used for this request (read without loading the user again)."""
    user = g.get("_login_user")
    return g.get("api_user") is not None or bool(user is not None and user.is_authenticated)
