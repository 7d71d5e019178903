"""Every state-changing HTML route refuses a request without a CSRF token."""
import re

import pytest

from tests.helpers import csrf_from, login


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.endpoint.startswith("api."):
            yield rule


def test_every_html_post_without_a_token_is_refused(app, client, csrf_on):
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    rules = list(_post_rules(app))
    assert len(rules) >= 8
    for rule in rules:
        url = re.sub(r"<int:\w+>", "2", rule.rule).replace("<key>", "affordability.floor")
        response = client.post(url, data={"lang": "en", "username": "x", "password": "y"})
        assert response.status_code == 400, rule.rule
        assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)


def test_a_form_with_its_token_goes_through(client, csrf_on):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "coop_officer", "password": "test-pass-2569",
                                           "csrf_token": token})
    assert response.status_code == 302
