"""A person's exposure as guarantor (domain.md, "After approval" 6; api-v1.md v1.1 "Guarantor exposure"): known answers
worked out here for an active case with repayments (the instalments left, part by part), a draft case (the debt as
entered), a case outside the caller's scope; and the report on the notes migration 0022 left as text."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import guarantors_report_command
from app.extensions import db
from app.models import AuditEvent, Debt, DebtCase, Repayment
from app.services import arrears, guarantors
from app.services.errors import Forbidden, NotFound
from tests.factories import user
from tests.helpers import SPEC_CASE, activate_through_api, annuity, citizen_id, settle_through_api, three_debts

TEACHER = "1101700230708"
G = {"citizen_id": "3100100123451", "title": "นาง", "first_name": "ซูไรดา", "last_name": "สาแม"}
H = {"citizen_id": "1409900123454", "title": "นาย", "first_name": "อิมรอน", "last_name": "สาแม"}
CENT = Decimal("0.01")


def schedule_total(principal: str, rate: str, months: int) -> Decimal:
    """What an annuity's schedule asks for in all: the level instalment (tests/helpers.annuity) each month, each
    month's interest balance·rate/1200 to the satang half up, the last instalment whatever is left (domain.md,
    "Repayment maths"), worked out here month by month."""
    payment, balance, total = annuity(principal, rate, months), Decimal(principal), Decimal("0.00")
    for n in range(1, months + 1):
        interest = (balance * Decimal(rate) / 1200).quantize(CENT, rounding=ROUND_HALF_UP)
        pay = payment if n < months else balance + interest
        total, balance = total + pay, balance + interest - pay
    assert balance == 0
    return total


def _case(api, username, teacher_id, debts, cooperative_code=None):
    body = copy.deepcopy({**SPEC_CASE, "debts": debts})
    body["teacher"]["citizen_id"] = teacher_id
    if cooperative_code:
        body["cooperative_code"] = cooperative_code
    created = api(username).post("/api/v1/debt-cases", json=body)
    assert created.status_code == 201, created.json
    return created.json


def _debt(outstanding: str, payment: str, *guarantors):
    return {"creditor_name": "ธนาคารออมสิน", "creditor_type": "gsb", "outstanding": outstanding, "annual_rate": "6.00",
            "monthly_payment": payment, "remaining_months": 60, "guarantors": list(guarantors)}


def on(day: date):
    """The app's clock stopped at noon in Bangkok on `day`."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC), tick=False)


