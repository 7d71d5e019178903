"""In-app notices to the next actor, and e-mail when SMTP is configured (logged otherwise)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, literal, select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.models import Notification, OrgUnit, User
from app.services import audit
from app.urls import absolute


def users_covering(path: str, roles: tuple[str, ...]) -> list[User]:
    """Active users of these roles whose scope includes the object at `path`."""
    stmt = (select(User).join(User.org_unit)
            .where(User.role.in_(roles), User.active.is_(True), literal(path).startswith(OrgUnit.path)))
    return list(db.session.scalars(stmt))


def notify(users, message: str, link: str | None) -> list[Notification]:
    """Add notices in the caller's transaction; deliver_email() after the commit."""
    rows = []
    for user in {u.id: u for u in users}.values():
        row = Notification(user_id=user.id, message=message[:500], link=link)
        db.session.add(row)
        rows.append((row, user))
    return rows


def deliver_email(rows) -> None:
    server = current_app.config.get("MAIL_SERVER")
    for row, user in rows:
        if not user.email:
            continue
        if not server:
            current_app.logger.info("notice for %s (no SMTP configured): %s", user.username, row.message)
            continue
        message = EmailMessage()
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = user.email
        message["Subject"] = "KruDesk: " + row.message[:120]
        message.set_content(row.message + ("\n" + absolute(row.link) if row.link else ""))
        try:
            with smtplib.SMTP(server, current_app.config.get("MAIL_PORT", 25), timeout=10) as smtp:
                smtp.send_message(message)
        except OSError:  # the notice is already in the app; a mail outage must not undo a decision
            current_app.logger.exception("could not e-mail %s", user.username)


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
