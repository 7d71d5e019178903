"""Writing a checked import (issue 7), in the caller's transaction: all or nothing.

Teachers with a draft or returned case in this cooperative go through debt_cases.update_case, debts matched by
creditor name. New cases (the bulk of a first import) are written with bulk inserts, yet every rule and row is the
one the form and the API give: people through the person registry (services/people.py), figures from
domain/case_summary.py, references from domain/references.py, audit rows through services/audit.py with the same
snapshot as debt_cases.create_case (the parity test, tests/services/test_write_path_parity.py, holds them to it)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert, update

from app.domain import clock
from app.domain.case_summary import summarise
from app.domain.clock import utcnow
from app.domain.references import debt_case_reference
from app.extensions import db
from app.i18n import gettext as _
from app.models import CaseDeduction, Debt, DebtCase, DebtGuarantor, OrgUnit, User
from app.jobs.limits import checkpoint
from app.services import audit, case_figures, creditors, debt_cases, people
from app.services.debt_import_rows import Checked, Teacher
from app.services.debt_input import CaseInput, DebtInput
from app.services.errors import ValidationFailed
from app.services.plan_settings import plan_settings


def commit(actor: User, cooperative: OrgUnit, checked: Checked) -> dict:
    """Write everything, in the caller's transaction; the caller commits (or rolls back on any error)."""
    if checked.errors:
        raise ValidationFailed(_("The file has errors; nothing was imported."))
    _insert_new(actor, cooperative, [t for t in checked.teachers if not t.existing_case_id])
    for teacher in checked.teachers:
        checkpoint()
        if teacher.existing_case_id:
            _update_existing(actor, teacher)
    summary = checked.summary
    audit.record("debt_import.commit", actor=actor, object_type="org_unit", object_id=cooperative.id,
                 org_path=cooperative.path, after=summary)
    return summary


def _update_existing(actor: User, teacher: Teacher) -> None:
    """Through the normal service: same rules on persons and plans; debts matched by creditor name."""
    case = db.session.get(DebtCase, teacher.existing_case_id)
    parsed = teacher.parsed
    by_creditor = {d.creditor_name: d for d in case.debts}
    incoming = {d.creditor_name for d in parsed.debts}
    debts = [DebtInput(id=d.id, creditor_name=d.creditor_name, creditor_type=d.creditor_type, outstanding=d.outstanding,
                       annual_rate=d.annual_rate, monthly_payment=d.monthly_payment,
                       remaining_months=d.remaining_months, salary_deducted=d.salary_deducted,
                       legal_status=d.legal_status)  # its creditor: matched by name again; its guarantors kept
             for d in case.debts if d.creditor_name not in incoming]
    for item in parsed.debts:
        existing = by_creditor.get(item.creditor_name)
        item.id = existing.id if existing else None
        debts.append(item)
    # The sheet states the whole case: retired or not, the pension and the paying unit (an empty cell clears it).
    data = CaseInput(present={"teacher", "monthly_salary", "monthly_allowances", "deductions", "debts", "retired",
                              "monthly_pension", "paying_unit_code"},
                     teacher=parsed.teacher, monthly_salary=parsed.monthly_salary,
                     monthly_allowances=parsed.monthly_allowances, deductions=parsed.deductions, debts=debts,
                     retired=bool(parsed.retired), monthly_pension=parsed.monthly_pension or Decimal("0"),
                     paying_unit_code=parsed.paying_unit_code, version=case.version)
    debt_cases.update_case(actor, case.id, data, commit=False)