def _active_guaranteed(api):
    """three_debts() for TEACHER, G guaranteeing all three debts and H the second: the cooperative's own debt left
    alone (1,850,000.00), the GSB debt (600,000.00) consolidated into the new loan at 4.50% over 180 months, the
    KTB debt (150,000.00) rescheduled at 6.00% over 60 months; signed on 25 November 2026, first due December."""
    officer = api("coop_officer")
    body = three_debts()
    for debt, named in zip(body["debts"], ([G], [G, H], [G])):
        debt["guarantors"] = named
    case = officer.post("/api/v1/debt-cases", json=body).json
    ids, url = [d["id"] for d in case["debts"]], f"/api/v1/debt-cases/{case['id']}"
    plan = officer.post(url + "/plans", json={
        "consolidate": {"debt_ids": [ids[1]], "annual_rate": "4.50", "term_months": 180},
        "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 60}]}).json
    submitted = officer.post(url + "/transitions", json={"action": "submit", "plan_id": plan["id"]}).json
    approved = api("province_approver").post(url + "/transitions", json={"action": "approve",
                                                                       "version": submitted["version"]})
    assert approved.json["status"] == "approved", approved.json
    settle_through_api(officer, url, ids[1:], [ids[1]], payoff="600000.00")
    activate_through_api(officer, url, "2026-12", signed="2026-11-25")
    return case["id"], ids


def _repay(case_id: int, part: str, amount: Decimal, reference: str) -> None:
    """A repayment for December 2026, written as the repayment service writes its rows."""
    case = db.session.get(DebtCase, case_id)
    db.session.add(Repayment(reference=reference, case_id=case_id, plan_version=case.plan_version, part=part,
                             month=date(2026, 12, 1), amount=amount, paid_on=date(2026, 12, 25), source="api",
                             batch="test-guarantors"))
    db.session.flush()


@pytest.fixture
def exposed(api):
    """G guarantees the three debts of TEACHER's active case and a draft case's debt in Chiang Mai, and a debt in
    Khon Kaen (outside the Chiang Mai cooperative's scope); G owes a draft case of her own in Chiang Mai. December's
    new-loan instalment is paid in full, half of the KTB one; assessed on 10 January 2027."""
    with on(date(2026, 12, 1)):
        active_id, ids = _active_guaranteed(api)
    new_loan, ktb = annuity("600000.00", "4.50", 180), annuity("150000.00", "6.00", 60)
    half = (ktb / 2).quantize(CENT)
    _repay(active_id, "new_loan", new_loan, "G-1")
    _repay(active_id, str(ids[2]), half, "G-2")
    with on(date(2027, 1, 10)):
        arrears.assess(case_ids=[active_id])
    draft = _case(api, "coop_officer", citizen_id(1), [_debt("80000.00", "2000.00", G)])
    far = _case(api, "coop_officer2", citizen_id(2), [_debt("50000.00", "1500.00", G)], "COOP-KKN-01")
    own = _case(api, "coop_officer", G["citizen_id"], [_debt("300000.00", "6000.00", H)])
    return {"active": active_id, "ids": ids, "draft": draft, "far": far, "own": own,
            "loan_left": schedule_total("600000.00", "4.50", 180) - new_loan,
            "ktb_left": schedule_total("150000.00", "6.00", 60) - half}


def test_exposure_as_guarantor_and_as_debtor_with_known_answers(exposed):
    e = exposed
    found = guarantors.exposure_of(user("coop_officer"), G["citizen_id"]).as_json()
    # December's KTB instalment is half paid: 10 days past its due day (31 December) on 10 January → 1–30
    assert found["as_guarantor"] == [
        {"case_id": e["active"], "debt_id": e["ids"][0], "debtor_name": "นางสมศรี ใจดี", "outstanding": "1850000.00",
         "bucket": "1-30"},                                            # left on its own terms: as entered
        {"case_id": e["active"], "debt_id": e["ids"][1], "debtor_name": "นางสมศรี ใจดี",
         "outstanding": f"{e['loan_left']:.2f}", "bucket": "1-30"},    # consolidated: the new loan's instalments left
        {"case_id": e["active"], "debt_id": e["ids"][2], "debtor_name": "นางสมศรี ใจดี",
         "outstanding": f"{e['ktb_left']:.2f}", "bucket": "1-30"},     # rescheduled: its own instalments left
        {"case_id": e["draft"]["id"], "debt_id": e["draft"]["debts"][0]["id"], "debtor_name": "นางสมศรี ใจดี",
         "outstanding": "80000.00", "bucket": None},                   # never active
    ]
    total = Decimal("1850000.00") + e["loan_left"] + e["ktb_left"] + Decimal("80000.00")
    assert found["total_guaranteed"] == f"{total:.2f}"
    assert found["as_debtor"] == [{"case_id": e["own"]["id"], "outstanding": "300000.00"}]
    # H guarantees the consolidated debt and G's own case
    h = guarantors.exposure_of(user("coop_officer"), H["citizen_id"]).as_json()
    assert [(x["debt_id"], x["outstanding"]) for x in h["as_guarantor"]] == [
        (e["ids"][1], f"{e['loan_left']:.2f}"), (e["own"]["debts"][0]["id"], "300000.00")]
    # the teacher of the active case owes the instalments left on both parts and the debt left alone
    teacher = guarantors.exposure_of(user("coop_officer"), TEACHER).as_json()
    assert teacher["as_debtor"] == [{"case_id": e["active"],
                                     "outstanding": f"{e['loan_left'] + e['ktb_left'] + Decimal('1850000.00'):.2f}"}]
    assert teacher["as_guarantor"] == [] and teacher["total_guaranteed"] == "0.00"


def test_the_scope_decides_what_is_listed(exposed):
    e = exposed
    everywhere = guarantors.exposure_of(user("admin"), G["citizen_id"])
    assert [i.case.id for i in everywhere.as_guarantor][-1] == e["far"]["id"]
    assert everywhere.total_guaranteed == guarantors.exposure_of(user("coop_officer"), G["citizen_id"]) \
        .total_guaranteed + Decimal("50000.00")
    province = guarantors.exposure_of(user("province_officer"), G["citizen_id"])
    assert e["far"]["id"] not in {i.case.id for i in province.as_guarantor}
    khon_kaen = guarantors.exposure_of(user("coop_officer2"), "3-1001-00123-45-1")   # dashes as on the card
    assert [(i.case.id, f"{i.outstanding:.2f}") for i in khon_kaen.as_guarantor] == [(e["far"]["id"], "50000.00")]
    assert khon_kaen.as_debtor == []
    with pytest.raises(NotFound):   # the Khon Kaen cooperative sees nothing of H
        guarantors.view_exposure(user("coop_officer2"), H["citizen_id"])
    with pytest.raises(Forbidden):
        guarantors.exposure_of(user("ministry_viewer"), G["citizen_id"])


@pytest.mark.parametrize("asked", ["3100100123452", "12345", "", "๓๑๐๐๑๐๐๑๒๓๔๕๑", "x" * 500])
def test_a_malformed_citizen_id_is_not_found(asked):
    with pytest.raises(NotFound):
        guarantors.view_exposure(user("admin"), asked)


def test_the_read_is_logged_as_a_view_of_personal_data(exposed):
    guarantors.view_exposure(user("coop_officer"), G["citizen_id"])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.view")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.actor_username == "coop_officer" and event.object_type == "person"
    assert event.after == {"exposure": G["citizen_id"], "as_debtor": 1, "as_guarantor": 4}


def test_the_report_lists_notes_left_as_text_with_ids_masked(api, app):
    case = _case(api, "coop_officer", TEACHER, [_debt("80000.00", "2000.00", G), _debt("90000.00", "2000.00")])
    kept = db.session.get(Debt, case["debts"][1]["id"])
    kept.guarantors_note = "เพื่อนครู นายสมชาย 3100100123451 โทร 081-234-5678"
    db.session.flush()
    counts = guarantors.counts()
    assert (counts.debts_with_guarantors, counts.guarantors, counts.notes_left) == (1, 1, 1)
    [row] = guarantors.unstructured_notes()
    assert (row.case_reference, row.position) == (case["reference"], 2)
    assert row.masked_note == "เพื่อนครู นายสมชาย 3-1001-xxxxx-45-1 โทร xxx-xxx-xxxx"
    with app.test_request_context():
        result = CliRunner().invoke(guarantors_report_command, [], obj=None, standalone_mode=False)
    assert result.exception is None, result.output
    assert "3-1001-xxxxx-45-1" in result.output and "3100100123451" not in result.output
    assert "1 guarantors on 1 debts; 1 debts with a note not structured" in result.output
