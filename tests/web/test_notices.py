"""In-app notices (issue 15, item 6): read and marked read through the notify service, and marking is audited."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Notification
from app.services import notify
from tests.factories import user as find_user



def test_marking_notices_read_is_one_audited_change(as_user):
    approver = find_user("province_approver")
    notify.notify([approver], "กรณี DC2569-000001 รอการพิจารณา", "/debt-cases/1")
    notify.notify([approver], "กรณี DC2569-000002 รอการพิจารณา", "/debt-cases/2")
    notify.notify([find_user("coop_officer")], "not for the approver", None)
    db.session.commit()
    client = as_user("province_approver")
    page = client.get("/notices").get_data(as_text=True)
    assert "DC2569-000001" in page and "DC2569-000002" in page and "not for the approver" not in page
    assert client.post("/notices/read").status_code == 302
    unread = db.session.scalar(select(func.count(Notification.id)).where(Notification.read_at.is_(None)))
    assert unread == 1  # the officer's notice is untouched
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.read_all"))
    assert event.actor_username == "province_approver" and event.after == {"notices_read": 2}
    assert client.post("/notices/read").status_code == 302  # nothing left: no second audit row
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "notice.read_all")) == 1
