"""Fixtures: one app and one migrated database per test session (per xdist worker); every test starts from the
reference org tree plus the demo units and users, on SQLite by default or on PostgreSQL when TEST_DATABASE_URL is set.

Isolation (the `db` fixture): a test runs inside one transaction on one connection, rolled back at the end; every
session it uses, its own and each request's, joins that transaction in a savepoint, so the services' commits are
savepoint releases. Sequences (PostgreSQL) are not rolled back, so no test may count on the ids it gets. Tests that
need real commits — other threads, processes or connections, another app on the same database — are marked
`commits` (browser tests, `e2e`, are too) and run on the database itself, wiped and restored from the seeded
snapshot afterwards; a rolled-back test found committing on another connection is cleaned up the same way, with a
warning to mark it. Pure tests (tests/domain, and those marked `nodb`) get no app and no database."""
from __future__ import annotations

import os
import threading
import time
import warnings
from contextlib import contextmanager

import pytest
from flask import current_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from app import create_app
from app.demo import seed_demo
from app.extensions import db as _db
from config import TestingConfig, normalise_database_url
from tests.helpers import DEMO_PASSWORD, api_token, login, using_postgres


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test itself holds an app context (to use db.session); without this, Flask would reuse it for the
    request and share `g` (the signed-in user, the chosen language) and the session between requests.
    """

    def open(self, *args, **kwargs):
        if _db.session.registry.has() and isinstance(_db.session(), _JoinedSession):
            # In a rolled-back test the request's savepoint would nest inside the test session's: a later rollback
            # of the test's session (a service refusing something) would then undo what the request committed.
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()  # what the request changed is read afresh by the test
        return response


def _worker_database(base_url: str, worker: str) -> str:
    """The PostgreSQL database of one xdist worker (kd_a → kd_a_gw0), created on the server the first time."""
    url = make_url(normalise_database_url(base_url))
    name = f"{url.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    with pytest.MonkeyPatch.context() as patch:
        if worker and using_postgres():
            # Each worker its own database; the apps tests build themselves (TestingConfig) read it from here too.
            patch.setenv("TEST_DATABASE_URL", _worker_database(os.environ["TEST_DATABASE_URL"], worker))
        yield from _session_app(tmp_path_factory)


def _session_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")  # one per xdist worker, and with it the SQLite file

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


class _JoinedSession:
    """Mixed into the class of `db.session` for a rolled-back test: every session of the suite's app — the test's
    own and each request's (IsolatedClient gives each request its own) — runs on the test's one connection, in a
    savepoint of its outer transaction, so a commit releases the savepoint and the rollback at the end undoes all.
    Sessions of other apps a test builds (create_app in the test) keep their own engines."""

    _test_app = None
    _test_connection = None
    _test_thread = None

    def get_bind(self, *args, **kwargs):
        if self._test_connection is not None and current_app._get_current_object() is self._test_app:
            if threading.get_ident() != self._test_thread:
                raise RuntimeError("a session of the suite's app was used from another thread during a rolled-back "
                                   "test: mark the test @pytest.mark.commits")
            return self._test_connection
        return super().get_bind(*args, **kwargs)


@contextmanager
def _rolled_back(app):
    """One connection and one outer transaction for the whole test, rolled back at the end (nothing to wipe)."""
    engine = _db.engine
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself and only before DML, so a first SAVEPOINT would be the outermost
        # transaction and its RELEASE a real COMMIT. Take over: no implicit BEGIN, and an explicit one now.
        driver = connection.connection.driver_connection
        driver.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    factory = _db.session.session_factory
    joined = type("JoinedSession", (_JoinedSession, factory.class_), {
        "_test_app": app, "_test_connection": connection, "_test_thread": threading.get_ident()})
    patch = pytest.MonkeyPatch()
    patch.setattr(factory, "class_", joined)
    patch.setitem(factory.kw, "join_transaction_mode", "create_savepoint")
    try:
        yield
    finally:
        _db.session.remove()
        patch.undo()
        outer.rollback()
        if sqlite:
            driver.isolation_level = ""
        connection.close()


class _CommitWatch:
    """Notices a real COMMIT on the test database by any other connection during a rolled-back test (a test that
    should be marked `commits`): the database is then put back after the test, so no later test sees its rows."""

    def __init__(self, url):
        self.url, self.seen = url, []

    def __call__(self, connection):
        if connection.engine.url == self.url:
            self.seen.append(connection)


def _needs_commits(node) -> bool:
    return any(node.get_closest_marker(name) for name in ("commits", "e2e"))


@pytest.fixture(autouse=True)
def db(request):
    """Every test starts with the reference tree and the demo organisation, and leaves nothing behind.

    By default the test runs inside one transaction that is rolled back (_rolled_back). Tests marked `commits`
    (and browser tests, marked `e2e`) need real commits, seen by other connections, threads or processes: they
    run on the database itself, which is wiped and restored from the snapshot afterwards. Tests marked `nodb`
    (pure code) get no app and no database at all."""
    if request.node.get_closest_marker("nodb"):
        yield None
        return
    app = request.getfixturevalue("app")
    seeded = request.getfixturevalue("seeded")
    with app.app_context():
        engine = _db.engine
        if _needs_commits(request.node):
            try:
                yield _db
            finally:
                _db.session.remove()
                _wipe(engine)
                _restore(engine, seeded)
            return
        watch = _CommitWatch(engine.url)
        event.listen(Engine, "commit", watch)
        try:
            with _rolled_back(app):
                yield _db
        finally:
            event.remove(Engine, "commit", watch)
            if watch.seen:
                _wipe(engine)
                _restore(engine, seeded)
                warnings.warn(pytest.PytestWarning(
                    f"{request.node.nodeid} committed on a connection of its own; mark it @pytest.mark.commits"))


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


@pytest.fixture
def utc_host():
    """The server's own zone is UTC, as on most servers (and the default of containers)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()
