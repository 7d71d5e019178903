"""Issue 5's journey: a provincial officer in Pattani registers a death case with a spouse and two children,
uploads evidence and verifies; the approver approves; payments are recorded; a scholarship year is checked."""
import os

import pytest

from tests.helpers import sign_in
from tests.e2e.steps import confirm

pytestmark = pytest.mark.e2e

FAMILY = [
    ("spouse", "3100100123451", "นาง", "ซูไรดา", "สาแม", "1982-05-01", ""),
    ("child", "1409900123454", "เด็กชาย", "อิมรอน", "สาแม", "2015-03-01", "primary"),
    ("child", "1959900012348", "เด็กหญิง", "นูรีตา", "สาแม", "2019-08-01", "kindergarten"),
]


def test_death_case_from_registration_to_payment(browser, live_server, tmp_path):
    officer = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "south_officer")
    officer.get_by_test_id("menu").get_by_role("link", name="กรณีเยียวยา").click()
    officer.get_by_role("link", name="ลงทะเบียนกรณี").click()
    officer.fill("#incident-date", "2024-06-14")
    assert officer.input_value("#incident-province_code") == "94"
    officer.fill("#incident-district", "หนองจิก")
    officer.fill("#incident-police_report_no", "123/2567")
    officer.fill("#victim-citizen_id", "1101700230708")
    officer.fill("#victim-title", "นาย")
    officer.fill("#victim-first_name", "อับดุล")
    officer.fill("#victim-last_name", "สาแม")
    officer.fill("#victim-birth_date", "1980-01-10")
    for i, (relationship, cid, title, first, last, born, level) in enumerate(FAMILY):
        if i:
            officer.get_by_test_id("add-beneficiary").click()
        officer.select_option(f"#beneficiaries-{i}-relationship", relationship)
        officer.fill(f"#beneficiaries-{i}-citizen_id", cid)
        officer.fill(f"#beneficiaries-{i}-title", title)
        officer.fill(f"#beneficiaries-{i}-first_name", first)
        officer.fill(f"#beneficiaries-{i}-last_name", last)
        officer.fill(f"#beneficiaries-{i}-birth_date", born)
        officer.select_option(f"#beneficiaries-{i}-education_level", level)
    assert officer.input_value("#beneficiaries-0-first_name") == "ซูไรดา"  # rows added, nothing lost
    officer.get_by_test_id("save-relief").click()
    officer.wait_for_url("**/relief-cases/*")
    entitlements = officer.get_by_test_id("entitlement").all_inner_texts()
    assert any("3,500,000.00" in text for text in entitlements)  # the MOE welfare net of the SBPAC remedy
    assert any("500,000.00" in text for text in entitlements)

    officer.get_by_test_id("action-verify").click()  # evidence is missing: refused, said why
    assert "รับเรื่องแล้ว" in officer.get_by_test_id("relief-status").inner_text()
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% evidence\n")
    for kind in ("death_certificate", "police_report", "claimant_id"):
        officer.select_option("select[name=kind]", kind)
        officer.get_by_test_id("evidence-file").set_input_files(str(pdf))
        officer.get_by_test_id("upload").click()
    assert "☐" not in officer.get_by_test_id("checklist").inner_text()
    officer.get_by_test_id("action-verify").click()
    assert "ตรวจสอบแล้ว" in officer.get_by_test_id("relief-status").inner_text()
    case_url = officer.url.split("#")[0]

    approver = browser.new_context(base_url=live_server).new_page()
    sign_in(approver, "south_approver")
    approver.goto(case_url)
    approver.fill("#resolution_no", "คกก.เยียวยา 3/2567")
    approver.get_by_test_id("action-approve").click()
    confirm(approver)
    assert approver.get_by_test_id("relief-status").inner_text().startswith("อนุมัติ")
    assert len(approver.get_by_test_id("snapshot").locator("code").inner_text()) == 64

    officer.goto(case_url)
    form = officer.get_by_test_id("payment-form")
    form.locator("select[name=entitlement_id]").select_option(label="เงินเยียวยากรณีเสียชีวิต (ศอ.บต.)")
    # "Paid to" offers only this entitlement's heirs (issue 21, 7; static/js/relief_payment.js)
    chosen = form.locator("select[name=entitlement_id]").input_value()
    offered = form.locator("select[name=target] option:not([disabled])")
    assert offered.count() >= 2
    assert {offered.nth(i).get_attribute("data-entitlement") for i in range(1, offered.count())} == {chosen}
    assert form.locator("select[name=target] option[disabled]").count() > 0   # the scholarships' years are not
    form.locator("input[name=amount]").fill("600000")  # more than approved: refused, the input stays
    form.locator("input[name=reference]").fill("PV-2567/001")
    form.get_by_test_id("record-payment").click()
    confirm(officer)
    assert officer.get_by_test_id("payment-form").locator("input[name=amount]").input_value() == "600000"
    form = officer.get_by_test_id("payment-form")
    form.locator("input[name=amount]").fill("500000")
    form.get_by_test_id("record-payment").click()
    confirm(officer)
    assert "PV-2567/001" in officer.get_by_test_id("payments").inner_text()
    assert "อยู่ระหว่างจ่ายเงิน" in officer.get_by_test_id("relief-status").inner_text()

    check = officer.locator("[data-testid^=check-]").first
    check.click()
    assert "ตรวจแล้ว" in officer.locator("#entitlements").inner_text()
    if os.environ.get("KRUDESK_SCREENSHOTS"):
        officer.screenshot(path=os.environ["KRUDESK_SCREENSHOTS"] + "/relief-case.png", full_page=True)
