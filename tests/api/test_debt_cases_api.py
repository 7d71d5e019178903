"""The debt-case API against the contract in api-v1.md, with figures checked by hand."""
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, DebtCase, Person
from tests.helpers import SPEC_CASE, three_debts


def test_create_returns_the_case_with_the_affordability_of_the_spec(api):
    response = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "draft" and body["version"] == 1 and body["cooperative_code"] == "COOP-CMI-01"
    assert body["teacher"]["citizen_id"] == "1101700230708"
    # api-v1.md's example, worked by hand: receipts 45000+3500; deductions 1200+1350+800; net 48500−3350−21500
    assert body["affordability"] == {"receipts": "48500.00", "non_debt_deductions": "3350.00",
                                     "debt_service": "21500.00", "net": "23650.00", "base": "45000.00",
                                     "ratio": "0.5256", "floor": "0.3000", "meets_floor": True, "shortfall": "0.00"}
    assert body["risk_group"] == "yellow" and body["plans"] == [] and body["chosen_plan_id"] is None
    assert body["debts"][0]["annual_rate"] == "5.75" and body["debts"][0]["outstanding"] == "1850000.00"
    again = api("coop_officer").get(f"/api/v1/debt-cases/{body['id']}").json
    assert again == body


def test_a_citizen_id_on_file_links_to_the_same_person(api):
    caller = api("coop_officer")
    first = caller.post("/api/v1/debt-cases", json=SPEC_CASE).json
    second = caller.post("/api/v1/debt-cases", json=SPEC_CASE).json
    assert first["id"] != second["id"]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_below_the_floor_is_orange_with_the_shortfall(api):
    body = {**SPEC_CASE, "debts": [{**SPEC_CASE["debts"][0], "monthly_payment": "34000.00"}]}
    result = api("coop_officer").post("/api/v1/debt-cases", json=body).json
    # net = 48500 − 3350 − 34000 = 11150; floor 0.30 × 45000 = 13500; shortfall 2350
    assert result["affordability"]["net"] == "11150.00"
    assert result["affordability"]["ratio"] == "0.2478"
    assert result["affordability"]["shortfall"] == "2350.00"
    assert result["affordability"]["meets_floor"] is False and result["risk_group"] == "orange"


def test_a_sued_debt_makes_the_case_red(api):
    body = {**SPEC_CASE, "debts": [{**SPEC_CASE["debts"][0], "legal_status": "sued"}]}
    assert api("coop_officer").post("/api/v1/debt-cases", json=body).json["risk_group"] == "red"


def test_every_bad_field_is_listed_and_nothing_is_written(api):
    bad = {**SPEC_CASE,
           "teacher": {**SPEC_CASE["teacher"], "citizen_id": "1101700230709", "birth_date": "2999-01-01"},
           "monthly_salary": "-5", "monthly_allowances": "abc",
           "debts": [{**SPEC_CASE["debts"][0], "annual_rate": "201", "remaining_months": 601},
                     {**SPEC_CASE["debts"][0], "annual_rate": "201", "remaining_months": 601},
                     {**SPEC_CASE["debts"][0], "outstanding": "12.345", "monthly_payment": "x"}]}
    response = api("coop_officer").post("/api/v1/debt-cases", json=bad)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    for path in ("teacher.citizen_id", "teacher.birth_date", "monthly_salary", "monthly_allowances",
                 "debts[0].annual_rate", "debts[0].remaining_months", "debts[1].creditor_name",
                 "debts[2].outstanding", "debts[2].monthly_payment"):
        assert path in fields, path
    assert db.session.scalar(select(func.count()).select_from(DebtCase)) == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_malformed_json_is_400(api):
    response = api("coop_officer").post("/api/v1/debt-cases", data="{", content_type="application/json")
    assert response.status_code == 400


def test_numbers_are_accepted_where_exact(api):
    body = {**SPEC_CASE, "monthly_salary": 45000, "debts": [{**SPEC_CASE["debts"][0], "annual_rate": 5.75}]}
    result = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert result.status_code == 201 and result.json["monthly_salary"] == "45000.00"


def test_roles_and_scope(api):
    assert api("province_officer").post("/api/v1/debt-cases", json=SPEC_CASE).status_code == 403
    other = api("coop_officer2").post("/api/v1/debt-cases", json=SPEC_CASE)
    assert other.status_code == 422 and "cooperative_code" in other.json["error"]["fields"]
    case_id = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).json["id"]
    assert api("coop_officer2").get(f"/api/v1/debt-cases/{case_id}").status_code == 404
    assert api("south_approver").get(f"/api/v1/debt-cases/{case_id}").status_code == 404
    assert api("province_approver").get(f"/api/v1/debt-cases/{case_id}").status_code == 200
    assert api("region_approver").get(f"/api/v1/debt-cases/{case_id}").status_code == 200
    assert api("ministry_viewer").get(f"/api/v1/debt-cases/{case_id}").status_code == 200


def test_list_filters_masks_and_scopes(api):
    caller = api("coop_officer")
    caller.post("/api/v1/debt-cases", json=SPEC_CASE)
    orange = {**SPEC_CASE, "teacher": {**SPEC_CASE["teacher"], "citizen_id": "3100100123451", "first_name": "วิชัย"},
              "debts": [{**SPEC_CASE["debts"][0], "monthly_payment": "34000.00"}]}
    assert caller.post("/api/v1/debt-cases", json=orange).status_code == 201
    everything = caller.get("/api/v1/debt-cases").json
    assert everything["total"] == 2 and everything["page"] == 1 and everything["per_page"] == 50
    assert everything["items"][0]["teacher"]["citizen_id"] == "3-1001-xxxxx-45-1"
    assert caller.get("/api/v1/debt-cases?risk_group=orange").json["total"] == 1
    assert caller.get("/api/v1/debt-cases?q=วิชัย").json["total"] == 1
    assert caller.get("/api/v1/debt-cases?q=1101700230708").json["total"] == 1
    assert caller.get("/api/v1/debt-cases?q=1-1017").json["total"] == 1
    assert caller.get("/api/v1/debt-cases?province_code=50&status=draft").json["total"] == 2
    assert caller.get("/api/v1/debt-cases?cooperative_code=COOP-KKN-01").json["total"] == 0
    assert api("coop_officer2").get("/api/v1/debt-cases").json["total"] == 0


