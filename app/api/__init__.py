"""JSON API v1 (shared/spec/api-v1.md). Bearer tokens only; errors in the contract's format."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import auth, debt_cases, letters, openapi, relief_cases, views  # noqa: E402,F401  (routes register on import)