def _insert_new(actor: User, cooperative: OrgUnit, teachers: list[Teacher]) -> None:
    """Bulk inserts for teachers with no editable case here: people, cases, their rows and the audit trail."""
    if not teachers:
        return
    now, settings = utcnow(), plan_settings()
    person_ids = people.register_many(actor, [t.parsed.teacher for t in teachers], org_path=cooperative.path,
                                      field_path="teacher")
    cases = []
    for teacher, person_id in zip(teachers, person_ids):
        p = teacher.parsed
        allowances = p.monthly_allowances or Decimal("0")
        retired, pension = bool(p.retired), p.monthly_pension or Decimal("0")
        figures = case_figures.figures_of(p.monthly_salary, allowances, p.deductions, p.debts, p.teacher.birth_date,
                                          retired=retired, pension=pension)
        cases.append({
            "status": "draft", "version": 1, "person_id": person_id, "cooperative_id": cooperative.id,
            "org_path": cooperative.path, "province_code": cooperative.province_code,
            "monthly_salary": p.monthly_salary, "monthly_allowances": allowances,
            "retired": retired, "monthly_pension": pension, "paying_unit_id": teacher.paying_unit_id,
            **summarise(figures, settings).columns(),
            "created_by_id": actor.id, "status_since": now, "created_at": now, "updated_at": now})
    # Issue 18: every debt points at its creditor on file; the names the dry run reported as new become creditors
    # on file here, once each, audited (services/creditors.resolve_for_debt: the form's and the API's rules).
    creditors.resolve_for_debt(actor, [d for t in teachers for d in t.parsed.debts])
    case_ids = db.session.execute(insert(DebtCase).returning(DebtCase.id, sort_by_parameter_order=True),
                                  cases).scalars().all()
    today = clock.today()
    db.session.execute(update(DebtCase), [{"id": i, "reference": debt_case_reference(i, today)} for i in case_ids])
    deductions = [{"case_id": case_id, "position": i, "kind": d.kind, "label": d.label,
                   "monthly_amount": d.monthly_amount}
                  for t, case_id in zip(teachers, case_ids) for i, d in enumerate(t.parsed.deductions)]
    if deductions:
        db.session.execute(insert(CaseDeduction), deductions)
    debts = [{"case_id": case_id, "position": i, "creditor_name": d.creditor_name, "creditor_type": d.creditor_type,
              "outstanding": d.outstanding, "annual_rate": d.annual_rate, "monthly_payment": d.monthly_payment,
              "remaining_months": d.remaining_months, "salary_deducted": d.salary_deducted,
              "legal_status": d.legal_status, "guarantors_note": d.guarantors_note, "creditor_id": d.creditor_id}
             for t, case_id in zip(teachers, case_ids) for i, d in enumerate(t.parsed.debts)]
    new_debt_ids = (db.session.execute(insert(Debt).returning(Debt.id, sort_by_parameter_order=True),
                                       debts).scalars().all() if debts else [])
    # Issue 20: each debt's guarantors, in one INSERT, in the order typed (as debt_cases._set_guarantors writes them).
    guarantors = [{"debt_id": debt_id, "position": j, "citizen_id": g.citizen_id, "title": g.title,
                   "first_name": g.first_name, "last_name": g.last_name}
                  for debt_id, d in zip(new_debt_ids, (d for t in teachers for d in t.parsed.debts))
                  for j, g in enumerate(d.guarantors or ())]
    if guarantors:
        db.session.execute(insert(DebtGuarantor), guarantors)
    debt_ids = iter(new_debt_ids)
    audit.record_many("debt_case.create", actor=actor, object_type="debt_case", events=[
        {"object_id": case_id, "org_path": cooperative.path, "after": debt_cases.case_snapshot(
            status=row["status"], cooperative_code=cooperative.code, citizen_id=t.citizen_id,
            monthly_salary=row["monthly_salary"], monthly_allowances=row["monthly_allowances"],
            deductions=t.parsed.deductions, debts=[(next(debt_ids), d) for d in t.parsed.debts],
            chosen_plan_id=None, retired=row["retired"], monthly_pension=row["monthly_pension"],
            paying_unit_code=t.parsed.paying_unit_code)}
        for t, case_id, row in zip(teachers, case_ids, cases)])
