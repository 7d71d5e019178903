"""Issue 17 through the API: retired teachers (api-v1.md v1.1 "retired", "monthly_pension", "paying_unit_code"),
debt rates up to 200% with the legal-rate flag, the monthly-payment bound and the rate messages. Figures by hand.

Messages are checked in either language: the Thai of new messages is merged into the catalogue separately."""
import calendar
import copy
from datetime import date

from sqlalchemy import func, select

from app.domain import clock
from app.extensions import db
from app.models import AuditEvent, DebtCase
from tests.helpers import SPEC_CASE

RETIRED = {**copy.deepcopy(SPEC_CASE), "retired": True, "monthly_pension": "28000.00", "monthly_salary": "0.00",
           "paying_unit_code": "AREA-CMI-01"}
FOUR_DECIMALS = ("Use at most four decimals.", "ใช้ทศนิยมไม่เกินสี่ตำแหน่ง")


def _debt(**changes) -> dict:
    return {**SPEC_CASE["debts"][0], **changes}


def test_a_retired_teacher_is_assessed_on_the_pension(api):
    response = api("coop_officer").post("/api/v1/debt-cases", json=RETIRED)
    assert response.status_code == 201, response.json
    body = response.json
    # receipts = base = pension 28,000; net 28,000 − 3,350 − 21,500 = 3,150; ratio 3,150 / 28,000 = 0.1125;
    # floor 0.30 × 28,000 = 8,400; shortfall 8,400 − 3,150 = 5,250
    assert body["affordability"] == {"receipts": "28000.00", "non_debt_deductions": "3350.00",
                                     "debt_service": "21500.00", "net": "3150.00", "base": "28000.00",
                                     "ratio": "0.1125", "floor": "0.3000", "meets_floor": False,
                                     "shortfall": "5250.00"}
    assert body["risk_group"] == "orange"
    assert (body["retired"], body["monthly_pension"], body["monthly_salary"]) == (True, "28000.00", "0.00")
    assert body["paying_unit_code"] == "AREA-CMI-01" and body["paying_unit"]["kind"] == "area_office"
    assert api("coop_officer").get(f"/api/v1/debt-cases/{body['id']}").json == body
    case = db.session.get(DebtCase, body["id"])
    assert case.retired and case.paying_unit.code == "AREA-CMI-01" and str(case.ratio) == "0.1125"
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "debt_case.create",
                                                         AuditEvent.object_id == str(case.id)))
    assert created.after["retired"] is True and created.after["monthly_pension"] == "28000.00"
    assert created.after["paying_unit"] == "AREA-CMI-01"


def test_salary_and_allowances_sent_for_a_retired_teacher_are_kept_but_not_counted(api):
    body = {**RETIRED, "monthly_salary": "45000.00", "monthly_allowances": "3500.00"}
    result = api("coop_officer").post("/api/v1/debt-cases", json=body).json
    assert result["affordability"]["receipts"] == "28000.00" and result["affordability"]["base"] == "28000.00"
    assert result["monthly_salary"] == "45000.00"


def test_a_retired_teacher_may_leave_the_salary_out_but_needs_a_pension(api):
    caller = api("coop_officer")
    no_salary = {k: v for k, v in RETIRED.items() if k != "monthly_salary"}
    created = caller.post("/api/v1/debt-cases", json=no_salary)
    assert created.status_code == 201 and created.json["monthly_salary"] == "0.00"
    for pension in (None, "0.00", "50.00"):
        body = {**RETIRED}
        if pension is None:
            body.pop("monthly_pension")
        else:
            body["monthly_pension"] = pension
        response = caller.post("/api/v1/debt-cases", json=body)
        assert response.status_code == 422 and "monthly_pension" in response.json["error"]["fields"], pension
    serving = {**SPEC_CASE, "monthly_salary": "0.00"}
    response = caller.post("/api/v1/debt-cases", json=serving)
    assert response.status_code == 422 and "monthly_salary" in response.json["error"]["fields"]


