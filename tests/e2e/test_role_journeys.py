"""Issue 21: the journeys of the roles the other browser tests do not walk: the ministry viewer reads the national
dashboard down to a province's cases, the auditor reads the audit trail as a table of changes, and the
administrator adds a staff account through the "More" menu and finds it in the trail."""
import pytest

from tests.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_cases(app):
    from app.demo import seed_demo_cases

    with app.app_context():
        return seed_demo_cases()


def _more(page, entry: str):
    page.get_by_test_id("menu-more").get_by_role("button").click()
    page.get_by_test_id("menu-more").get_by_role("link", name=entry).click()


def test_ministry_viewer_reads_the_nation_down_to_a_province(browser, live_server, demo_cases):
    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    sign_in(page, "ministry_viewer")
    page.get_by_test_id("menu").get_by_role("link", name="แดชบอร์ด").click()
    assert page.get_by_test_id("dashboard-unit").inner_text()
    page.get_by_test_id("table-units").get_by_role("link", name="สำนักงานศึกษาธิการภาค 15").click()
    page.get_by_test_id("table-units").get_by_role("link", name="สำนักงานศึกษาธิการจังหวัดเชียงใหม่").click()
    assert "unit=50" in page.url
    page.get_by_test_id("key-figures").get_by_role("link").first.click()
    page.wait_for_url("**/debt-cases/?unit=50*")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1 and "เชียงใหม่" in page.inner_text("main")
    assert "1101700230708" not in page.content()  # citizen IDs masked for a viewer


def test_auditor_reads_the_changes_of_a_case(browser, live_server, demo_cases):
    from playwright.sync_api import expect

    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    sign_in(page, "auditor")
    _more(page, "บันทึกการตรวจสอบ")
    page.get_by_label("ประเภทรายการ").select_option(index=1)
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_url("**object_type=debt_case*")
    events = page.get_by_test_id("audit-events")
    expect(events.locator("tbody tr").first).to_be_visible()  # count() alone would not wait for the new page
    text = events.inner_text()
    assert "{" not in text and "debt_case" not in text


def test_administrator_adds_a_staff_account(browser, live_server):
    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    sign_in(page, "admin")
    _more(page, "ผู้ใช้")
    page.get_by_role("link", name="เพิ่มผู้ใช้").click()
    page.fill("#username", "coop_new")
    page.fill("#full_name", "มาลี ใจดี")
    page.select_option("#role", "cooperative_officer")
    page.select_option("#org_unit_id", label="COOP-CMI-01 · สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด")
    page.fill("#password", "Krudesk2569x")
    page.fill("#password_confirm", "Krudesk2569x")
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_url("**/admin/users*")
    assert "มาลี ใจดี" in page.inner_text("main")
    _more(page, "บันทึกการตรวจสอบ")
    page.get_by_label("ผู้ใช้").fill("admin")
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_url("**actor=admin*")
    assert "coop_new" in page.get_by_test_id("audit-events").inner_text()
