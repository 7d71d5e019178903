"""The domain is pure code (no Flask, no database): these tests get neither the app nor a database."""
import pytest


@pytest.fixture(autouse=True)
def db():
    """Overrides tests/conftest.py's `db`: nothing to set up, nothing to undo."""
    yield None
