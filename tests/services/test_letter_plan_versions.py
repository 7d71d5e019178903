"""Letters show the plan's version (issue 19: "Versions 1, 2, … show on the page and in the letters' references"),
and a decision letter of an earlier version is not the letter of the current one: issuing the kind again after a
revision and a new approval needs no reissue reason."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.models import DebtPlan, Letter
from app.services import letter_kinds, letters
from app.services.errors import Conflict
from tests.factories import act, approved_cases, user


def _reference(letter: Letter) -> str:
    return letter_kinds.get(letter.kind).compose(letter.payload).reference


def _revise_and_approve_again(case_id: int) -> None:
    act("coop_officer", case_id, "revise", comment="เจ้าหนี้เสนอเงื่อนไขใหม่")
    plan_id = db.session.scalar(select(DebtPlan.id).where(DebtPlan.case_id == case_id).order_by(DebtPlan.id))
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "approve")


def test_the_reference_names_the_plan_version():
    (case_id,) = approved_cases(1)
    first = letters.issue(user("province_officer"), "debt", case_id, "approval_notice")
    assert first.payload["data"]["plan_version"] == 1
    assert _reference(first).endswith("แผนฉบับที่ 1")
    _revise_and_approve_again(case_id)
    second = letters.issue(user("province_officer"), "debt", case_id, "approval_notice")  # no reason asked
    assert second.payload["data"]["plan_version"] == 2 and _reference(second).endswith("แผนฉบับที่ 2")
    # the same version again is a reissue: 409 naming the version-2 letter, not the version-1 one
    with pytest.raises(Conflict) as refused:
        letters.issue(user("province_officer"), "debt", case_id, "approval_notice")
    assert refused.value.extra["existing_letter"]["id"] == second.id
    assert letters.existing_letter("debt", case_id, "approval_notice").id == second.id
    assert letters.existing_letters_for("debt", "approval_notice", [case_id])[case_id].id == second.id


def test_per_debt_letters_of_the_earlier_version_ask_no_reason_either():
    (case_id,) = approved_cases(1)
    officer = user("coop_officer")
    drafts = letters.pack_drafts(officer, "debt", case_id, "creditor_request", clock.today())
    debt_id = drafts[0].debt_id
    first = letters.issue(officer, "debt", case_id, "creditor_request", debt_id=debt_id)
    assert "แผนฉบับที่ 1" in _reference(first)
    _revise_and_approve_again(case_id)
    assert letters.existing_letter("debt", case_id, "creditor_request", debt_id) is None
    second = letters.issue(officer, "debt", case_id, "creditor_request", debt_id=debt_id)
    assert "แผนฉบับที่ 2" in _reference(second)


def test_facts_without_a_version_print_the_reference_as_before():
    (case_id,) = approved_cases(1)
    letter = letters.issue(user("province_officer"), "debt", case_id, "deduction_notice")
    payload = {**letter.payload, "data": {k: v for k, v in letter.payload["data"].items() if k != "plan_version"}}
    reference = letter_kinds.get("deduction_notice").compose(payload).reference
    assert reference == f"กรณีเลขที่ {letter.payload['data']['reference']}"
