"""Issue 6's journey: the province prints an approval notice for the demo's approved case, opens the PDF, and
anyone holding the paper checks it on the public verification page; then a batch is printed."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase
from tests.helpers import sign_in
from tests.pdf.helpers import norm, pdf_text, qr_codes
from tests.e2e.steps import confirm

pytestmark = pytest.mark.e2e


@pytest.fixture
def approved_case_id(app):
    from app.demo import seed_demo_decisions

    with app.app_context():
        seed_demo_decisions()
        return db.session.scalar(select(DebtCase.id).where(DebtCase.status == "approved"))


def test_print_verify_and_batch(browser, live_server, approved_case_id):
    officer = browser.new_context(base_url=live_server).new_page()
    sign_in(officer, "province_officer")
    officer.goto(f"/debt-cases/{approved_case_id}")
    officer.get_by_test_id("issue-approval_notice").click()
    confirm(officer)
    officer.wait_for_url("**/letters/*")
    number = officer.get_by_test_id("letter-number").inner_text()
    assert number.startswith("ศธ 0206.3/")
    pdf = officer.request.get(officer.get_by_test_id("letter-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert norm(number) in pdf_text(pdf.body()) and norm("นางพิมพ์ใจ ศรีวงศ์") in pdf_text(pdf.body())
    verify_url = qr_codes(pdf.body())[0]

    public = browser.new_context().new_page()  # no sign-in: whoever holds the paper scans the QR code
    public.goto(verify_url)
    facts = public.get_by_test_id("verify-facts").inner_text()
    assert number in facts and "พิมพ์ใจ" not in public.content()

    officer.get_by_test_id("menu").get_by_role("link", name="หนังสือราชการ").click()
    assert number in officer.get_by_test_id("register").inner_text()
    officer.get_by_test_id("new-batch").click()
    officer.select_option("#kind", "deduction_notice")
    officer.get_by_role("button", name="แสดงกรณี").click()
    officer.get_by_test_id("start-batch").click()
    confirm(officer)
    officer.wait_for_url("**/letters/batches/*")
    assert "พร้อมแล้ว" in officer.get_by_test_id("batch-status").inner_text()
    merged = officer.request.get(officer.get_by_test_id("batch-pdf").get_attribute("href"))
    assert norm("แจ้งการหักเงินเดือน") in pdf_text(merged.body())
