"""Issue 14, items 3 and 4: sessions end on the server, and the sign-in throttle sees real clients behind a proxy
with a soft lockout (OWASP ASVS v4 2.2.1) instead of a lock that anonymous guessers could set."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import register_proxies
from app.extensions import db
from app.models import AuditEvent, LoginAttempt, UserSession
from tests.factories import user as find_user
from tests.helpers import DEMO_PASSWORD, login

CASE_PAGE = "/debt-cases/"



def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    """A second browser that only has a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(CASE_PAGE)


# ---- item 3: signing out ends the session on the server ----------------------------------------------------

def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, client):
    assert login(client, "coop_officer").status_code == 302
    cookie = _session_cookie(client)
    assert _replay(app, cookie).status_code == 200  # the copy works while the session is live
    assert client.post("/logout").status_code == 302
    replayed = _replay(app, cookie)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == find_user("coop_officer").id))
    assert row.ended_at is not None and row.end_reason == "sign_out"


def test_sign_out_on_one_browser_leaves_the_others_signed_in(app, client):
    other = app.test_client()
    assert login(client, "coop_officer").status_code == 302
    assert login(other, "coop_officer").status_code == 302
    client.post("/logout")
    assert other.get(CASE_PAGE).status_code == 200


def test_sign_out_everywhere_ends_every_session_and_token(app, client):
    laptop, phone = app.test_client(), app.test_client()
    assert login(laptop, "coop_officer").status_code == 302
    assert login(phone, "coop_officer").status_code == 302
    token = client.post("/api/v1/auth/token", json={"username": "coop_officer", "password": DEMO_PASSWORD}).json["token"]
    page = laptop.get("/account/sessions")
    assert page.status_code == 200 and page.get_data(as_text=True).count("<tr>") == 3  # header + two sessions
    assert laptop.post("/account/sign-out-everywhere").status_code == 302
    assert laptop.get(CASE_PAGE).status_code == 302
    assert phone.get(CASE_PAGE).status_code == 302
    assert client.get("/api/v1/debt-cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    user = find_user("coop_officer")
    live = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.ended_at.is_(None))).all()
    assert live == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_out_everywhere"))
    assert event.after == {"sessions_ended": 2, "tokens_revoked": 1}


def test_a_cookie_from_before_a_deactivation_stays_dead_after_reactivation(app, client):
    assert login(client, "coop_officer").status_code == 302
    cookie = _session_cookie(client)
    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    user_id = find_user("coop_officer").id
    assert admin.post(f"/admin/users/{user_id}/deactivate").status_code == 302
    assert admin.post(f"/admin/users/{user_id}/activate").status_code == 302
    db.session.expire_all()
    assert find_user("coop_officer").active
    assert _replay(app, cookie).status_code == 302
    assert login(app.test_client(), "coop_officer").status_code == 302  # the person may sign in afresh


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app, client):
    assert login(client, "coop_officer").status_code == 302
    admin = app.test_client()
    assert login(admin, "admin").status_code == 302
    user_id = find_user("coop_officer").id
    assert admin.post(f"/admin/users/{user_id}/password",
                      data={"password": "another-pass-2570", "password_confirm": "another-pass-2570"}).status_code == 302
    assert client.get(CASE_PAGE).status_code == 302


def test_the_server_refuses_a_session_past_its_lifetime_whatever_the_cookie_says(app, client):
    assert login(client, "coop_officer").status_code == 302
    assert client.get(CASE_PAGE).status_code == 200
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == find_user("coop_officer").id))
    row.created_at -= app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    db.session.commit()
    assert client.get(CASE_PAGE).status_code == 302


def test_the_cookie_holds_no_user_id_and_the_server_keeps_only_a_hash(app, client):
    assert login(client, "coop_officer").status_code == 302
    with client.session_transaction() as session:
        token = session["_user_id"]
    user = find_user("coop_officer")
    assert not token.startswith(f"{user.id}:") and len(token) >= 40
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert token not in row.token_hash and len(row.token_hash) == 64


# ---- item 4: the throttle behind a proxy, and the soft lockout ----------------------------------------------

@contextmanager
def behind_proxies(app, count: int):
    original = app.wsgi_app
    app.config["TRUSTED_PROXIES"] = count
    register_proxies(app)
    try:
        yield
    finally:
        app.wsgi_app = original
        app.config["TRUSTED_PROXIES"] = 0


def _login_from(client, address: str, username: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "10.0.0.2"})


def _age_attempts(minutes: int = 0, *, successes_only: bool = False, days: int = 0) -> None:
    """Move recorded sign-in attempts into the past, as if that time had gone by."""
    for row in db.session.scalars(select(LoginAttempt)):
        if row.succeeded or not successes_only:
            row.attempted_at -= timedelta(minutes=minutes, days=days)
    db.session.commit()


