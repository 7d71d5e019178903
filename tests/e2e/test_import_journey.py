"""Issue 7's journey: a cooperative officer imports 200 members from an XLSX with 3 bad rows, reads the report,
fixes the rows and imports; the provincial approver's dashboard shows the new counts."""
import pytest

from tests.helpers import member_rows, sign_in, xlsx

pytestmark = pytest.mark.e2e


def test_import_two_hundred_members_and_see_them_on_the_dashboard(browser, live_server, tmp_path):
    approver = browser.new_context(base_url=live_server).new_page()
    sign_in(approver, "province_approver")
    approver.goto("/dashboard")
    before = int(approver.get_by_test_id("figure").first.inner_text().replace(",", ""))

    rows = member_rows(200, debts=1)
    rows[10][0] = "1234567890123"   # spreadsheet row 12: the check digit is wrong
    rows[50][19] = "250"           # row 52: above the 200% a year any debt may carry (issue 17)
    rows[120][7] = ""              # row 122: no salary
    bad = tmp_path / "members.xlsx"
    bad.write_bytes(xlsx(rows))

    officer = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "coop_officer")
    officer.get_by_test_id("menu").get_by_role("link", name="กรณีหนี้ครู").click()
    officer.get_by_test_id("import-link").click()
    officer.get_by_test_id("import-file").set_input_files(str(bad))
    officer.get_by_test_id("check-file").click()
    assert "พบปัญหา 3 รายการ" in officer.get_by_test_id("import-invalid").inner_text()
    rows_reported = officer.get_by_test_id("import-errors").locator("tbody tr td:first-child").all_inner_texts()
    assert rows_reported == ["12", "52", "122"]
    assert officer.get_by_test_id("confirm-import").count() == 0  # a file with errors cannot be imported

    fixed = member_rows(200, debts=1)
    good = tmp_path / "members-fixed.xlsx"
    good.write_bytes(xlsx(fixed))
    officer.goto("/debt-cases/import")
    officer.get_by_test_id("import-file").set_input_files(str(good))
    officer.get_by_test_id("check-file").click()
    assert "กรณีใหม่ 200 กรณี" in officer.get_by_test_id("import-summary").inner_text()
    officer.get_by_test_id("confirm-import").click()
    assert officer.get_by_test_id("import-done").is_visible()

    approver.goto("/dashboard")
    after = int(approver.get_by_test_id("figure").first.inner_text().replace(",", ""))
    assert after == before + 200
