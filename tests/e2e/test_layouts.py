"""Issue 21 point 5: every main page of every role fits 1366, 1024 and 768 px without scrolling sideways (a wide
table scrolls inside its own box), and the navigation keeps sign-out inside the bar."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, OrgUnit, ReliefCase
from tests.helpers import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 1024, 768)
COMMON = ("/", "/dashboard", "/notices", "/account/sessions")
PAGES = {
    "coop_officer": ("/debt-cases/", "/debt-cases/new", "debt:draft", "debt:active", "/debt-cases/deductions",
                     "/debt-cases/import", "/debt-cases/repayments", "/debt-cases/creditors", "/people/", "/letters",
                     "/reports/repayment"),
    "province_officer": ("/inbox", "/debt-cases/", "debt:approved", "/letters", "/people/"),
    "province_approver": ("/inbox", "debt:approved"),
    "region_approver": ("/inbox", "/debt-cases/"),
    "south_officer": ("/relief-cases/", "relief:any", "/relief-cases/new", "/relief-cases/checks-due"),
    "south_approver": ("/inbox", "relief:any"),
    "ministry_viewer": ("/debt-cases/", "/relief-cases/", "/reports/repayment"),
    "auditor": ("/audit/", "/debt-cases/", "/relief-cases/"),
    "admin": ("/admin/users", "/admin/users/new", "/admin/rules", "/admin/settings", "/admin/jobs", "/org-units",
              "/audit/"),
}
# What overflows: an element reaching past the viewport that is not inside a box that scrolls by itself.
OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > document.documentElement.clientWidth + 1 && !e.closest('.table-responsive, .overflow-auto')
      && !e.closest('.modal, .dropdown-menu');
  }).slice(0, 3).map(e => `${e.tagName}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`)"""


@pytest.fixture
def demo_paths(app):  # per test: the database is restored after each browser test (tests/conftest.py)
    from app.demo import seed_demo_cases, seed_demo_decisions

    with app.app_context():
        seed_demo_cases()
        seed_demo_decisions()
        paths = {}
        # Cases of the Chiang Mai cooperative, which every role that opens them may see (a first draft by id
        # alone was once Khon Kaen's, and the cooperative officer of Chiang Mai got a 404).
        cooperative = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "COOP-CMI-01"))
        for status in ("draft", "approved", "active"):
            case_id = db.session.scalar(select(DebtCase.id).where(DebtCase.status == status,
                                                                  DebtCase.cooperative_id == cooperative)
                                        .order_by(DebtCase.id).limit(1))
            if case_id:
                paths[f"debt:{status}"] = f"/debt-cases/{case_id}"
        relief_id = db.session.scalar(select(ReliefCase.id).limit(1))
        paths["relief:any"] = f"/relief-cases/{relief_id}"
        return paths


@pytest.mark.parametrize("username", list(PAGES))
def test_every_page_fits_every_width(browser, live_server, demo_paths, username):
    context = browser.new_context(base_url=live_server, locale="th-TH", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, username)
    problems = []
    for path in COMMON + PAGES[username]:
        url = demo_paths.get(path, path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems.append((url, width, scroll_width, page.evaluate(OVERFLOWING)))
            if width == 1366:  # the bar is expanded: sign-out sits inside it
                bar = page.locator("nav.navbar").bounding_box()
                out = page.get_by_test_id("logout").bounding_box()
                assert out["x"] + out["width"] <= bar["x"] + bar["width"] and out["y"] + out["height"] <= bar["y"] + bar["height"]
    context.close()
    assert not problems, problems
