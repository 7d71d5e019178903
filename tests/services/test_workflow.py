"""The workflow engine: every transition × role, separation of duties, tiers, snapshots, races."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.domain.workflow import DEBT_TRANSITIONS
from app.extensions import db
from app.models import AuditEvent, CaseSnapshot, CaseTransition, DebtCase, Notification, Role, User
from app.domain import clock
from app.services import debt_cases, debt_plans, instalments, plan_upkeep, repayments, settings, workflow
from app.services.debt_input import parse_case
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.snapshots import sha256_of as snapshot_hash
from app.services.workflow import TransitionRequest
from tests.factories import act, activate, new_case, user
from tests.helpers import three_debts

ROLE_USERS = {Role.COOPERATIVE_OFFICER.value: "coop_officer", Role.PROVINCIAL_OFFICER.value: "province_officer",
              Role.PROVINCIAL_APPROVER.value: "province_approver", Role.REGIONAL_APPROVER.value: "region_approver",
              Role.MINISTRY_VIEWER.value: "ministry_viewer", Role.AUDITOR.value: "auditor",
              Role.ADMINISTRATOR.value: "admin"}


def test_the_whole_path_with_a_frozen_snapshot():
    case_id, plan_id = new_case()
    with pytest.raises(ValidationFailed):  # no chosen plan yet
        act("coop_officer", case_id, "submit")
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    assert db.session.get(DebtCase, case_id).status == "submitted"
    act("province_approver", case_id, "approve")
    case = db.session.get(DebtCase, case_id)
    assert case.status == "approved"  # 750,000 consolidated: below the 3,000,000 regional threshold
    snap = db.session.scalar(select(CaseSnapshot))
    assert snap.sha256 == snapshot_hash(snap.data)
    assert snap.data["chosen_plan"]["id"] == plan_id and snap.data["teacher"]["citizen_id"] == "1101700230708"
    activate(case_id)  # every creditor accepted, the consolidated debts paid off (domain.md, "After approval")
    with pytest.raises(Conflict):   # closing waits until every instalment is paid (domain.md, "After approval" 7)
        act("province_officer", case_id, "close")
    case = db.session.get(DebtCase, case_id)
    owed = sum((i.amount_due for i in instalments.items(case)), Decimal("0"))
    repayments.record(user("coop_officer"), clock.today().replace(day=1), [{
        "citizen_id": case.person.citizen_id, "case_id": case_id, "part": "new_loan", "amount": str(owed),
        "paid_on": clock.today().isoformat(), "reference": "ALL-AT-ONCE"}])
    assert db.session.get(DebtCase, case_id).status == "closed"   # closed by the system, at once
    actions = [t.action for t in workflow.history("debt", case_id)]
    assert actions == ["submit", "approve", "activate", "close"]
    audits = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "debt_case",
                                                                AuditEvent.object_id == str(case_id))
                                .order_by(AuditEvent.id)).all()  # in the order written (no order is no order)
    assert [a for a in audits if a != "debt_case.create" and a != "debt_case.update"] == [
        "debt_case.submit", "debt_case.approve", "debt_case.creditor_response", "debt_case.creditor_response",
        "debt_case.payoff", "debt_case.payoff", "debt_case.activate", "debt_case.close"]


def test_return_needs_a_comment_and_the_officer_can_fix_and_resubmit():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    with pytest.raises(ValidationFailed) as error:
        act("province_approver", case_id, "return", comment="  ")
    assert "comment" in error.value.fields
    act("province_approver", case_id, "return", comment="แนบสลิปเงินเดือนล่าสุด")
    case = db.session.get(DebtCase, case_id)
    assert case.status == "returned" and case.editable
    debt_cases.update_case(user("coop_officer"), case_id, parse_case(
        {"monthly_salary": "46000.00", "version": case.version}, partial=True))
    act("coop_officer", case_id, "submit")
    act("province_approver", case_id, "approve")
    assert db.session.get(DebtCase, case_id).status == "approved"


def test_a_large_case_needs_the_regional_tier_in_order():
    big = {**three_debts()}
    big["debts"] = [{**big["debts"][0], "outstanding": "3100000.00"}] + big["debts"][1:]
    case_id, plan_id = new_case(big, term=240, consolidate_all=True)  # 3,850,000 > 3,000,000
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    with pytest.raises(Conflict):  # the regional tier cannot act before the provincial one
        act("region_approver", case_id, "approve")
    act("province_approver", case_id, "approve")
    assert db.session.get(DebtCase, case_id).status == "awaiting_regional"
    assert db.session.scalar(select(func.count()).select_from(CaseSnapshot)) == 0
    with pytest.raises(Conflict):  # and the provincial tier cannot approve twice
        act("province_approver", case_id, "approve")
    act("region_approver", case_id, "approve")
    assert db.session.get(DebtCase, case_id).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(CaseSnapshot)) == 1


def test_the_threshold_is_a_setting():
    from datetime import date

    settings.set_value(user("admin"), "approval.regional_threshold", "500000", date(2000, 1, 1), "test")
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "approve")
    assert db.session.get(DebtCase, case_id).status == "awaiting_regional"


def test_whoever_created_or_submitted_a_case_never_approves_it():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    approver = user("province_approver")
    db.session.execute(update(DebtCase).where(DebtCase.id == case_id).values(created_by_id=approver.id))
    db.session.commit()
    with pytest.raises(Forbidden):
        act("province_approver", case_id, "approve")
    assert db.session.get(DebtCase, case_id).status == "submitted"


def test_approvers_act_only_in_their_scope():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    from app.services.errors import NotFound

    with pytest.raises(NotFound):
        act("south_approver", case_id, "approve")


def test_nothing_changes_after_approval_unseen():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "approve")
    case = db.session.get(DebtCase, case_id)
    with pytest.raises(Conflict):
        debt_cases.update_case(user("coop_officer"), case_id, parse_case(
            {"monthly_salary": "100.00", "version": case.version}, partial=True))
    with pytest.raises(Conflict):
        debt_plans.create_plan(user("coop_officer"), case_id, {"consolidate": {
            "debt_ids": [case.debts[0].id], "annual_rate": "1", "term_months": 12}})
    with pytest.raises(Conflict):
        debt_plans.delete_plan(user("coop_officer"), case_id, plan_id)
    snap = workflow.latest_snapshot("debt", case_id)
    assert snap.sha256 == snapshot_hash(snap.data)
    assert db.session.get(DebtCase, case_id).monthly_salary == Decimal("45000.00")


def test_a_stale_version_is_refused():
    case_id, plan_id = new_case()
    with pytest.raises(Conflict):
        workflow.transition_debt_case(user("coop_officer"), case_id,
                                      TransitionRequest(action="submit", plan_id=plan_id, version=99))


def test_the_next_actor_is_notified_and_sees_it_in_the_inbox():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    approver = user("province_approver")
    notices = db.session.scalars(select(Notification).where(Notification.user_id == approver.id)).all()
    assert len(notices) == 1 and f"/debt-cases/{case_id}" == notices[0].link
    assert not db.session.scalars(select(Notification).where(Notification.user_id == user("south_approver").id)).all()
    waiting = db.session.scalars(workflow.inbox_query(approver)).all()
    assert [c.id for c in waiting] == [case_id]
    assert db.session.scalars(workflow.inbox_query(user("region_approver"))).all() == []
    act("province_approver", case_id, "return", comment="ขาดเอกสาร")
    officer_notices = db.session.scalars(select(Notification).where(Notification.user_id == user("coop_officer").id)).all()
    assert len(officer_notices) == 1


# ---- every transition × every role ---------------------------------------------------------------

TRANSITION_CASES = [(t.action, source, role) for t in DEBT_TRANSITIONS for source in t.sources for role in ROLE_USERS]


@pytest.mark.parametrize("action, source, role", sorted(set(TRANSITION_CASES)))
def test_transition_matrix(action, source, role):
    case_id, plan_id = new_case()
    plan_upkeep.mark_chosen(db.session.get(DebtCase, case_id), plan_id)
    db.session.execute(update(DebtCase).where(DebtCase.id == case_id).values(status=source))
    db.session.commit()
    allowed = [t for t in DEBT_TRANSITIONS if t.action == action and source in t.sources and role in t.roles]
    kwargs = {"comment": "เหตุผล"} if action in ("return", "reject") else {}
    if allowed and action == "activate":
        # The state was forced here, with no approval behind it: the role may activate, but the guard finds no
        # approved plan whose creditors answered (domain.md, "After approval" 2; tests/api/test_after_approval_api.py)
        with pytest.raises(Conflict):
            act(ROLE_USERS[role], case_id, action, **kwargs)
        assert db.session.get(DebtCase, case_id).status == source
    elif allowed:
        act(ROLE_USERS[role], case_id, action, **kwargs)
        assert db.session.get(DebtCase, case_id).status in {t.target for t in allowed}
    else:
        role_ever_allowed = any(role in t.roles for t in DEBT_TRANSITIONS if t.action == action)
        with pytest.raises(Conflict if role_ever_allowed else Forbidden):
            act(ROLE_USERS[role], case_id, action, **kwargs)
        assert db.session.get(DebtCase, case_id).status == source


def test_unknown_action():
    case_id, _plan = new_case()
    with pytest.raises(ValidationFailed):
        act("coop_officer", case_id, "teleport")


# ---- races ---------------------------------------------------------------------------------------

@pytest.mark.commits  # fifty threads, each with its own connection
def test_fifty_simultaneous_approvals_make_one(app):
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    version = db.session.get(DebtCase, case_id).version
    approver_id = user("province_approver").id
    db.session.remove()
    barrier = threading.Barrier(50, timeout=60)
    outcomes = []

    def approve():
        barrier.wait()  # all fifty start together, then queue for pooled connections and locks
        with app.app_context():
            try:
                actor = db.session.get(User, approver_id)
                workflow.transition_debt_case(actor, case_id, TransitionRequest(action="approve", version=version))
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")
            except Exception as error:  # noqa: BLE001 — the test reports anything else
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict") == 49, outcomes
    assert db.session.scalar(select(func.count()).select_from(CaseTransition).where(
        CaseTransition.action == "approve")) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "debt_case.approve")) == 1
    assert db.session.scalar(select(func.count()).select_from(CaseSnapshot)) == 1


def test_the_next_actor_is_emailed_when_smtp_is_configured(app, monkeypatch):
    """SMTP is someone else's server: a stand-in records what our code hands it."""
    import smtplib

    sent = []

    class RecordingSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(("message", message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.test")
    approver = user("province_approver")
    approver.email = "approver@example.test"
    db.session.commit()
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    assert ("connect", "mail.example.test", 25) in sent
    message = next(item for item in sent if item[0] == "message")
    assert message[1] == "approver@example.test" and "DC" in message[2] and f"/debt-cases/{case_id}" in message[3]
