"""In-app notices to the next actor, and e-mail by the job engine when SMTP is configured (logged otherwise).

Issue 21, 2: a notice names statuses and actions by their labels, never by their codes. Notices are stored as text;
the notice of a workflow move is recognised by its words (in any language, with codes as older rows hold them or
with labels) and said again in the reader's language (`notice_text`); `notify` stores such a notice with labels
whatever its caller passed."""
from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, literal, select, update

from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.labels import ACTION_LABELS, NOTICE_ACTION_LABELS, STATUS_LABELS
from app.models import Notification, OrgUnit, User
from app.jobs import background
from app.services import audit
from app.urls import absolute

# The words of a workflow move's notice (services/workflow.py, _notify_next), the msgid of messages.po.
TRANSITION_NOTICE = "Case %(ref)s is now “%(status)s” (%(action)s by %(who)s)."


def users_covering(path: str, roles: tuple[str, ...]) -> list[User]:
    """Active users of these roles whose scope includes the object at `path`."""
    stmt = (select(User).join(User.org_unit)
            .where(User.role.in_(roles), User.active.is_(True), literal(path).startswith(OrgUnit.path)))
    return list(db.session.scalars(stmt))


def notify(users, message: str, link: str | None) -> list[Notification]:
    """Add notices in the caller's transaction. Those who have an e-mail address are mailed by the job engine once
    it commits (issue 16): a request never waits for SMTP, and a mail outage never undoes a decision."""
    rows = []
    message = _as_stored(message)
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
    text = notice_text(row.message)
    message["Subject"] = "KruDesk: " + text[:120]
    message.set_content(text + ("\n" + absolute(row.link) if row.link else ""))
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
    return db.session.scalar(unread_count_query(user))


def unread_count_query(user: User):
    return select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))


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


# ---- the words of a notice (issue 21, 2) -----------------------------------------------------------------------

def transition_notice(reference: str, status: str, action: str, who: str) -> str:
    """The notice of a workflow move, with the status and the action by their labels, in the default language
    (as every stored notice is): for services/workflow.py to pass to notify()."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _transition_words(reference, status, action, who)


def notice_text(message: str) -> str:
    """A stored notice as the reader reads it: a workflow move's notice again in the reader's language, its
    status and action by their labels (older rows hold the codes, in the language of whoever acted); any other
    notice as it was stored."""
    move = _read_transition(message or "")
    return _transition_words(*move) if move else message


def _as_stored(message: str) -> str:
    move = _read_transition(message)
    if move is None:
        return message
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _transition_words(*move)


def _transition_words(reference: str, status: str, action: str, who: str) -> str:
    return _("Case %(ref)s is now “%(status)s” (%(action)s by %(who)s).", ref=reference,
             status=str(STATUS_LABELS.get(status, status)), action=str(NOTICE_ACTION_LABELS.get(action, action)),
             who=who)


def _read_transition(message: str) -> tuple[str, str, str, str] | None:
    """(reference, status code, action code, who) of a move's notice in any of the languages, else None."""
    for pattern, statuses, actions in _transition_patterns():
        found = pattern.match(message)
        if found:
            status, action = found["status"], found["action"]
            return (found["ref"], status if status in STATUS_LABELS else statuses.get(status, status),
                    action if action in NOTICE_ACTION_LABELS else actions.get(action, action), found["who"])
    return None


@lru_cache(maxsize=1)
def _transition_patterns() -> tuple:
    """Per language: the notice's words as a pattern, and the labels of statuses and actions back to their codes
    (the labels of the notices and, for older rows, of the buttons)."""
    patterns = []
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            words = re.escape(_(TRANSITION_NOTICE))
            statuses = {str(label): code for code, label in STATUS_LABELS.items()}
            actions = {str(label): code for table in (ACTION_LABELS, NOTICE_ACTION_LABELS)
                       for code, label in table.items()}
        pattern = re.sub(r"%\\\((\w+)\\\)s", lambda m: f"(?P<{m[1]}>.+?)", words)
        patterns.append((re.compile(f"^{pattern}$", re.S), statuses, actions))
    return tuple(patterns)
