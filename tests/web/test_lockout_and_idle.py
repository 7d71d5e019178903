"""Sessions that end when idle or too old (issue 8). The soft lockout that replaced the permanent lock is tested in
tests/web/test_sign_in_hardening.py."""
from tests.helpers import login


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