def test_the_paying_unit_must_be_an_area_office(api):
    caller = api("coop_officer")
    before = db.session.scalar(select(func.count(DebtCase.id)))
    for code in ("COOP-KKN-01", "50", "NO-SUCH-UNIT"):
        response = caller.post("/api/v1/debt-cases", json={**RETIRED, "paying_unit_code": code})
        assert response.status_code == 422, code
        assert list(response.json["error"]["fields"]) == ["paying_unit_code"]
    assert db.session.scalar(select(func.count(DebtCase.id))) == before
    # optional: a case without one, or with null
    for body in ({k: v for k, v in RETIRED.items() if k != "paying_unit_code"}, {**RETIRED, "paying_unit_code": None}):
        created = caller.post("/api/v1/debt-cases", json=body)
        assert created.status_code == 201 and created.json["paying_unit_code"] is None


def test_patch_turns_a_serving_teacher_into_a_retired_one(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=SPEC_CASE).json
    url = f"/api/v1/debt-cases/{case['id']}"
    refused = caller.patch(url, json={"retired": True, "version": case["version"]})
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["monthly_pension"]
    changed = caller.patch(url, json={"retired": True, "monthly_pension": "30000.00", "paying_unit_code": "AREA-CMI-01",
                                      "version": case["version"]})
    assert changed.status_code == 200, changed.json
    # receipts = base = 30,000; net 30,000 − 3,350 − 21,500 = 5,150; ratio 0.171666… → 0.1717
    assert (changed.json["affordability"]["receipts"], changed.json["affordability"]["ratio"]) == ("30000.00", "0.1717")
    assert changed.json["version"] == case["version"] + 1
    cleared = caller.patch(url, json={"paying_unit_code": None, "retired": False, "version": changed.json["version"]})
    assert cleared.status_code == 200 and cleared.json["paying_unit_code"] is None
    assert cleared.json["affordability"]["receipts"] == "48500.00"  # back on the salary and allowances


def test_an_informal_debt_at_60_percent_is_accepted_and_flagged(api):
    body = {**SPEC_CASE, "debts": [_debt(), _debt(creditor_name="เงินกู้นอกระบบ", creditor_type="informal",
                                               outstanding="50000.00", annual_rate="60", monthly_payment="5000.00",
                                               remaining_months=14, salary_deducted=False)]}
    response = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert response.status_code == 201, response.json
    debts = response.json["debts"]
    assert [d["above_legal_rate"] for d in debts] == [False, True] and debts[1]["annual_rate"] == "60.00"
    warnings = response.json["warnings"]
    assert [(w["code"], w["debt_id"], w["field"]) for w in warnings] == [
        ("above_legal_rate", debts[1]["id"], "debts[1].annual_rate")]
    assert "15" in warnings[0]["message"] and "654" in warnings[0]["message"]


def test_exactly_15_percent_is_not_flagged(api):
    body = {**SPEC_CASE, "debts": [_debt(annual_rate="15.00")]}
    result = api("coop_officer").post("/api/v1/debt-cases", json=body).json
    assert result["debts"][0]["above_legal_rate"] is False and result["warnings"] == []


def test_debt_rates_have_their_own_messages(api):
    caller = api("coop_officer")
    response = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "debts": [
        _debt(annual_rate="5.12345"), _debt(creditor_name="B", annual_rate="200.01"), _debt(creditor_name="C",
                                                                                            annual_rate="-1")]})
    fields = response.json["error"]["fields"]
    assert response.status_code == 422
    assert fields["debts[0].annual_rate"] in FOUR_DECIMALS  # not "two decimals (satang)" (issue 17, 5b)
    assert "200" in fields["debts[1].annual_rate"] and "200" in fields["debts[2].annual_rate"]


def test_plan_rates_keep_the_30_percent_cap_with_rate_messages(api):
    caller = api("coop_officer")
    case = caller.post("/api/v1/debt-cases", json=SPEC_CASE).json
    debt_id = case["debts"][0]["id"]
    for rate, expected in (("4.12345", FOUR_DECIMALS), ("30.5", None), ("abc", None)):
        response = caller.post(f"/api/v1/debt-cases/{case['id']}/plans", json={
            "consolidate": {"debt_ids": [debt_id], "annual_rate": rate, "term_months": 120}})
        assert response.status_code == 422, rate
        message = response.json["error"]["fields"]["consolidate.annual_rate"]
        assert "satang" not in message and "สตางค์" not in message
        if expected:
            assert message in expected
        else:
            assert "30" in message


