"""Issue 17, relief, through the API and the pages: exact heir shares, the 23-year-old undergraduate, the first
year's stipend months, funeral welfare by membership, property damage until an administrator sets a rule. Expected
figures are worked out here from the rules as seeded (read from the database), not copied from the app's output."""
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from html import escape

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import AuditEvent, EntitlementRule, User
from app.relief.forms import form_to_payload
from app.services import relief_rules
from app.services.errors import ValidationFailed
from tests.helpers import citizen_id, death_case

FIRST = 4_170_000  # citizen_id(FIRST + n): clear of the other tests' people


def rule(code: str) -> EntitlementRule:
    return db.session.scalar(select(EntitlementRule).where(EntitlementRule.code == code,
                                                           EntitlementRule.effective_to.is_(None)))


def entitlement(case: dict, code: str) -> dict | None:
    return next((e for e in case["entitlements"] if e["rule"]["code"] == code), None)


def person(n: int, relationship: str, **extra) -> dict:
    return {"citizen_id": citizen_id(FIRST + n), "title": "นาย", "first_name": f"ทายาท{n}", "last_name": "ทดสอบ",
            "birth_date": "1990-01-01", "relationship": relationship, "education_level": None, **extra}


def test_spouse_and_seven_children_split_pension_heirs_exactly(api):
    heirs = [person(0, "spouse", birth_date="1982-05-01")] + [person(i, "child", birth_date="1995-01-01")
                                                              for i in range(1, 8)]
    body = death_case(victim__citizen_id=citizen_id(FIRST + 100), beneficiaries=heirs, split_method="pension_heirs")
    response = api("south_officer").post("/api/v1/relief-cases", json=body)
    assert response.status_code == 201, response.json
    welfare = entitlement(response.json, "moe.welfare.death")
    # The rules in force: MOE welfare less the SBPAC remedy; spouse 1 share, seven children 3 shares between them.
    net = Fraction(rule("moe.welfare.death").amount - rule("sbpac.remedy.death").amount)
    spouse, child = net * Fraction(1, 4), net * Fraction(3, 4) / 7
    assert (spouse, child) == (875_000, 375_000)
    assert Decimal(welfare["amount"]) == Decimal(net.numerator) == Decimal("3500000")
    shares = {s["citizen_id"]: s for s in welfare["beneficiary_shares"]}
    assert shares[citizen_id(FIRST)]["amount"] == "875000.00"
    assert [shares[citizen_id(FIRST + i)]["amount"] for i in range(1, 8)] == ["375000.00"] * 7
    assert not any(s["remainder"] for s in welfare["beneficiary_shares"])


def test_a_23_year_old_undergraduate_gets_the_moe_scholarship(api):
    student = person(10, "child", birth_date="2001-03-01", education_level="higher")  # 23 when 2567 opened
    body = death_case(victim__citizen_id=citizen_id(FIRST + 101), beneficiaries=[person(11, "spouse"), student])
    with time_machine.travel(datetime(2025, 1, 10, 3, tzinfo=UTC), tick=False):  # still academic year 2567
        case = api("south_officer").post("/api/v1/relief-cases", json=body).json
    scholarship = entitlement(case, "moe.scholarship")
    assert scholarship is not None, case["entitlements"]
    rate = Decimal(rule("moe.scholarship").rates["higher"])
    assert [(i["period"], Decimal(i["amount"]), i["education_level"]) for i in scholarship["schedule"]] == [
        ("2567", rate, "higher")]
    # SBPAC's stipend keeps its own limits: no rate for higher education, so nothing for this student
    assert entitlement(case, "sbpac.child_stipend") is None


def test_the_first_year_stipend_counts_the_months_from_the_incident(api):
    case = api("south_officer").post("/api/v1/relief-cases", json=death_case()).json  # 14 June 2024
    stipend = entitlement(case, "sbpac.child_stipend")
    monthly = Decimal(rule("sbpac.child_stipend").rates["kindergarten"])
    kindergarten = [i for i in stipend["schedule"] if i["citizen_id"] == "1959900012348"]
    # June 2024 (the incident's month) to April 2025: 11 months of academic year 2567, then whole years of 12
    months = (2025 * 12 + 4) - (2024 * 12 + 6) + 1
    assert months == 11
    assert (kindergarten[0]["period"], kindergarten[0]["months"]) == ("2567", months)
    assert Decimal(kindergarten[0]["amount"]) == monthly * months
    assert kindergarten[0]["due"] == "2024-06-14"
    assert all(Decimal(i["amount"]) == monthly * 12 and i["months"] == 12 for i in kindergarten[1:])
    assert Decimal(stipend["amount"]) == sum(Decimal(i["amount"]) for i in stipend["schedule"])


