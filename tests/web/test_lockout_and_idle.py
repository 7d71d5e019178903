"""Account lockout with unlock by an administrator, and sessions that end when idle or too old (issue 8)."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from tests.helpers import DEMO_PASSWORD, login


def test_repeated_failures_lock_the_account_until_an_administrator_unlocks_it(app, client):
    app.config["LOGIN_MAX_FAILURES"] = 1000  # keep the time-window throttle out of the way of the lock
    try:
        limit = app.config["LOGIN_LOCK_FAILURES"]
        for _ in range(limit):
            assert login(client, "coop_officer", "wrong-password").status_code == 401
        user = db.session.scalar(select(User).where(User.username == "coop_officer"))
        assert user.locked_at is not None
        wrong = login(client, "coop_officer", "wrong-password")
        assert wrong.status_code == 401 and "ล็อก" not in wrong.get_data(as_text=True)  # nothing told to a guesser
        right = login(client, "coop_officer")
        assert right.status_code == 403  # the owner learns why
        assert client.post("/api/v1/auth/token", json={"username": "coop_officer",
                                                       "password": DEMO_PASSWORD}).status_code == 401
        admin = app.test_client()
        assert login(admin, "admin").status_code == 302
        assert admin.post(f"/admin/users/{user.id}/unlock").status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).locked_at is None
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                     AuditEvent.object_id == str(user.id))).all()
        assert "user.lock" in actions and "user.unlock" in actions
        assert login(client, "coop_officer").status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES"] = 5


def test_an_idle_session_ends(app, client):
    assert login(client, "coop_officer").status_code == 302
    assert client.get("/debt-cases/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) + 5
    response = client.get("/debt-cases/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/debt-cases/").status_code == 302  # signed out for good


def test_a_session_ends_after_its_lifetime_even_when_busy(app, client):
    assert login(client, "coop_officer").status_code == 302
    with client.session_transaction() as session:
        session["signed_in_at"] -= int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()) + 5
    assert client.get("/debt-cases/").status_code == 302
