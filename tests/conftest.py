"""Fixtures: one app and one migrated database per test session; every test starts from the reference
org tree plus the demo units and users, on SQLite by default or on PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.demo import seed_demo
from app.extensions import db as _db
from config import TestingConfig
from tests.helpers import DEMO_PASSWORD, api_token, login



class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test itself holds an app context (to use db.session); without this, Flask would reuse it for the
    request and share `g` (the signed-in user, the chosen language) and the session between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()  # what the request changed is read afresh by the test
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")

    class SessionConfig(TestingConfig):
        INSTANCE_PATH = instance
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{instance / 'krudesk-test.db'}"

    application = create_app(SessionConfig)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()  # the real migrations, not create_all: the schema under test is the one users get
    yield application


def _wipe(engine) -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # TRUNCATE is not a row DELETE, so the append-only audit trigger does not fire.
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        triggers = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_events'")).all()
        for name, _sql in triggers:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
        for _name, sql in triggers:
            conn.execute(text(sql))


def _restore(engine, snapshot: dict[str, list[dict]]) -> None:
    """Put back the rows taken by _snapshot (far faster than seeding again before every test)."""
    with engine.begin() as conn:
        for table in _db.metadata.sorted_tables:
            rows = snapshot.get(table.name)
            if rows:
                conn.execute(table.insert(), rows)
                if engine.dialect.name == "postgresql" and "id" in table.c:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT max(id) FROM {table.name}))"))


def _snapshot(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        # In key order: a parent unit comes before its children (PostgreSQL returns updated rows last).
        return {table.name: [dict(row._mapping) for row in conn.execute(table.select().order_by(*table.primary_key))]
                for table in _db.metadata.sorted_tables}


@pytest.fixture(scope="session")
def seeded(app):
    """The reference tree and the demo organisation, seeded once through the real code path."""
    with app.app_context():
        _wipe(_db.engine)
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
        return _snapshot(_db.engine)


@pytest.fixture(autouse=True)
def db(app, seeded):
    """Every test starts with the reference tree and the demo organisation, and leaves nothing behind."""
    with app.app_context():
        _wipe(_db.engine)
        _restore(_db.engine, seeded)
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def as_user(client):
    """as_user("coop_officer") signs the test client in and returns it."""

    def sign_in(username: str):
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in


@pytest.fixture
def api(client):
    """api("coop_officer") → a small client that sends that user's bearer token."""

    class Api:
        def __init__(self, token: str):
            self.headers = {"Authorization": f"Bearer {token}"}

        def __getattr__(self, method):
            def call(url, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)(url, headers=headers, **kwargs)

            return call

    return lambda username: Api(api_token(client, username))


@pytest.fixture
def decided(db):
    """The demo's approved debt case and approved, once-paid relief case (app/demo.py), built by the services."""
    from sqlalchemy import select

    from app.demo import seed_demo_decisions
    from app.models import DebtCase, ReliefCase

    seed_demo_decisions()
    debt = db.session.scalar(select(DebtCase).where(DebtCase.status == "approved"))
    relief = db.session.scalar(select(ReliefCase).where(ReliefCase.status == "paying"))
    return debt, relief
