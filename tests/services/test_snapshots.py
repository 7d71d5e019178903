"""Approval snapshots are their own versioned documents (issue 15, item 1): built from the models, never from the
API's serialiser, and snapshots frozen before they carried a schema still print the same letters."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.api import serialise
from app.api.relief_serialise import case_json as relief_case_json
from app.extensions import db
from app.models import CaseSnapshot
from app.services import letters, snapshots
from app.services.case_figures import affordability_of
from app.services.plan_json import settings_to_json
from app.services.plan_settings import plan_settings
from tests.pdf.helpers import norm, pdf_text
from tests.factories import user


def _stored(case_type: str, case_id: int) -> CaseSnapshot:
    return db.session.scalar(select(CaseSnapshot).where(CaseSnapshot.case_type == case_type,
                                                        CaseSnapshot.case_id == case_id))


def _legacy_debt_snapshot(case) -> dict:
    """What approval froze before snapshots had a schema: the API's case JSON less its volatile fields."""
    body = serialise.case_json(case, affordability_of(case))
    for volatile in ("version", "status", "updated_at", "plans"):
        body.pop(volatile)
    # Added to the API by issue 17 and derived, not frozen: the paying unit's name, and the legal-rate warnings.
    for derived in ("paying_unit", "warnings"):
        body.pop(derived)
    # Added to the API by issue 19 and not frozen: what happens after approval (snapshot schema 3 adds only the
    # plan version, checked beside it).
    # Issue 20 adds the case's delinquency, never frozen either.
    for after_approval in ("plan_version", "agreement_signed_on", "first_due_month", "after_approval", "delinquency"):
        body.pop(after_approval)
    for debt in body["debts"]:
        debt.pop("above_legal_rate")
        debt.pop("closed_on")
        debt.pop("creditor_id")  # issue 18: the creditor on file, added to both (see below)
        # issue 20: the API's structured guarantors and note, which schema 4 freezes in its own shape (see below)
        debt.pop("guarantors"), debt.pop("guarantors_note")
    chosen = case.chosen_plan
    body["chosen_plan"] = {"id": chosen.id, "label": chosen.label, "spec": chosen.spec, **chosen.result}
    return body


def _legacy_relief_snapshot(case) -> dict:
    body = relief_case_json(case)
    for volatile in ("version", "status", "evidence", "evidence_required", "payments", "updated_at"):
        body.pop(volatile)
    return body


def test_schema_4_is_the_old_shape_with_a_version_the_settings_the_plan_version_and_guarantors(decided):
    debt, relief = decided
    debt_snapshot, relief_snapshot = _stored("debt", debt.id).data, _stored("relief", relief.id).data
    assert debt_snapshot["schema"] == 4 and relief_snapshot["schema"] == 4
    # schema 2 (issue 17) adds the settings in force at approval; the chosen plan carries those it was worked out under
    assert debt_snapshot["settings"] == settings_to_json(plan_settings())
    assert debt_snapshot["chosen_plan"]["settings"] == settings_to_json(plan_settings())
    # issue 18 adds each debt's creditor on file (creditor_id and its addressee, address, branch) to the same shape
    # schema 3 (issue 19) adds the version of the plan approved: 1 for a case never revised
    assert debt_snapshot["plan_version"] == 1
    older = {k: v for k, v in debt_snapshot.items() if k not in ("schema", "settings", "plan_version")}
    assert all(d["creditor_id"] == row.creditor_id and d["creditor"]["addressee"] == row.creditor.addressee
               for d, row in zip(older["debts"], debt.debts))
    # schema 4 (issue 20): each debt's guarantors as a list (full citizen IDs) and the free-text note beside it, where
    # schemas 1–3 froze the free text under "guarantors"
    assert all(d["guarantors"] == [{"citizen_id": g.citizen_id, "title": g.title, "first_name": g.first_name,
                                    "last_name": g.last_name} for g in row.guarantors]
               and d["guarantors_note"] == row.guarantors_note for d, row in zip(older["debts"], debt.debts))
    older["debts"] = [{k: v for k, v in d.items() if k not in ("creditor_id", "creditor", "guarantors",
                                                               "guarantors_note")} for d in older["debts"]]
    assert older == _legacy_debt_snapshot(debt)
    # The relief payments made after approval are not frozen; the approved amounts are.
    legacy = _legacy_relief_snapshot(relief)
    for entitlement in legacy["entitlements"]:
        entitlement["paid"] = "0.00"
    assert {k: v for k, v in relief_snapshot.items() if k != "schema"} == legacy


def test_renaming_an_api_field_changes_nothing_that_is_frozen(decided, monkeypatch):
    debt, _ = decided
    before = snapshots.debt_snapshot(debt, affordability_of(debt), plan_settings())
    original = serialise.case_json
    monkeypatch.setattr(serialise, "case_json",
                        lambda case, a: {("debtor" if k == "teacher" else k): v for k, v in original(case, a).items()})
    assert snapshots.debt_snapshot(debt, affordability_of(debt), plan_settings()) == before
    assert "teacher" in before


def test_a_snapshot_frozen_before_schemas_prints_the_same_letter(decided):
    debt, relief = decided
    for case_type, case, kind in (("debt", debt, "approval_notice"), ("debt", debt, "schedule"),
                                  ("relief", relief, "decision_notice")):
        stored = _stored(case_type, case.id)
        current = letters.issue(user("province_officer" if case_type == "debt" else "south_officer"),
                                case_type, case.id, kind)
        frozen = stored.data
        old = {k: v for k, v in frozen.items() if k not in ("schema", "settings")}  # as stored before versioning
        if old.get("chosen_plan"):  # and before plans carried their settings (issue 17)
            old["chosen_plan"] = {k: v for k, v in old["chosen_plan"].items() if k != "settings"}
        stored.data = old
        db.session.commit()
        legacy = letters.issue(user("province_officer" if case_type == "debt" else "south_officer"),
                               case_type, case.id, kind, reissue_reason="พิมพ์จากภาพที่บันทึกก่อนมีรุ่น")
        assert legacy.payload["data"] == current.payload["data"]
        assert legacy.content_sha256 == current.content_sha256
        text = pdf_text(letters.render([legacy]))
        assert norm(legacy.payload["data"]["reference"]) in text
        stored.data = frozen
        db.session.commit()


def test_an_unknown_schema_is_refused_rather_than_misread():
    with pytest.raises(ValueError, match="schema"):
        snapshots.read({"schema": 99})
