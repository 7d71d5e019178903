"""The menu's badges in one statement (home_counts.menu_badges, issue 22 point 3) say what the home page's counts
and the notices page say, for every role: cases waiting in both programmes, in and out of scope, and unread notices."""
from sqlalchemy import event, select

from app.extensions import db
from app.models import User
from app.services import home_counts, notify, relief, relief_evidence, workflow
from app.services.workflow import TransitionRequest
from tests.factories import DebtCaseFactory, DebtPlanFactory, ReliefCaseFactory, act, new_case, user
from tests.helpers import citizen_id, death_case, three_debts


def _cases_in_every_inbox() -> None:
    for _ in range(3):  # Chiang Mai: submitted to the province
        case_id, plan_id = new_case()
        act("coop_officer", case_id, "submit", plan_id=plan_id)
    case_id, plan_id = new_case()  # and one sent back to the cooperative
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "return", comment="แนบสลิปเงินเดือน")
    other = DebtCaseFactory(officer="coop_officer2", body={**three_debts(), "cooperative_code": "COOP-KKN-01"})
    act("coop_officer2", other.id, "submit", plan_id=DebtPlanFactory(case=other, officer="coop_officer2").id)
    for n in (1, 2):  # Pattani relief cases, one verified (waiting for the approver)
        case = ReliefCaseFactory(body=death_case(victim__citizen_id=citizen_id(900 + n)))
        if n == 2:
            for kind in relief.missing_evidence(case):
                relief_evidence.add_evidence(user("south_officer"), case.id, kind, "scan.pdf", b"%PDF-1.4\n")
            workflow.transition("relief", user("south_officer"), case.id, TransitionRequest("verify"))


def test_the_badges_count_what_the_home_page_and_the_notices_count_for_every_user():
    _cases_in_every_inbox()
    seen = set()
    for account in db.session.scalars(select(User).order_by(User.id)):
        badges = home_counts.menu_badges(account)
        counts = home_counts.Counts(account)
        assert badges == home_counts.MenuBadges(counts.has_inbox, counts.inbox_total, notify.unread_count(account)), \
            account.username
        seen.add((badges.has_inbox, badges.inbox > 0, badges.notices > 0))
    # the data reaches every case the badges tell apart: no inbox, an empty one, a full one, unread notices
    assert {(False, False), (True, False), (True, True)} <= {(h, n) for h, n, _ in seen}
    assert any(unread for *_, unread in seen)


def test_the_badges_are_one_statement():
    approver = user("province_approver")
    assert approver.scope_path  # the user's unit loaded before counting
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        home_counts.menu_badges(approver)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements
