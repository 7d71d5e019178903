"""Letters cite the 30% rule from the rule's own source, and carry the full citizen ID where the recipient must act
(issue 18, items 2 and 5; domain.md, "The 30% rule": cite the MOE regulation, never a Ministry of Finance one;
"Documents": the deduction notice and the creditor request carry the full ID, and that use is logged)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain import clock
from app.domain.thai_id import format_citizen_id, mask_citizen_id
from app.extensions import db
from app.models import AuditEvent
from app.services import letters, settings
from tests.factories import user
from tests.pdf.helpers import norm, pdf_text

MOE_REGULATION = "ระเบียบกระทรวงศึกษาธิการว่าด้วยหลักเกณฑ์การหักเงินเดือน"


def test_the_approval_and_deduction_notices_cite_the_moe_regulation(decided):
    debt, _ = decided
    for kind in ("approval_notice", "deduction_notice"):
        letter = letters.issue(user("province_officer"), "debt", debt.id, kind)
        text = pdf_text(letters.render([letter]))
        assert norm(MOE_REGULATION) in text, kind
        assert norm("กระทรวงการคลัง") not in text, kind
        assert letter.payload["data"]["floor_rule"]["percent"] == "30"


def test_the_citation_is_the_source_an_administrator_gave_the_floor(decided):
    debt, _ = decided
    approved_on = date.fromisoformat(
        letters.prepare(user("province_officer"), "debt", debt.id, "approval_notice").facts["approved_on"])
    source = "ระเบียบกระทรวงศึกษาธิการว่าด้วยหลักเกณฑ์การหักเงินเดือน (ฉบับที่ 2) พ.ศ. 2570 ข้อ 7(5)"
    settings.set_value(user("admin"), "affordability.floor", "0.30", approved_on, source)
    letter = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    assert letter.payload["data"]["floor_rule"]["source"] == source
    assert norm("(ฉบับที่ 2) พ.ศ. 2570") in pdf_text(letters.render([letter]))


def test_the_deduction_notice_carries_the_full_id_and_logs_its_use(decided):
    debt, _ = decided
    full = format_citizen_id(debt.person.citizen_id)
    notice = letters.issue(user("province_officer"), "debt", debt.id, "deduction_notice")
    assert notice.payload["data"]["teacher"]["citizen_id"] == full
    assert norm(full) in pdf_text(letters.render([notice]))
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.letter_use")).all()
    assert [(e.object_type, e.object_id, e.after["letter_id"]) for e in used] == [
        ("person", str(debt.person_id), notice.id)]
    # a letter to the teacher himself keeps the ID masked, and logs nothing
    approval = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    assert approval.payload["data"]["teacher"]["citizen_id"] == mask_citizen_id(debt.person.citizen_id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.letter_use",
                                                      AuditEvent.after["letter_id"].as_integer() == approval.id)) is None


def test_no_letter_is_addressed_to_its_own_sender(decided):
    """Every kind, by every role that issues it (domain.md, "Documents"). A memo goes from the officer's section to
    the head of the same office, which is its purpose; every other letter leaves the office."""
    from app.services import letter_kinds
    from app.services.letter_availability import unavailable
    from app.services.letter_kinds._common import head_of

    debt, relief = decided
    checked = 0
    for case_type, case in (("debt", debt), ("relief", relief)):
        for kind in letter_kinds.of_programme(case_type):
            for username in ("coop_officer", "province_officer", "south_officer"):
                actor = user(username)
                if not letters.may_issue(actor, kind) or unavailable(kind, case):
                    continue
                try:
                    drafts = (letters.pack_drafts(actor, case_type, case.id, kind.name, clock.today())
                              if kind.needs_debt else [letters.prepare(actor, case_type, case.id, kind.name)])
                except Exception as error:  # noqa: BLE001 — out of this actor's scope: nothing addressed
                    assert getattr(error, "status", None) in (404, 422), error
                    continue
                for draft in drafts:
                    office = actor.org_unit
                    if kind.name != "payment_memo":
                        assert draft.addressee not in (head_of(office), office.name), (kind.name, username)
                        assert office.name.removeprefix("สำนักงาน") not in draft.addressee, (kind.name, username)
                    checked += 1
    assert checked >= 8


def test_creditor_requests_carry_the_full_id_and_each_is_logged(decided):
    debt, _ = decided
    pack = letters.creditor_pack(user("coop_officer"), debt.id)
    assert pack, "the demo's approved plan writes to at least one other creditor"
    full = format_citizen_id(debt.person.citizen_id)
    for letter in pack:
        assert norm(full) in pdf_text(letters.render([letter]))
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.letter_use")).all()
    assert sorted(e.after["letter_id"] for e in logged) == sorted(x.id for x in pack)
    assert {e.object_id for e in logged} == {str(debt.person_id)}
