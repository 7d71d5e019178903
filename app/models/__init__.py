"""SQLAlchemy models, one module per area. Importing this package registers every table."""
from app.models.after_approval import CreditorResponse, DebtPayoff, DeductionLine
from app.models.audit import AuditEvent
from app.models.creditors import Creditor
from app.models.debt import CaseDeduction, Debt, DebtCase, DebtCaseRollup, DebtCaseStatus, DebtPlan
from app.models.debt_attachments import DebtAttachment
from app.models.files import StoredFile, StoredFileChunk
from app.models.guarantors import DebtGuarantor
from app.models.imports import ImportJob
from app.models.jobs import BackgroundJob, LetterBatchChunk
from app.models.letters import Letter, LetterBatch, LetterCounter
from app.models.org import OrgUnit, UnitKind
from app.models.people import Person
from app.models.rate_limits import RateLimitCounter
from app.models.repayments import CaseDelinquency, DelinquencyChange, Repayment, RepaymentMonth, RepaymentTotal
from app.models.relief import (
    Beneficiary, ContinuationCheck, Entitlement, EntitlementRule, Evidence, Incident, Payment, ReliefCase,
    ReliefCaseStatus,
)
from app.models.settings import SettingValue
from app.models.signing import SigningKey
from app.models.users import ApiToken, LoginAttempt, Role, User, UserSession
from app.models.workflow import CaseSnapshot, CaseTransition, Notification

__all__ = ["Beneficiary", "ContinuationCheck", "Entitlement", "EntitlementRule", "Evidence", "Incident",
           "Payment", "ReliefCase", "ReliefCaseStatus", "CaseDelinquency", "DebtGuarantor", "DelinquencyChange", "Repayment", "RepaymentMonth", "RepaymentTotal",
           "ApiToken", "AuditEvent", "Creditor", "CreditorResponse", "DebtPayoff", "DeductionLine", "CaseDeduction", "CaseSnapshot", "CaseTransition", "Notification", "Debt", "DebtCase", "DebtCaseRollup", "DebtCaseStatus", "DebtPlan", "DebtAttachment",
           "BackgroundJob", "ImportJob", "LetterBatchChunk", "StoredFile", "StoredFileChunk", "Letter", "RateLimitCounter", "LetterBatch", "LetterCounter", "LoginAttempt", "OrgUnit", "Person", "Role", "SettingValue", "SigningKey", "UnitKind", "User", "UserSession"]
