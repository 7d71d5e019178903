"""Helpers shared by tests."""
from __future__ import annotations

import os
import re

DEMO_PASSWORD = "test-pass-2569"


def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def api_token(client, username: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response.json["token"]


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def using_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
