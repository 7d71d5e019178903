"""Pages keep working under the Content-Security-Policy (no inline script or style): the browser reports no
violation on the pages that carry scripts, charts and forms."""
import pytest

from tests.helpers import sign_in

pytestmark = pytest.mark.e2e


def test_no_content_security_policy_violations(browser, live_server, app):
    from app.demo import seed_demo_decisions

    with app.app_context():
        seed_demo_decisions()
    page = browser.new_context(base_url=live_server).new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, "province_approver")
    for url in ("/dashboard", "/debt-cases/", "/letters", "/inbox"):
        response = page.goto(url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    page.goto("/dashboard")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length > 0 && "
                           "[...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0)")
    assert [p for p in problems if "Content Security Policy" in p] == []
