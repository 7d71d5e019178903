"""services/unit_of_work_memo.py (issue 22 point 3): a read repeated within one unit of work is answered once, and
never answers what the database would not — it is forgotten at every flush, commit or rollback, and bypassed while
the session holds unflushed changes."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification
from app.services import snapshots
from app.services.unit_of_work_memo import remembered
from tests.factories import act, new_case, user


def _counting():
    """A read of the database that counts how often it ran."""
    calls = []

    def read():
        db.session.scalar(select(func.count(Notification.id)))
        calls.append(1)
        return len(calls)
    return calls, read


def test_a_repeated_read_is_answered_once_until_the_session_writes(app):
    calls, read = _counting()
    assert remembered(("k",), read) == 1 and remembered(("k",), read) == 1 and len(calls) == 1
    assert remembered(("other",), read) == 2  # another key is another read
    db.session.commit()
    assert remembered(("k",), read) == 3      # forgotten at the commit
    db.session.rollback()
    assert remembered(("k",), read) == 4      # and at a rollback


def test_unflushed_changes_are_never_answered_from_memory(app):
    calls, read = _counting()
    remembered(("k",), read)
    db.session.add(Notification(user_id=user("coop_officer").id, message="ทดสอบ", link="/"))
    assert db.session.new
    assert remembered(("k",), read) == 2  # a change pending: read again, and the read's autoflush writes it
    assert not db.session.new
    assert remembered(("k",), read) == 3 and remembered(("k",), read) == 3  # the flush forgot 1; 3 is kept


def test_the_latest_snapshot_after_an_approval_in_the_same_session_is_the_new_one(app):
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    assert snapshots.latest("debt", case_id) is None
    act("province_approver", case_id, "approve")
    latest = snapshots.latest("debt", case_id)
    assert latest is not None and latest.case_id == case_id
    assert snapshots.latest("debt", case_id) is latest
