from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, LoginAttempt
from tests.helpers import DEMO_PASSWORD, login


def test_sign_in_then_home_shows_role_and_unit(client):
    response = login(client, "coop_officer")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด" in page and "เจ้าหน้าที่สหกรณ์" in page


def test_wrong_password_gives_a_thai_message_and_keeps_the_username(client):
    response = login(client, "coop_officer", "wrong-password-1")
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page
    assert 'value="coop_officer"' in page


def test_empty_fields_get_field_level_messages(client):
    response = client.post("/login", data={"username": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "กรุณากรอกชื่อผู้ใช้" in page and "กรุณากรอกรหัสผ่าน" in page


def test_pages_need_sign_in_and_come_back_after_it(client):
    response = client.get("/org-units?kind=province")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    response = client.post("/login", data={"username": "province_officer", "password": DEMO_PASSWORD,
                                           "next": "/org-units?kind=province"})
    assert response.headers["Location"] == "/org-units?kind=province"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_next_goes_only_to_local_paths(client, target):
    response = client.post("/login", data={"username": "coop_officer", "password": DEMO_PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


def test_five_failures_for_a_username_block_the_sixth_attempt_even_with_the_right_password(client):
    for _ in range(5):
        assert login(client, "coop_officer", "wrong-password-1").status_code == 401
    response = login(client, "coop_officer")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป" in page and "15 นาที" in page
    # another user from another address is not affected
    other = client.post("/login", data={"username": "auditor", "password": DEMO_PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 302


def test_five_failures_from_one_address_block_that_address_for_any_username(client):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        login(client, name, "wrong-password-1")
    assert login(client, "auditor").status_code == 429


def test_the_throttle_lifts_when_the_failures_leave_the_window(client):
    for _ in range(5):
        login(client, "coop_officer", "wrong-password-1")
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.attempted_at -= timedelta(minutes=16)
    db.session.commit()
    assert login(client, "coop_officer").status_code == 302


def test_sign_out_is_post_only_and_audited(as_user):
    client = as_user("coop_officer")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_username == "coop_officer")).all()
    assert actions.count("auth.sign_in") == 1 and actions.count("auth.sign_out") == 1


def test_deactivated_user_cannot_sign_in_and_loses_the_session(as_user, app):
    client = as_user("coop_officer")
    from app.models import User

    user = db.session.scalar(select(User).where(User.username == "coop_officer"))
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    assert login(client, "coop_officer").status_code == 401


def test_session_cookie_is_http_only_and_same_site(client):
    response = login(client, "coop_officer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