def test_a_payment_may_not_exceed_what_is_owed_plus_a_month_of_interest(api):
    caller = api("coop_officer")
    # 2,000 a month on a debt of 0.01 baht (issue 17, 5a)
    tiny = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "debts": [
        _debt(outstanding="0.01", monthly_payment="2000.00")]})
    assert tiny.status_code == 422 and "debts[0].monthly_payment" in tiny.json["error"]["fields"]
    assert "0.01" in tiny.json["error"]["fields"]["debts[0].monthly_payment"]
    # 50,000 at 60%: one month's interest 2,500, so 52,500.00 clears it in one instalment; a satang more is refused
    informal = dict(creditor_name="เงินกู้นอกระบบ", creditor_type="informal", outstanding="50000.00",
                    annual_rate="60", remaining_months=1)
    ok = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "debts": [_debt(**informal, monthly_payment="52500.00")]})
    assert ok.status_code == 201, ok.json
    over = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "debts": [
        _debt(**informal, monthly_payment="52500.01")]})
    assert over.status_code == 422 and "52,500.00" in over.json["error"]["fields"]["debts[0].monthly_payment"]


def test_nothing_outstanding_is_refused_with_a_message_about_paid_off_debts(api):
    for payment in ("0.00", "100.00"):
        response = api("coop_officer").post("/api/v1/debt-cases", json={**SPEC_CASE, "debts": [
            _debt(outstanding="0.00", monthly_payment=payment)]})
        assert response.status_code == 422
        assert list(response.json["error"]["fields"]) == ["debts[0].outstanding"]


def _months_to_age(birth: date, today: date, age: int) -> int:
    """Instalment k falls on today + k months, clamped to the month's end; the last may fall no later than the
    borrower's birthday at `age` (domain.md, "Restructuring plan"), counted one month at a time here."""
    cap, k = date(birth.year + age, birth.month, birth.day), 0
    while True:
        year, month = divmod(today.month + k, 12)
        year += today.year
        day = date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
        if day > cap:
            return k
        k += 1


def test_plans_of_a_retired_teacher_keep_the_age_cap(api):
    caller = api("coop_officer")
    teacher = {**RETIRED["teacher"], "birth_date": "1958-11-20"}
    case = caller.post("/api/v1/debt-cases", json={**RETIRED, "teacher": teacher}).json
    allowed = _months_to_age(date(1958, 11, 20), clock.today(), 75)
    url = f"/api/v1/debt-cases/{case['id']}/plans"
    debt_id = case["debts"][0]["id"]
    refused = caller.post(url, json={"consolidate": {"debt_ids": [debt_id], "annual_rate": "4.50",
                                                     "term_months": allowed + 1}})
    assert refused.status_code == 422 and "consolidate.term_months" in refused.json["error"]["fields"]
    if allowed >= 1:
        assert caller.post(url, json={"consolidate": {"debt_ids": [debt_id], "annual_rate": "4.50",
                                                      "term_months": allowed}}).status_code == 201


GROUPING = ("Commas may only separate thousands, e.g. 12,345.67. Check the number.",
            "ใช้จุลภาคคั่นได้เฉพาะหลักพัน เช่น 12,345.67 กรุณาตรวจตัวเลขอีกครั้ง")


def test_ambiguous_numbers_are_refused_not_guessed(api):
    """Issue 21, 8: "1,2,3" was saved as 123.00 and a rate "5,5" as 55: each is a field error now, and nothing is
    written; "12,345.67" still reads as it always did."""
    caller = api("coop_officer")
    before = db.session.scalar(select(func.count(DebtCase.id)))
    response = caller.post("/api/v1/debt-cases", json={**SPEC_CASE, "monthly_salary": "1,2,3", "debts": [
        _debt(outstanding="12,345.67", annual_rate="5,5")]})
    fields = response.json["error"]["fields"]
    assert response.status_code == 422
    assert fields["monthly_salary"] in GROUPING and fields["debts[0].annual_rate"] in GROUPING
    assert "debts[0].outstanding" not in fields
    assert db.session.scalar(select(func.count(DebtCase.id))) == before
