"""Issue 21 point 3: an irreversible action asks once, in an accessible dialog that works under the CSP (no inline
script); "Cancel" (or Esc) sends nothing, "Confirm" sends the form with the button pressed."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DebtCase, DebtPlan
from tests.e2e.steps import choose_plan
from tests.factories import new_case
from tests.helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def case_with_plan(app):
    with app.app_context():
        case_id, plan_id = new_case()
        db.session.commit()
        return case_id, plan_id


def _plans(app, case_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DebtPlan).where(DebtPlan.case_id == case_id))


def test_deleting_a_plan_asks_once(app, browser, live_server, case_with_plan):
    case_id, _plan_id = case_with_plan
    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "coop_officer")
    page.goto(f"/debt-cases/{case_id}")
    delete = page.get_by_test_id("plan-comparison").get_by_role("button", name="ลบ")
    delete.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    assert "ลบแผน" in dialog.inner_text() and dialog.get_attribute("aria-modal") == "true"
    page.wait_for_function("() => document.activeElement.dataset.testid === 'confirm-go'")  # the focus moved into it
    dialog.get_by_test_id("confirm-cancel").click()
    dialog.wait_for(state="hidden")
    assert _plans(app, case_id) == 1 and page.url.endswith(f"/debt-cases/{case_id}")
    delete.click()
    page.wait_for_function("() => document.activeElement.dataset.testid === 'confirm-go'")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert _plans(app, case_id) == 1
    delete.click()
    dialog.get_by_test_id("confirm-go").click()
    page.wait_for_load_state()
    page.get_by_text("ยังไม่มีแผน").wait_for()
    assert _plans(app, case_id) == 0
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_submitting_asks_and_names_the_case(app, browser, live_server, case_with_plan):
    case_id, plan_id = case_with_plan
    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    sign_in(page, "coop_officer")
    page.goto(f"/debt-cases/{case_id}")
    choose_plan(page, page.get_by_test_id("plan-comparison").get_by_role("button", name="เลือก").first)
    page.get_by_test_id("action-submit").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    with app.app_context():
        reference = db.session.get(DebtCase, case_id).reference
    assert f"ส่ง {reference} ให้สำนักงานศึกษาธิการจังหวัดพิจารณาหรือไม่" in dialog.inner_text()
    dialog.get_by_test_id("confirm-go").click()
    page.get_by_test_id("timeline").get_by_text("สมชาย ใจงาม").wait_for()
