"""Absolute URLs (issue 14, item 7): every address the app gives out whole (API links, the QR codes and
verification links of letters, e-mailed links) starts from the one configured PUBLIC_BASE_URL, never from the
request's Host header, which any client can set."""
from __future__ import annotations

from flask import current_app, url_for

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000/"  # `make run`'s address; production must set PUBLIC_BASE_URL


def public_base_url() -> str:
    """The site's public root, ending in "/"."""
    return (current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL).rstrip("/") + "/"


def absolute(path: str) -> str:
    """A site path ("/debt-cases/5") made absolute on the public base."""
    return public_base_url().rstrip("/") + "/" + path.lstrip("/")


def absolute_url_for(endpoint: str, **values) -> str:
    return absolute(url_for(endpoint, **values))
