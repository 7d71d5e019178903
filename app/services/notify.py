"""In-app notices to the next actor, and e-mail by the job engine when SMTP is configured (logged otherwise)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, literal, select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Notification, OrgUnit, User
from app.jobs import background
from app.services import audit
from app.urls import absolute


def users_covering(path: str, roles: tuple[str, ...]) -> list[User]:
    """Active users of these roles whose scope includes the object at `path`."""
    stmt = (select(User).join(User.org_unit)
            .where(User.role.in_(roles), User.active.is_(True), literal(path).startswith(OrgUnit.path)))
    return list(db.session.scalars(stmt))


def notify(users, message: str, link: str | None) -> list[Notification]:
    """Add notices in the caller's transaction. Those who have an e-mail address are mailed by the job engine once
    it commits (issue 16): a request never waits for SMTP, and a mail outage never undoes a decision."""
    rows = []
    for user in {u.id: u for u in users}.values():
        row = Notification(user_id=user.id, message=message[:500], link=link)
        db.session.add(row)
        rows.append((row, user))
    mailed = [row for row, user in rows if user.email]
    if mailed and current_app.config.get("MAIL_SERVER"):
        db.session.flush()
        background.submit("email", {"notification_ids": [row.id for row in mailed]}, total=len(mailed))
    elif mailed:
        for row, user in rows:
            current_app.logger.info("notice for %s (no SMTP configured): %s", user.username, row.message)
    return rows


def _message(row: Notification, user: User) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = "KruDesk: " + row.message[:120]
    message.set_content(row.message + ("\n" + absolute(row.link) if row.link else ""))
    return message


@background.handler("email")
def send_emails(job, token: str) -> None:
    """Mail each notice of the job not mailed yet, marking it as soon as it has gone: a retry (SMTP down: the engine
    tries again with back-off) sends only what is left. A worker killed between a send and its mark sends that one
    message twice, the one duplicate SMTP cannot rule out."""
    server = current_app.config.get("MAIL_SERVER")
    pending = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(job.params["notification_ids"]), Notification.emailed_at.is_(None))).all()
    db.session.rollback()
    sent = job.total - len(pending)
    if pending and server:
        with smtplib.SMTP(server, current_app.config.get("MAIL_PORT", 25), timeout=30) as smtp:
            for row, user in pending:
                smtp.send_message(_message(row, user))
                db.session.execute(update(Notification).where(Notification.id == row.id).values(emailed_at=utcnow()))
                sent += 1
                background.progress(job.id, token, sent)
    background.finish(job.id, token, progress=sent)
    db.session.commit()


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def notices_of(user: User):
    """A user's notices, unread first, newest first (a query for the pager)."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc()))


def mark_all_read(user: User) -> int:
    """Mark every unread notice of `user` read; audited with how many. Commits."""
    marked = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None))
                                .values(read_at=utcnow())).rowcount or 0
    if marked:
        audit.record("notice.read_all", actor=user, object_type="user", object_id=user.id,
                     org_path=user.org_unit.path, after={"notices_read": marked})
    db.session.commit()
    return marked
