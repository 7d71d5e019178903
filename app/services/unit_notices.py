"""The paying unit's monthly deduction notice (issue 19): one letter per paying unit and month, listing every teacher
the unit deducts for (letter_kinds/deduction_list_notice.py says what it prints).

Issued through the machinery of every letter (services/letters.py): the office's running number, the payload a
reprint draws, the reissue check (same unit and month: a reason, else 409 naming the letter), the audit, the
logged use of the full citizen IDs, the signed, kept file and the public verification page.

Who issues it: the provincial education office (ศธจ.) the paying unit belongs to — its provincial officer or
approver (the single deduction notice's issuers), from their own province office: the unit must be in their scope
(404 otherwise), and an officer who sits in an area office does not write to area offices (403). The list is the
deduction list of the month as the issuer reads it (deduction_lists.items, in their scope).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.i18n import gettext as _
from app.models import Letter, OrgUnit, UnitKind, User
from app.services import deduction_lists, letter_kinds, letters
from app.services.debt_cases import PAYING_UNIT_KINDS
from app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.services.letter_kinds import Source
from app.services.letter_kinds.deduction_list_notice import reference_of
from app.services.permissions import require
from app.services.scope import scoped

KIND_NAME = "deduction_list_notice"


def kind():
    return letter_kinds.get(KIND_NAME)


def may_issue(actor: User) -> bool:
    """For pages: whether to offer the button (the service checks again)."""
    return (letters.may_issue(actor, kind()) and actor.org_unit is not None
            and actor.org_unit.kind == UnitKind.PROVINCE.value)


def paying_unit_in_scope(actor: User, code) -> OrgUnit:
    """The paying unit (area office or pension payer) named by `code`: 422 for a code that names none, 404 for one
    outside the caller's scope (never revealing it exists)."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"paying_unit_code": _("Choose the paying unit.")})
    unit = db.session.scalar(scoped(select(OrgUnit).where(OrgUnit.code == code.strip()), OrgUnit.path, actor))
    if unit is None:
        raise NotFound()
    if unit.kind not in PAYING_UNIT_KINDS:
        raise ValidationFailed(_("Please correct the marked fields."), {"paying_unit_code": _(
            "No paying unit (area office or pension payer) with this code.")})
    return unit


def month_of(value) -> date:
    """A date (its month), or the text deduction_lists.parse_month reads ("2027-02", "02/2570")."""
    if isinstance(value, date):
        return value.replace(day=1)
    return deduction_lists.parse_month(value if isinstance(value, str) else None)


def prepare(actor: User, paying_unit_code, month, on: date | None = None) -> letters.Draft:
    """Everything but the number: scope (404), role and office (403), input (422), an empty list (409)."""
    require(actor, "issue_letters")
    unit = paying_unit_in_scope(actor, paying_unit_code)
    if not letters.may_issue(actor, kind()):
        raise Forbidden(_("Your role cannot issue this letter."))
    if actor.org_unit.kind != UnitKind.PROVINCE.value:
        raise Forbidden(_("This letter is issued by the provincial education office."))
    first = month_of(month)
    listed = list(deduction_lists.items(actor, first, unit.code))
    if not listed:
        raise Conflict(_("No teacher of this paying unit has deductions in this month or the month before."))
    on = on or clock.today()
    found = kind().facts(Source(unit, {"month": first, "items": listed}, None, actor.org_unit, on, None, kind()))
    case = letters.CaseRef(unit.id, reference_of(unit.code, first), unit.path)
    return letters.Draft(kind(), case, found.data, found.subject, found.addressee, letters.content_hash(found.data))


def issue_unit_notice(actor: User, paying_unit_code, month, reissue_reason=None) -> Letter:
    """Issue the notice of `paying_unit_code` for `month`: numbered, stored, audited, signed, committed. A notice of
    the same unit and month already issued needs `reissue_reason` (409 naming it otherwise)."""
    on = clock.today()
    draft = prepare(actor, paying_unit_code, month, on)
    return letters.issue_drafts(actor, [draft], on, reissue_reason=letters.reissue_reason_of(reissue_reason) or None,
                                check_existing=True)[0]


def notices_of(actor: User, paying_unit_code: str, month: date) -> list[Letter]:
    """The notices already issued for the unit and month, newest first (the deduction list page names them)."""
    unit = paying_unit_in_scope(actor, paying_unit_code)
    query = scoped(select(Letter).where(Letter.kind == KIND_NAME, Letter.case_id == unit.id,
                                        Letter.case_reference == reference_of(unit.code, month_of(month))),
                   Letter.org_path, actor)
    return list(db.session.scalars(query.order_by(Letter.id.desc())))