def test_behind_a_trusted_proxy_one_guesser_does_not_block_everyone(app, client):
    with behind_proxies(app, 1):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            assert _login_from(client, "198.51.100.9", "nobody-here", "wrong").status_code == 401
        assert _login_from(client, "198.51.100.9", "coop_officer").status_code == 429  # the guesser is held
        assert _login_from(app.test_client(), "203.0.113.20", "coop_officer").status_code == 302  # others are not
    addresses = set(db.session.scalars(select(LoginAttempt.address)))
    assert addresses == {"198.51.100.9", "203.0.113.20"}  # never the proxy's own 10.0.0.2
    sign_in = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in"))
    assert sign_in.address == "203.0.113.20"


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client):
    assert _login_from(client, "198.51.100.9", "coop_officer").status_code == 302
    assert set(db.session.scalars(select(LoginAttempt.address))) == {"10.0.0.2"}


def test_guessers_from_many_addresses_hold_the_account_softly_and_never_lock_it(app, client):
    limit = app.config["LOGIN_MAX_FAILURES"]
    with behind_proxies(app, 1):
        assert _login_from(client, "192.0.2.1", "coop_officer").status_code == 302  # the owner's office
        client.post("/logout")
        for run in range(3):  # holds of 15, then 30, then 60 minutes
            for n in range(limit):
                response = _login_from(app.test_client(), f"198.51.100.{run * 10 + n}", "coop_officer", "wrong")
                assert response.status_code == 401
            new_address = f"203.0.113.{run}"
            held = _login_from(app.test_client(), new_address, "coop_officer")
            assert held.status_code == 429  # even the right password, from an address never used before
            assert _login_from(app.test_client(), "192.0.2.1", "coop_officer").status_code == 302  # the office
            # A success ends the run of failures (the owner proved the password); move successes back a day so
            # that this run's hold and the next run's escalation can be seen.
            _age_attempts(days=1, successes_only=True)
            hold = 15 * 2 ** run
            _age_attempts(hold - 1)
            assert _login_from(app.test_client(), new_address, "coop_officer").status_code == 429
            _age_attempts(2)  # now the hold is over
            assert _login_from(app.test_client(), new_address, "coop_officer").status_code == 302
            _age_attempts(days=1, successes_only=True)
        user = find_user("coop_officer")
        assert user.locked_at is None  # 15 failures, and still no permanent lock
        holds = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.soft_lock")).all()
        assert len(holds) == 3


def test_an_administrator_sees_the_hold_and_lifts_it(app, client):
    limit = app.config["LOGIN_MAX_FAILURES"]
    with behind_proxies(app, 1):
        for n in range(limit):
            assert _login_from(app.test_client(), f"198.51.100.{n}", "coop_officer", "wrong").status_code == 401
        assert _login_from(client, "203.0.113.5", "coop_officer").status_code == 429
        admin = app.test_client()
        assert _login_from(admin, "192.0.2.50", "admin").status_code == 302
        listing = admin.get("/admin/users?q=coop_officer").get_data(as_text=True)
        assert 'data-testid="locked"' in listing
        user = find_user("coop_officer")
        assert admin.post(f"/admin/users/{user.id}/unlock", headers={"X-Forwarded-For": "192.0.2.50"},
                          environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302
        assert _login_from(client, "203.0.113.5", "coop_officer").status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                 AuditEvent.object_id == str(user.id))).all()
    assert "user.soft_lock" in actions and "user.unlock" in actions


@pytest.mark.parametrize("failures", [4, 5])
def test_the_hold_starts_at_exactly_the_limit(app, client, failures):
    with behind_proxies(app, 1):
        for n in range(failures):
            _login_from(app.test_client(), f"198.51.100.{n}", "coop_officer", "wrong")
        expected = 429 if failures >= app.config["LOGIN_MAX_FAILURES"] else 302
        assert _login_from(client, "203.0.113.9", "coop_officer").status_code == expected


def test_the_sessions_page_names_each_browser_and_marks_this_one(app, client):
    chrome_windows = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/131.0.0.0 Safari/537.36")
    firefox_android = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
    phone = app.test_client()
    phone.post("/login", data={"username": "coop_officer", "password": DEMO_PASSWORD},
               headers={"User-Agent": firefox_android})
    client.post("/login", data={"username": "coop_officer", "password": DEMO_PASSWORD},
                headers={"User-Agent": chrome_windows})
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Chrome · Windows" in page and "Firefox · Android" in page
    assert page.count('data-testid="this-browser"') == 1
