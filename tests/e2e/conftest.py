"""A real browser (Debian's chromium driven by Playwright) against the app served on loopback.

`make test` skips these with a reason when no browser is installed; CI installs chromium and sets
KRUDESK_REQUIRE_BROWSER=1, so a missing browser there fails instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _browser_missing_reason() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"no chromium at {CHROMIUM} (install Debian's chromium: apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("KRUDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {reason}")
        pytest.skip(f"browser tests need a browser: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    configured = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = base + "/"  # letters' QR codes point where the browser can follow them
    yield base
    app.config["PUBLIC_BASE_URL"] = configured
    server.shutdown()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
