"""Issue 14, item 10: rate limits on the API (per bearer token), /verify (per address) and uploads and imports
(per user, web and API together), counted in the app's database or in Redis, answered with 429 and Retry-After,
and never a 500 when the store is unreachable. The suite's own app runs without limits (TestingConfig); each test
here builds apps with small limits on the same test database."""
from __future__ import annotations

import io
import logging
import threading
import uuid

import pytest
import redis
from sqlalchemy import create_engine, select

from app import create_app
from app.extensions import db
from app.models import RateLimitCounter
from app.rate_limits import EXTENSION, DatabaseStorage
from config import Config, TestingConfig
from tests.helpers import PDF, death_case
from tests.helpers import api_token, login

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.commits  # the limited apps count hits on their own engines

UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in Redis, removed afterwards."""
    prefix = f"krudesk-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def make_app(app):
    """make_app(RATELIMIT_VERIFY="2/minute", …) → an app with limits on, on the suite's test database."""
    made = []

    def make(**settings):
        class Limited(TestingConfig):
            INSTANCE_PATH = app.config["INSTANCE_PATH"]
            SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
            RATELIMIT_ENABLED = True
            PDF_WARM_UP = False

        for name, value in settings.items():
            setattr(Limited, name, value)
        application = create_app(Limited)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(params=["database", "redis"])
def storage(request):
    """The settings for each store: the app's own database (the default), and Redis."""
    if request.param == "database":
        return {}
    return {"RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": request.getfixturevalue("redis_prefix")}}


