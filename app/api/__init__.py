"""JSON API v1 (shared/spec/api-v1.md). Bearer tokens only; errors in the contract's format."""
from app.api import after_approval, auth, creditors, debt_cases, letters, openapi, relief_cases, views  # noqa: F401  (routes register on import)
from app.api.blueprint import bp

__all__ = ["bp"]
