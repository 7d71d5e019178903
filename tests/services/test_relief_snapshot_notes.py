"""Issue 17, relief: what an approver approved keeps the victim's funeral-welfare membership and the notes of what
could not be computed, exactly as the API shows them at approval."""
from sqlalchemy import select

from app.api.relief_serialise import case_json
from app.extensions import db
from app.models import CaseSnapshot
from app.services import relief, relief_evidence, relief_input
from app.services.workflow import TransitionRequest, transition
from tests.factories import user
from tests.helpers import PDF, citizen_id, death_case


def test_the_snapshot_keeps_memberships_and_notes():
    officer, approver = user("south_officer"), user("south_approver")
    body = death_case(victim__citizen_id=citizen_id(4_170_500), victim__chps_member=True)
    case = relief.create_case(officer, relief_input.parse_relief(body))
    for kind in relief.missing_evidence(case):
        relief_evidence.add_evidence(officer, case.id, kind, f"{kind}.pdf", PDF)
    transition("relief", officer, case.id, TransitionRequest("verify"))
    transition("relief", approver, case.id, TransitionRequest("approve", resolution_no="คกก. 9/2569"))
    frozen = db.session.scalar(select(CaseSnapshot).where(CaseSnapshot.case_type == "relief",
                                                          CaseSnapshot.case_id == case.id)).data
    assert frozen["victim"]["chps_member"] is True and frozen["victim"]["chpk_member"] is False
    assert [n["rule_code"] for n in frozen["entitlement_notes"]] == ["chps.funeral"]
    shown = case_json(relief.get_case(officer, case.id))
    assert frozen["entitlement_notes"] == shown["entitlement_notes"]
    assert frozen["victim"] == shown["victim"]
    stipend = next(e for e in frozen["entitlements"] if e["rule"]["code"] == "sbpac.child_stipend")
    assert stipend["schedule"][0]["months"] == 11  # June 2024 to April 2025
    assert stipend["schedule"] == next(e for e in shown["entitlements"] if e["id"] == stipend["id"])["schedule"]
