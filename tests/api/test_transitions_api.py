from tests.helpers import three_debts


def prepared(api):
    officer = api("coop_officer")
    case = officer.post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    plan = officer.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.50", "term_months": 120}}).json
    return officer, case, plan


def test_submit_approve_and_history(api):
    officer, case, plan = prepared(api)
    url = f"/api/v1/debt-cases/{case['id']}"
    submitted = officer.post(url + "/transitions", json={"action": "submit", "plan_id": plan["id"], "version": 1})
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "submitted" and submitted.json["chosen_plan_id"] == plan["id"]
    approver = api("province_approver")
    approved = approver.post(url + "/transitions", json={"action": "approve", "version": submitted.json["version"]})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    history = approver.get(url + "/history").json
    assert [(h["action"], h["from"], h["to"], h["actor"]) for h in history["items"]] == [
        ("submit", "draft", "submitted", "coop_officer"), ("approve", "submitted", "approved", "province_approver")]
    assert len(history["snapshot_sha256"]) == 64
    assert officer.patch(url, json={"monthly_salary": "100.00", "version": approved.json["version"]}).status_code == 409


def test_errors_follow_the_contract(api):
    officer, case, plan = prepared(api)
    url = f"/api/v1/debt-cases/{case['id']}/transitions"
    assert officer.post(url, json={"action": "approve", "version": 1}).status_code == 403  # wrong role
    assert officer.post(url, json={"action": "activate", "version": 1}).status_code == 409  # wrong state
    assert officer.post(url, json={"action": "submit", "plan_id": plan["id"], "version": 7}).status_code == 409
    assert officer.post(url, json={"action": "fly"}).status_code == 422
    assert officer.post(url, data="x", content_type="application/json").status_code == 400
    assert api("south_approver").post(url, json={"action": "approve"}).status_code == 404
    officer.post(url, json={"action": "submit", "plan_id": plan["id"], "version": 1})
    returned = api("province_approver").post(url, json={"action": "return", "version": 2})
    assert returned.status_code == 422 and "comment" in returned.json["error"]["fields"]
