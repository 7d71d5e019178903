"""Users, their API tokens and the login attempts used for throttling."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db
from app.models.org import OrgUnit


class Role(str, enum.Enum):
    """The roles of domain.md, "People and organisations"."""

    COOPERATIVE_OFFICER = "cooperative_officer"
    PROVINCIAL_OFFICER = "provincial_officer"
    PROVINCIAL_APPROVER = "provincial_approver"
    REGIONAL_APPROVER = "regional_approver"
    MINISTRY_VIEWER = "ministry_viewer"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Locked after LOGIN_LOCK_FAILURES failed sign-ins in a row; only an administrator unlocks (issue 8).
    locked_at: Mapped[datetime | None]

    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # The browser session this user object was loaded for (never stored on the row): the cookie carries only
    # that session's random token, and the server decides whether it is still live (see UserSession).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def scope_path(self) -> str:
        return self.org_unit.path

    @property
    def user_role(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserSession(db.Model):
    """A browser session the server knows (issue 14): signing out, "sign out everywhere", deactivation and a new
    password end it on the server, so a cookie copied before then opens nothing afterwards. Only the SHA-256 of
    the cookie's token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime | None]
    # sign_out, sign_out_everywhere, deactivated, password_reset
    end_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """Bearer tokens for the JSON API. Only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """One row per login attempt (web or API), for throttling and for the audit of sign-ins."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_login_attempts_username_time", "username", "attempted_at"),
        Index("ix_login_attempts_address_time", "address", "attempted_at"),
    )