def test_funeral_welfare_needs_membership_and_an_amount(api, as_user):
    officer = api("south_officer")
    member = death_case(victim__citizen_id=citizen_id(FIRST + 102), victim__chpk_member=True,
                        victim__chps_member=True)
    before = officer.post("/api/v1/relief-cases", json=member).json
    assert before["victim"]["chpk_member"] is True and before["victim"]["chps_member"] is True
    assert entitlement(before, "chpk.funeral") is None  # seeded without an amount: nothing computed …
    notes = {n["rule_code"]: n for n in before["entitlement_notes"]}
    assert set(notes) == {"chpk.funeral", "chps.funeral"}  # … and the case says so, per fund
    assert all(n["reason"] == "amount_not_set" and n["message"] for n in notes.values())

    # The administrator sets the ช.พ.ค. amount on the rules page, from the rule's own start date
    chpk = rule("chpk.funeral")
    page = as_user("admin").get("/admin/rules").get_data(as_text=True)
    assert f'data-testid="rule-unset-{chpk.id}"' in page
    saved = as_user("admin").post(f"/admin/rules/{chpk.id}/version", data={
        "amount": "90000.03", "effective_from": "01/01/2547", "source": "ประกาศ ช.พ.ค. (ทดสอบ)"})
    assert saved.status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rule.new_version")) is not None

    after = officer.post("/api/v1/relief-cases", json={**member, "victim": {
        **member["victim"], "citizen_id": citizen_id(FIRST + 103)}}).json
    funeral = entitlement(after, "chpk.funeral")
    # 90,000.03 in equal shares among spouse and two children: 3,000,001 satang each, exactly
    exact = Fraction(9_000_003, 3)
    assert exact.denominator == 1 and Decimal(funeral["amount"]) == Decimal("90000.03")
    assert [s["amount"] for s in funeral["beneficiary_shares"]] == ["30000.01"] * 3
    assert [n["rule_code"] for n in after["entitlement_notes"]] == ["chps.funeral"]  # ช.พ.ส. still unset
    # Not a member of either fund: neither entitlement nor note
    none = officer.post("/api/v1/relief-cases", json=death_case(victim__citizen_id=citizen_id(FIRST + 104))).json
    assert entitlement(none, "chpk.funeral") is None and none["entitlement_notes"] == []
    # A member who was injured, not killed: funeral welfare is for a death only
    hurt = officer.post("/api/v1/relief-cases", json=death_case(
        victim__citizen_id=citizen_id(FIRST + 105), victim__harm="serious_injury", victim__chpk_member=True,
        beneficiaries=[])).json
    assert entitlement(hurt, "chpk.funeral") is None and hurt["entitlement_notes"] == []


def test_membership_must_be_true_or_false(api):
    body = death_case(victim__chpk_member="yes")
    response = api("south_officer").post("/api/v1/relief-cases", json=body)
    assert response.status_code == 422 and "victim.chpk_member" in response.json["error"]["fields"]


def test_the_form_carries_membership_ticks():
    payload = form_to_payload(MultiDict({"victim-chpk_member": "y", "victim-harm": "death"}))
    assert payload["victim"]["chpk_member"] is True and payload["victim"]["chps_member"] is False


def test_property_damage_says_plainly_until_an_administrator_sets_a_rule(api, as_user):
    officer = api("south_officer")
    body = death_case(victim__citizen_id=citizen_id(FIRST + 106), victim__harm="property_damage", beneficiaries=[])
    case = officer.post("/api/v1/relief-cases", json=body).json
    assert case["entitlements"] == []
    assert [n["reason"] for n in case["entitlement_notes"]] == ["no_rule"]
    message = case["entitlement_notes"][0]["message"]
    page = as_user("south_officer").get(f"/relief-cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="entitlement-note"' in page and escape(message, quote=False) in page

    # The administrator sets one: amount, effective date, source
    placeholder = rule("sbpac.property_damage")
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    relief_rules.new_version(admin, placeholder.id, amount="30000", rates=None, effective_from=date(2024, 1, 1),
                             source="มติคณะกรรมการ (ทดสอบ)")
    fresh = officer.post("/api/v1/relief-cases", json={**body, "victim": {
        **body["victim"], "citizen_id": citizen_id(FIRST + 107)}}).json
    assert [(e["rule"]["code"], e["amount"]) for e in fresh["entitlements"]] == [("sbpac.property_damage", "30000.00")]
    assert fresh["entitlement_notes"] == []
    # The earlier case keeps what it was computed with until it is saved again, then gets the rule
    assert officer.get(f"/api/v1/relief-cases/{case['id']}").json["entitlement_notes"][0]["reason"] == "no_rule"
    again = officer.patch(f"/api/v1/relief-cases/{case['id']}", json={**body, "version": case["version"]})
    assert again.status_code == 200, again.json
    assert [e["amount"] for e in again.json["entitlements"]] == ["30000.00"] and again.json["entitlement_notes"] == []


def test_rule_amounts_are_checked_field_by_field():
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    placeholder = rule("chps.funeral")
    for amount, field in (("", "amount"), ("-1", "amount"), ("12.345", "amount"), ("abc", "amount"),
                          ("1000000000000", "amount")):
        with pytest.raises(ValidationFailed) as error:
            relief_rules.new_version(admin, placeholder.id, amount=amount, rates=None,
                                     effective_from=date(2025, 1, 1), source="ทดสอบ")
        assert field in error.value.fields
    scholarship = rule("moe.scholarship")
    with pytest.raises(ValidationFailed) as error:
        relief_rules.new_version(admin, scholarship.id, amount=None, rates={"phd": "1"},
                                 effective_from=date(2025, 1, 1), source="ทดสอบ")
    assert "rates" in error.value.fields
    # A rule that has an amount cannot get a new version from its own start date
    remedy = rule("sbpac.remedy.death")
    with pytest.raises(ValidationFailed) as error:
        relief_rules.new_version(admin, remedy.id, amount="1", rates=None, effective_from=remedy.effective_from,
                                 source="ทดสอบ")
    assert "effective_from" in error.value.fields