def retry_after(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    return seconds


# ---- the limits --------------------------------------------------------------------------------------------------

def test_the_api_is_limited_per_bearer_token(make_app, storage):
    application = make_app(RATELIMIT_API="3/minute", **storage)
    client = application.test_client()
    first, second = api_token(client, "coop_officer"), api_token(client, "south_officer")
    for _ in range(3):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    refused = client.get("/api/v1/debt-cases", headers={"Authorization": f"Bearer {first}"})
    assert refused.status_code == 429  # the whole API shares one budget per token
    assert refused.json["error"]["code"] == "too_many_requests"
    assert "3 per 1 minute" in refused.json["error"]["message"]
    retry_after(refused)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    if not storage:  # the counters never hold the token itself
        with application.app_context():
            keys = db.session.scalars(select(RateLimitCounter.key)).all()
        assert keys and not any(first in key or second in key for key in keys)


def test_verify_is_limited_per_client_address(make_app, storage):
    client = make_app(RATELIMIT_VERIFY="2/minute", **storage).test_client()
    client.post("/language", data={"lang": "en"})
    assert [client.get("/verify/nope").status_code for _ in range(2)] == [404, 404]
    refused = client.get("/verify/nope")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert 'data-testid="error-page"' in page and "Too many requests" in page
    assert f"Please wait {retry_after(refused)} seconds" in page
    other = client.get("/verify/nope", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 404


def _web_evidence(client, case_id):
    return client.post(f"/relief-cases/{case_id}/evidence", content_type="multipart/form-data",
                       data={"kind": "police_report", "file": (io.BytesIO(PDF), "report.pdf")})


def test_uploads_and_imports_share_one_budget_per_user_through_web_and_api(make_app, storage):
    application = make_app(RATELIMIT_UPLOADS="3/minute;100/day", **storage)
    officer_api, officer_web, coop_web = (application.test_client() for _ in range(3))
    token = api_token(officer_api, "south_officer")
    headers = {"Authorization": f"Bearer {token}"}
    case_id = officer_api.post("/api/v1/relief-cases", json=death_case(), headers=headers).json["id"]
    login(officer_web, "south_officer")

    assert _web_evidence(officer_web, case_id).status_code == 302
    api_upload = officer_api.post(f"/api/v1/relief-cases/{case_id}/evidence", headers=headers,
                                  content_type="multipart/form-data",
                                  data={"kind": "claimant_id", "file": (io.BytesIO(PDF), "id.pdf")})
    assert api_upload.status_code == 201
    assert _web_evidence(officer_web, case_id).status_code == 302
    refused = _web_evidence(officer_web, case_id)  # the fourth upload of this user within the minute
    assert refused.status_code == 429 and 'data-testid="error-page"' in refused.get_data(as_text=True)
    retry_after(refused)
    refused_api = officer_api.post(f"/api/v1/relief-cases/{case_id}/evidence", headers=headers,
                                   content_type="multipart/form-data",
                                   data={"kind": "claimant_id", "file": (io.BytesIO(PDF), "id.pdf")})
    assert refused_api.status_code == 429 and refused_api.json["error"]["code"] == "too_many_requests"

    login(coop_web, "coop_officer")  # another user has a budget of their own; viewing the page costs nothing
    assert all(coop_web.get("/debt-cases/import").status_code == 200 for _ in range(5))
    assert [coop_web.post("/debt-cases/import", data={}).status_code for _ in range(3)] == [422, 422, 422]
    assert coop_web.post("/debt-cases/import", data={}).status_code == 429


def test_counts_are_shared_between_two_apps_on_one_store(make_app, storage):
    """Several web workers (here two apps) must see one count, or each would allow the limit again."""
    first = make_app(RATELIMIT_VERIFY="3/minute", **storage).test_client()
    second = make_app(RATELIMIT_VERIFY="3/minute", **storage).test_client()
    assert [first.get("/verify/nope").status_code, second.get("/verify/nope").status_code,
            first.get("/verify/nope").status_code] == [404, 404, 404]
    assert second.get("/verify/nope").status_code == 429
    assert first.get("/verify/nope").status_code == 429


def test_the_redis_store_keeps_its_counts_in_redis_not_the_database(make_app, redis_prefix):
    application = make_app(RATELIMIT_VERIFY="1/minute", RATELIMIT_STORAGE_URI=REDIS_URL,
                           RATELIMIT_STORAGE_OPTIONS={"key_prefix": redis_prefix})
    client = application.test_client()
    assert [client.get("/verify/nope").status_code for _ in range(2)] == [404, 429]
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_prefix}*"))
    with application.app_context():
        assert db.session.scalars(select(RateLimitCounter)).all() == []


def test_without_the_limiter_nothing_is_refused(make_app):
    """Today's code, in effect: with the limits off the same requests all get through."""
    client = make_app(RATELIMIT_ENABLED=False, RATELIMIT_VERIFY="1/minute").test_client()
    assert {client.get("/verify/nope").status_code for _ in range(5)} == {404}


# ---- failing open ------------------------------------------------------------------------------------------------

def test_an_unreachable_redis_lets_requests_through_with_a_warning(make_app, caplog):
    client = make_app(RATELIMIT_VERIFY="1/minute", RATELIMIT_STORAGE_URI=UNREACHABLE_REDIS_URL).test_client()
    with caplog.at_level(logging.WARNING, logger="app.rate_limits"):
        assert {client.get("/verify/nope").status_code for _ in range(3)} == {404}
    warnings = [r for r in caplog.records if r.name == "app.rate_limits" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()  # once, not once a request


def test_an_unreachable_database_store_lets_requests_through(make_app, caplog, tmp_path, monkeypatch):
    application = make_app(RATELIMIT_UPLOADS="1/minute")
    broken = create_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")  # its folder does not exist
    monkeypatch.setattr(DatabaseStorage, "engine", property(lambda self: broken))
    client = application.test_client()
    login(client, "coop_officer")
    with caplog.at_level(logging.WARNING, logger="app.rate_limits"):
        assert [client.post("/debt-cases/import", data={}).status_code for _ in range(3)] == [422, 422, 422]
    assert any(r.name == "app.rate_limits" and "OperationalError" in r.getMessage() for r in caplog.records)


# ---- the database store ------------------------------------------------------------------------------------------

def _store(application) -> DatabaseStorage:
    return application.extensions[EXTENSION]["storage"]


def test_the_database_store_counts_windows_and_resets_them_when_expired(make_app):
    application = make_app()
    with application.app_context():
        store = _store(application)
        assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
        assert store.get("k") == 3 and store.get_expiry("k") > 0 and store.check()
        db.session.execute(RateLimitCounter.__table__.update().values(expires_at=1.0))  # the window has passed
        db.session.commit()
        assert store.get("k") == 0
        assert store.incr("k", 60, amount=2) == 2  # a new window, not 5
        store.clear("k")
        assert store.get("k") == 0
        store.incr("a", 60), store.incr("b", 60)
        assert store.reset() == 2


def test_a_count_is_its_own_transaction_not_the_requests(make_app):
    """A rollback of the request does not undo a count, and a count does not commit the request's work."""
    from app.models import SettingValue
    from datetime import date

    application = make_app()
    with application.app_context():
        store = _store(application)
        db.session.add(SettingValue(key="rate.test", value="1", effective_from=date(2026, 1, 1)))
        if db.engine.dialect.name == "postgresql":
            db.session.flush()  # SQLite has one writer at a time, so limits are checked before a view writes
        assert store.incr("k", 60) == 1
        db.session.rollback()
        assert store.get("k") == 1
        assert db.session.scalar(select(SettingValue).where(SettingValue.key == "rate.test")) is None


def test_the_database_store_loses_no_hit_under_concurrency(make_app):
    application = make_app()
    errors = []

    def hammer():
        try:
            with application.app_context():
                for _ in range(25):
                    _store(application).incr("busy", 60)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with application.app_context():
        assert _store(application).get("busy") == 100


# ---- settings ----------------------------------------------------------------------------------------------------

def test_the_database_is_the_default_store_and_the_environment_can_name_redis(monkeypatch, tmp_path):
    from flask import Flask

    assert Config.RATELIMIT_ENABLED and Config.RATELIMIT_STORAGE_URI == "krudesk+db://"
    assert (Config.RATELIMIT_API, Config.RATELIMIT_VERIFY, Config.RATELIMIT_UPLOADS) == (
        "600/minute", "30/minute", "20/minute;200/day")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", REDIS_URL)
    bare = Flask(__name__)
    bare.config.from_object(Config)
    bare.config["INSTANCE_PATH"] = tmp_path
    Config.init_app(bare)
    assert bare.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
