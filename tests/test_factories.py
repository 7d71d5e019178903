"""The factories of tests/factories.py make what the application would (their rows pass its own checks)."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, DebtCase, ReliefCase
from tests.factories import (DebtCaseFactory, DebtPlanFactory, OrgUnitFactory, PersonFactory, ReliefCaseFactory,
                             UserFactory, act, new_case, unit_by_code)


def test_units_users_and_people_are_rows_with_valid_keys():
    unit = OrgUnitFactory()
    assert unit.path == unit_by_code("50").path + f"{unit.id}/" and unit.province_code == "50"
    officer = UserFactory(org_unit=unit)
    assert officer.org_unit_id == unit.id
    first, second = PersonFactory(), PersonFactory()
    assert first.citizen_id != second.citizen_id and len(first.citizen_id) == 13


def test_cases_and_plans_are_made_through_the_services():
    case = DebtCaseFactory()
    assert isinstance(case, DebtCase) and case.reference and len(case.debts) == 3 and len(case.deductions) == 3
    assert case.net_income == case.monthly_salary + case.monthly_allowances - case.non_debt_deductions \
        - case.debt_service
    plan = DebtPlanFactory(case=case)
    assert plan.case_id == case.id and plan.result
    assert DebtPlanFactory().case_id != case.id  # a plan made alone brings a case of its own
    audited = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "debt_case.create"))
    assert audited == 2
    with pytest.raises(NotImplementedError):
        DebtCaseFactory.build()


def test_a_new_case_moves_along_the_workflow():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    assert db.session.get(DebtCase, case_id).status == "submitted"


def test_relief_cases_get_their_entitlements():
    case = ReliefCaseFactory()
    assert isinstance(case, ReliefCase) and case.reference.startswith("RC") and case.entitlements
