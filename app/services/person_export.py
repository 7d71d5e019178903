"""PDPA (domain.md, Privacy): an administrator's export of everything held about one person — the person record,
the debt cases and relief cases they appear in (as teacher, victim or beneficiary), the letters about those cases,
and the log of who viewed or changed their record. The export itself is audited."""
from __future__ import annotations

from sqlalchemy import inspect, or_, select

from app.extensions import db
from app.models import AuditEvent, Beneficiary, DebtCase, Letter, Person, ReliefCase, User
from app.services import audit
from app.services.errors import NotFound
from app.services.permissions import require
from app.services.scope import in_scope


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, (int, bool, str, list, dict)) else value


def _columns(row) -> dict:
    return {attr.columns[0].name: _plain(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}


def export_person(actor: User, person_id: int) -> dict:
    require(actor, "manage_users")  # administrators
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound()
    debt_cases = db.session.scalars(select(DebtCase).where(DebtCase.person_id == person.id)).unique().all()
    as_heir = select(Beneficiary.case_id).where(Beneficiary.person_id == person.id)
    relief_cases = db.session.scalars(select(ReliefCase).where(
        or_(ReliefCase.victim_id == person.id, ReliefCase.id.in_(as_heir)))).unique().all()
    if actor.org_unit.kind != "ministry" and not any(in_scope(actor, c.org_path) for c in [*debt_cases, *relief_cases]):
        raise NotFound()  # an administrator below the ministry exports only people with cases in their area
    letters = db.session.scalars(select(Letter).where(or_(
        (Letter.case_type == "debt") & Letter.case_id.in_([c.id for c in debt_cases] or [0]),
        (Letter.case_type == "relief") & Letter.case_id.in_([c.id for c in relief_cases] or [0])))).all()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "person", AuditEvent.object_id == str(person.id)).order_by(AuditEvent.id)).all()
    body = {
        "person": _columns(person),
        "debt_cases": [{**_columns(c), "deductions": [_columns(d) for d in c.deductions],
                        "debts": [_columns(d) for d in c.debts], "plans": [_columns(p) for p in c.plans]}
                       for c in debt_cases],
        "relief_cases": [{**_columns(c), "role": "victim" if c.victim_id == person.id else "beneficiary",
                          "beneficiaries": [_columns(b) for b in c.beneficiaries if b.person_id == person.id],
                          "entitlements": [_columns(e) for e in c.entitlements],
                          "payments": [_columns(p) for p in c.payments]} for c in relief_cases],
        "letters": [{k: v for k, v in _columns(x).items() if k != "payload"} for x in letters],
        "record_log": [_columns(e) for e in events],
    }
    audit.record("person.export", actor=actor, object_type="person", object_id=person.id,
                 org_path=actor.org_unit.path, after={"debt_cases": len(debt_cases), "relief_cases": len(relief_cases)})
    db.session.commit()
    return body
