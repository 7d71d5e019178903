"""Defects found in review, each pinned by a test that failed before its fix."""
import threading

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import DebtCase
from app.services import auth, debt_cases, users
from app.services.debt_input import parse_case
from app.services.errors import Conflict
from tests.factories import unit_by_code, user
from tests.helpers import SPEC_CASE, login


def test_another_office_cannot_rewrite_a_registered_person(api):
    first = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json
    hijack = {**SPEC_CASE, "cooperative_code": "COOP-KKN-01",
              "teacher": {**SPEC_CASE["teacher"], "first_name": "HACKED", "birth_date": "1940-01-01"}}
    response = api("coop_officer2").post("/api/v1/debt-cases", json=hijack)
    assert response.status_code == 422 and "teacher.first_name" in response.json["error"]["fields"]
    same = {**SPEC_CASE, "cooperative_code": "COOP-KKN-01"}
    assert api("coop_officer2").post("/api/v1/debt-cases", json=same).status_code == 201  # linking is fine
    assert api("coop_officer").get(f"/api/v1/debt-cases/{first['id']}").json["teacher"]["first_name"] == "สมศรี"


def test_the_owning_office_may_correct_a_draft_person(api):
    case = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json
    fixed = api("coop_officer").patch(f"/api/v1/debt-cases/{case['id']}", json={
        "teacher": {**SPEC_CASE["teacher"], "last_name": "ใจดีมาก"}, "version": 1})
    assert fixed.status_code == 200 and fixed.json["teacher"]["last_name"] == "ใจดีมาก"


def test_moving_a_cooperative_takes_its_cases_along(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json
    coop, khon_kaen = unit_by_code("COOP-CMI-01"), unit_by_code("40")
    response = as_user("admin").post(f"/admin/org-units/{coop.id}/edit", data={
        "kind": "cooperative", "code": "COOP-CMI-01", "name": coop.name, "parent_id": khon_kaen.id, "active": "y"})
    assert response.status_code == 302
    assert api("coop_officer").get(f"/api/v1/debt-cases/{case['id']}").status_code == 200
    assert api("province_approver").get(f"/api/v1/debt-cases/{case['id']}").status_code == 404
    moved = db.session.get(DebtCase, case["id"])
    assert moved.province_code == "40" and moved.org_path.startswith(khon_kaen.path)


@pytest.mark.commits  # the other request is a second connection
def test_an_edit_racing_an_approval_is_refused():
    officer = user("coop_officer")
    case = debt_cases.create_case(officer, parse_case(SPEC_CASE))
    stale = db.session.get(DebtCase, case.id)  # this session read the case as a draft, version 1
    with db.engine.begin() as other:  # meanwhile another request moved it on
        other.execute(text("UPDATE debt_cases SET status='approved', version=version+1 WHERE id=:id"), {"id": stale.id})
    with pytest.raises(Conflict):
        debt_cases.update_case(officer, case.id, parse_case({"monthly_salary": "99999.00", "version": 1}, partial=True))
    db.session.expire_all()
    fresh = db.session.get(DebtCase, case.id)
    assert fresh.status == "approved" and str(fresh.monthly_salary) == "45000.00" and fresh.version == 2


@pytest.mark.commits  # thirty threads
def test_parallel_wrong_passwords_get_at_most_five_password_checks(app):
    outcomes = []
    barrier = threading.Barrier(30, timeout=60)

    def attempt():
        barrier.wait()
        with app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
            try:
                result = auth.sign_in("coop_officer", "wrong-password-1", "10.9.9.9")
                outcomes.append("throttled" if result.throttled else "checked")
            finally:
                db.session.remove()

    db.session.remove()
    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30 and outcomes.count("checked") <= 5


def test_a_new_password_ends_existing_sessions(client):
    login(client, "coop_officer")
    assert client.get("/debt-cases/").status_code == 200
    users.reset_password(user("admin"), user("coop_officer").id, "brand-new-pass-1")
    assert client.get("/debt-cases/").status_code == 302  # back to the sign-in page


@pytest.mark.parametrize("changes, field", [
    ({"debts": [{**SPEC_CASE["debts"][0], "outstanding": "999999999999.99"}] * 2}, "debts[0].outstanding"),
    ({"monthly_salary": "1.00", "monthly_allowances": "100000.00"}, "monthly_salary"),
    ({"monthly_allowances": "50000000.00"}, "monthly_allowances"),
])
def test_implausible_amounts_are_422_not_500(api, changes, field):
    response = api("coop_officer").post("/api/v1/debt-cases", json={**SPEC_CASE, **changes})
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_extreme_dates_and_query_keys_do_not_crash_lists(as_user):
    client = as_user("admin")
    page = client.get("/audit/?date_from=0001-01-01&date_to=9999-12-31")
    assert page.status_code == 200 and "กรุณากรอกวันที่ให้ถูกต้อง" in page.get_data(as_text=True)
    for query in ("endpoint=x", "_method=x", "_external=1&_anchor=evil"):
        response = client.get(f"/org-units?{query}")
        assert response.status_code == 200, query
        assert "http://" not in response.get_data(as_text=True).split("pagination")[-1][:2000]
