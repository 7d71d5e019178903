"""First journey: each demo role signs in, sees only its own scope, and signs out."""
import pytest

from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

# username → (unit shown in the header, codes that must be listed, codes that must not)
JOURNEYS = {
    "coop_officer": ("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", {"COOP-CMI-01"}, {"COOP-KKN-01", "50", "COOP-PTN-01"}),
    "coop_officer2": ("สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", {"COOP-KKN-01"}, {"COOP-CMI-01", "40"}),
    "province_officer": ("สำนักงานศึกษาธิการจังหวัดเชียงใหม่", {"50", "COOP-CMI-01", "AREA-CMI-01"},
                         {"COOP-KKN-01", "51"}),
    "province_approver": ("สำนักงานศึกษาธิการจังหวัดเชียงใหม่", {"50", "COOP-CMI-01"}, {"COOP-PTN-01"}),
    "region_approver": ("สำนักงานศึกษาธิการภาค 15", {"REG-15", "50", "51", "52", "58", "COOP-CMI-01"},
                        {"COOP-KKN-01", "40", "94"}),
    "south_officer": ("สำนักงานศึกษาธิการจังหวัดปัตตานี", {"94", "COOP-PTN-01"}, {"COOP-CMI-01", "95"}),
    "south_approver": ("สำนักงานศึกษาธิการจังหวัดปัตตานี", {"94", "COOP-PTN-01"}, {"COOP-KKN-01"}),
    "ministry_viewer": ("สำนักงานปลัดกระทรวงศึกษาธิการ", {"MOE", "COOP-CMI-01", "COOP-KKN-01", "COOP-PTN-01"}, set()),
    "auditor": ("สำนักงานปลัดกระทรวงศึกษาธิการ", {"COOP-PTN-01"}, set()),
    "admin": ("สำนักงานปลัดกระทรวงศึกษาธิการ", {"COOP-KKN-01"}, set()),
}
MENU = {  # menu entries that only some roles have
    "admin": {"ผู้ใช้", "บันทึกการตรวจสอบ"},
    "auditor": {"บันทึกการตรวจสอบ"},
}


@pytest.mark.parametrize("username", list(JOURNEYS))
def test_each_role_sees_only_its_scope(page, username):
    unit_name, visible, hidden = JOURNEYS[username]
    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/")
    assert unit_name in page.get_by_test_id("whoami").inner_text()
    menu = page.get_by_test_id("menu").text_content()  # the "More" menu's entries too, closed or open
    for entry in {"ผู้ใช้", "บันทึกการตรวจสอบ"}:
        assert (entry in menu) == (entry in MENU.get(username, set())), (username, entry)

    codes = set()
    page.goto("/org-units?q=&kind=")
    while True:
        codes |= {cell.strip() for cell in page.locator("[data-testid=org-units] tbody tr td:first-child").all_inner_texts()}
        following = page.get_by_role("link", name="ถัดไป")
        if following.count() == 0 or "disabled" in (following.locator("xpath=..").get_attribute("class") or ""):
            break
        with page.expect_navigation():  # read the next page only once it has loaded
            following.click()
    assert visible <= codes, (username, visible - codes)
    assert not (hidden & codes), (username, hidden & codes)

    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login")
    assert page.get_by_role("heading", name="เข้าสู่ระบบ KruDesk").is_visible()
    page.goto("/org-units")
    assert "/login" in page.url
