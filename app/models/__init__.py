"""SQLAlchemy models, one module per area. Importing this package registers every table."""
from app.models.audit import AuditEvent
from app.models.org import OrgUnit, UnitKind
from app.models.users import ApiToken, LoginAttempt, Role, User

__all__ = ["ApiToken", "AuditEvent", "LoginAttempt", "OrgUnit", "Role", "UnitKind", "User"]
