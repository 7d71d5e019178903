"""JSON API v1 (shared/spec/api-v1.md). Bearer tokens only; errors in the contract's format."""
from app.api import (after_approval, auth, creditors, debt_cases, deduction_lists, letters, openapi,  # noqa: F401
                     people, relief_cases, repayment_report, repayments, views)  # (routes register on import)
from app.api.blueprint import bp

__all__ = ["bp"]