def test_patch_needs_the_version_and_refuses_stale_writes(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=SPEC_CASE).json
    url = f"/api/v1/debt-cases/{case['id']}"
    assert "version" in caller.patch(url, json={"monthly_salary": "46000.00"}).json["error"]["fields"]
    ok = caller.patch(url, json={"monthly_salary": "46000.00", "version": 1})
    assert ok.status_code == 200 and ok.json["version"] == 2 and ok.json["monthly_salary"] == "46000.00"
    stale = caller.patch(url, json={"monthly_salary": "47000.00", "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    assert caller.get(url).json["monthly_salary"] == "46000.00"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "debt_case.update")).all()
    assert len(events) == 1 and events[0].before == {"monthly_salary": "45000.00"}


def test_patch_keeps_debt_ids_and_replaces_rows(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=three_debts()).json
    debts = case["debts"]
    keep = [{**debts[0], "monthly_payment": "20000.00"}, debts[1]]
    result = caller.patch(f"/api/v1/debt-cases/{case['id']}", json={"debts": keep, "version": 1}).json
    assert [d["id"] for d in result["debts"]] == [debts[0]["id"], debts[1]["id"]]
    assert result["affordability"]["debt_service"] == "29000.00"


def test_plans_consolidate_and_compare(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    response = caller.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "label": "รวมหนี้เข้าสหกรณ์", "consolidate": {"debt_ids": ids[1:], "annual_rate": "4.50",
                                                     "term_months": 120, "method": "annuity"}})
    assert response.status_code == 201, response.json
    plan = response.json
    # New loan 600,000 + 150,000 = 750,000 at 4.5%/yr over 120 months: 750000·r/(1−(1+r)^−120), r = 0.00375
    r = Decimal("0.045") / 12
    expected = (Decimal(750000) * r / (1 - (1 + r) ** -120)).quantize(Decimal("0.01"))
    assert plan["new_loan"]["principal"] == "750000.00"
    assert plan["new_loan"]["monthly_payment"] == str(expected)
    # before: 21500 + 9000 + 4500 = 35000 of debt service; after: 21500 + the new instalment
    assert plan["before"]["debt_service"] == "35000.00"
    assert plan["after"]["debt_service"] == str(Decimal("21500.00") + expected)
    assert plan["meets_floor"] == plan["after"]["meets_floor"]
    got = caller.get(f"/api/v1/debt-cases/{case['id']}").json
    assert [p["id"] for p in got["plans"]] == [plan["id"]]
    schedule = caller.get(f"/api/v1/debt-cases/{case['id']}/plans/{plan['id']}/schedule?part=new_loan").json["items"]
    assert len(schedule) == 120 and schedule[-1]["balance"] == "0.00"
    assert sum(Decimal(i["principal"]) for i in schedule) == Decimal("750000.00")
    assert schedule[0]["payment"] == str(expected)


def test_plan_caps_give_422_naming_the_cap(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    # born 1975-04-01: 360 months from now ends past age 75
    response = caller.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids, "annual_rate": "4.50", "term_months": 600, "method": "annuity"}})
    assert response.status_code == 422
    assert "consolidate.term_months" in response.json["error"]["fields"]


def test_suggest_finds_the_shortest_feasible_term(api):
    caller = api("coop_officer")
    heavy = {**three_debts()}
    heavy["debts"] = [{**d, "monthly_payment": p} for d, p in zip(heavy["debts"], ["30000.00", "9000.00", "4500.00"])]
    case = caller.post("/api/v1/debt-cases", json=heavy).json
    assert case["affordability"]["meets_floor"] is False
    ids = [d["id"] for d in case["debts"]]
    found = caller.post(f"/api/v1/debt-cases/{case['id']}/plans/suggest",
                        json={"consolidate_debt_ids": ids, "annual_rate": "4.50", "method": "annuity"}).json
    assert found["feasible"] is True and found["after"]["meets_floor"] is True
    shorter = caller.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "consolidate": {"debt_ids": ids, "annual_rate": "4.50", "term_months": found["term_months"] - 1}}).json
    assert shorter["meets_floor"] is False


def test_infeasible_suggest_says_what_is_missing(api):
    caller = api("coop_officer")
    hopeless = {**SPEC_CASE, "monthly_salary": "15000.00", "monthly_allowances": "0",
                "debts": [{**SPEC_CASE["debts"][0], "monthly_payment": "14000.00"}]}
    case = caller.post("/api/v1/debt-cases", json=hopeless).json
    found = caller.post(f"/api/v1/debt-cases/{case['id']}/plans/suggest",
                        json={"consolidate_debt_ids": [case["debts"][0]["id"]], "annual_rate": "4.50"}).json
    assert found["feasible"] is False
    assert Decimal(found["monthly_gap"]) > 0 and 0 < found["best_term_months"] <= 360


def test_choose_a_plan_through_patch(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=three_debts()).json
    ids = [d["id"] for d in case["debts"]]
    plan = caller.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 60, "method": "equal_principal"}]}).json
    result = caller.patch(f"/api/v1/debt-cases/{case['id']}", json={"chosen_plan_id": plan["id"], "version": 1}).json
    assert result["chosen_plan_id"] == plan["id"]
