"""Issue 21 point 6 in a real browser: the navigation's search box finds a teacher typed with her title, opens a case
from its reference, and is there in the collapsed menu of a narrow screen too."""
import pytest

from tests.factories import DebtCaseFactory
from tests.helpers import citizen_id, sign_in, three_debts

pytestmark = pytest.mark.e2e

BOX = "เลขที่กรณี เลขประจำตัวประชาชน หรือชื่อ"  # the box's (visually hidden) label


def test_the_navigation_search_finds_by_name_and_opens_by_reference(browser, live_server):
    body = three_debts()
    body["teacher"] = {**body["teacher"], "citizen_id": citizen_id(4301), "title": "นาง", "first_name": "รัตนา",
                       "last_name": "บุญมาก"}
    case = DebtCaseFactory(body=body)
    page = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}).new_page()
    sign_in(page, "coop_officer")
    box = page.locator("nav").get_by_role("searchbox", name=BOX)
    box.fill("นางรัตนา บุญมาก")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/debt-cases/{case.id}")

    box = page.locator("nav").get_by_role("searchbox", name=BOX)
    box.fill(case.reference.lower().replace("-", ""))
    page.locator("nav").get_by_role("button", name="ค้นหา").click()
    page.wait_for_url(f"**/debt-cases/{case.id}")
    # the box and sign-out both on screen at 1366 px
    for element in (box, page.get_by_test_id("logout")):
        edge = element.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= 1366


def test_the_search_box_is_in_the_collapsed_menu(browser, live_server):
    page = browser.new_context(base_url=live_server, viewport={"width": 800, "height": 900}).new_page()
    sign_in(page, "province_officer")
    box = page.locator("nav").get_by_role("searchbox", name=BOX)
    assert not box.is_visible()
    page.get_by_role("button", name="เมนู").click()
    box.wait_for(state="visible")
    box.fill("DC2569-999999")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.get_by_test_id("search-nothing").is_visible()
