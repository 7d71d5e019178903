"""factory_boy factories for every model the tests build, and the few lookups and workflow steps that go with them.

Units, users and people are plain rows. Debt cases, their plans and relief cases are built through the services,
as users make them: their derived figures (affordability, risk group, entitlements), references and audit rows
are the services' to keep, and a factory writing those columns itself would make states the application never
does. Everything here works on `db.session`, inside the test's transaction (tests/conftest.py)."""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import func, select

from app.extensions import db
from app.models import (CaseSnapshot, Debt, DebtCase, DebtPlan, ImportJob, OrgUnit, Person, ReliefCase, Role,
                        UnitKind, User)
from app.services import creditor_answers, debt_cases, debt_import, debt_plans, payoffs, relief, workflow
from app.services.approved_plan import CONSOLIDATED, approved_plan
from app.services.debt_input import parse_case
from app.services.relief_input import parse_relief
from app.services.users import hash_password
from app.services.workflow import TransitionRequest
from tests.helpers import DEMO_PASSWORD, citizen_id, death_case, three_debts


# ---- lookups ------------------------------------------------------------------------------------------------

def user(username: str) -> User:
    """A user of the demo organisation (or one a factory made) by username."""
    return db.session.scalar(select(User).where(User.username == username))


def unit_by_code(code: str) -> OrgUnit:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def snapshot_of(case_type: str, case_id: int) -> CaseSnapshot:
    """The approval snapshot of a case."""
    return db.session.scalar(select(CaseSnapshot).where(CaseSnapshot.case_type == case_type,
                                                        CaseSnapshot.case_id == case_id))


# ---- plain rows ---------------------------------------------------------------------------------------------

class OrgUnitFactory(SQLAlchemyModelFactory):
    """A cooperative under Chiang Mai unless told otherwise; its path is derived after insert."""

    class Meta:
        model = OrgUnit
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    code = factory.Sequence(lambda n: f"COOP-T-{n:03d}")
    name = factory.Sequence(lambda n: f"สหกรณ์ออมทรัพย์ครูทดสอบ {n} จำกัด")
    kind = UnitKind.COOPERATIVE.value
    parent = factory.LazyFunction(lambda: unit_by_code("50"))
    province_code = factory.LazyAttribute(lambda o: o.parent.province_code)
    path = ""

    @factory.post_generation
    def fix_path(obj, create, extracted, **kwargs):
        obj.path = obj.parent.path + f"{obj.id}/"
        db.session.flush()


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Faker("name", locale="th_TH")
    role = Role.COOPERATIVE_OFFICER.value
    org_unit = factory.LazyFunction(lambda: unit_by_code("COOP-CMI-01"))
    password_hash = factory.LazyFunction(lambda: hash_password(DEMO_PASSWORD))


class PersonFactory(SQLAlchemyModelFactory):
    """A person on the registry with a valid citizen id (from 9,000 up, clear of tests' own citizen_id(n))."""

    class Meta:
        model = Person
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    citizen_id = factory.Sequence(lambda n: citizen_id(9000 + n))
    title = "นาง"
    first_name = factory.Faker("first_name", locale="th_TH")
    last_name = factory.Faker("last_name", locale="th_TH")
    birth_date = factory.Faker("date_of_birth", minimum_age=25, maximum_age=60)
    position = "ครู ชำนาญการ"
    workplace = factory.Sequence(lambda n: f"โรงเรียนทดสอบ {n}")


# ---- through the services -----------------------------------------------------------------------------------

class _ThroughService(factory.Factory):
    """Create only (the service writes and commits the rows); building an unsaved object is not offered."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError(f"{cls.__name__} creates through the services; use {cls.__name__}(...)")


class DebtCaseFactory(_ThroughService):
    """A draft debt case registered by `officer` from an API body (three_debts() unless given): person, income,
    deductions and debts, with every derived figure, as debt_cases.create_case makes them."""

    class Meta:
        model = DebtCase

    officer = "coop_officer"
    body = factory.LazyFunction(three_debts)

    @classmethod
    def _create(cls, model_class, officer, body):
        return debt_cases.create_case(user(officer), parse_case(body))


class DebtPlanFactory(_ThroughService):
    """A consolidation plan on a case: the debts named by id (all but the first unless given) into one new loan."""

    class Meta:
        model = DebtPlan

    case = factory.SubFactory(DebtCaseFactory)
    officer = "coop_officer"
    debt_ids = None
    annual_rate = "4.50"
    term_months = 120

    @classmethod
    def _create(cls, model_class, case, officer, debt_ids, annual_rate, term_months):
        ids = debt_ids if debt_ids is not None else [d.id for d in case.debts][1:]
        return debt_plans.create_plan(user(officer), case.id, {"consolidate": {
            "debt_ids": ids, "annual_rate": annual_rate, "term_months": term_months}})


class ReliefCaseFactory(_ThroughService):
    """A registered relief case (death_case() unless given) with its entitlements, as the south officer makes it."""

    class Meta:
        model = ReliefCase

    officer = "south_officer"
    body = factory.LazyFunction(death_case)

    @classmethod
    def _create(cls, model_class, officer, body):
        return relief.create_case(user(officer), parse_relief(body))


def new_case(body=None, *, term=120, consolidate_all=False) -> tuple[int, int]:
    """A draft debt case with one plan (consolidating all its debts, or all but the first): (case id, plan id)."""
    case = DebtCaseFactory(body=body or three_debts())
    ids = [d.id for d in case.debts]
    plan = DebtPlanFactory(case=case, debt_ids=ids if consolidate_all else ids[1:], term_months=term)
    return case.id, plan.id


def act(username: str, case_id: int, action: str, **kw):
    """One workflow step on a debt case by `username`, at the case's current version."""
    case = db.session.get(DebtCase, case_id)
    return workflow.transition_debt_case(user(username), case_id,
                                         TransitionRequest(action=action, version=case.version, **kw))


def settle(case_id: int, answered_on: str = "2026-11-20", paid_on: str = "2026-11-24") -> None:
    """Every creditor the approved plan touches accepts, and every consolidated debt is paid off at the accepted
    amount (its outstanding), through the services (domain.md, "After approval" 1–2)."""
    case = db.session.get(DebtCase, case_id)
    plan = approved_plan(case)
    officer = user("coop_officer")
    for debt_id, how in plan.touched.items():
        answer = {"debt_id": debt_id, "response": "accepted", "responded_on": answered_on}
        if how == CONSOLIDATED:
            answer |= {"payoff_amount": plan.debts[debt_id]["outstanding"], "payoff_valid_until": "2099-12-31"}
        creditor_answers.record_response(officer, case_id, answer)
    for debt_id in plan.consolidated:
        payoffs.record_payoff(officer, case_id, {"debt_id": debt_id, "amount": plan.debts[debt_id]["outstanding"],
                                                 "paid_on": paid_on})


def activate(case_id: int, signed: str = "2026-11-25", first_due: str = "2027-01", username: str = "coop_officer"):
    """Settle the approved case and activate it (the agreement day and the first month payroll deducts)."""
    settle(case_id)
    return act(username, case_id, "activate", agreement_signed_on=signed, first_due_month=first_due)


def approved_cases(count: int) -> list[int]:
    """`count` new debt cases submitted by the cooperative and approved by the province: their ids."""
    ids = []
    for _ in range(count):
        case_id, plan_id = new_case()
        act("coop_officer", case_id, "submit", plan_id=plan_id)
        act("province_approver", case_id, "approve")
        ids.append(case_id)
    return ids


# ---- the debt import ----------------------------------------------------------------------------------------

def run_import(username: str, content: bytes, name: str = "members.xlsx") -> ImportJob:
    """Upload a spreadsheet (the check runs inline in tests) and read the job back afresh."""
    job = debt_import.upload(user(username), None, name, content)
    db.session.expire_all()
    return db.session.get(ImportJob, job.id)


def case_counts() -> tuple[int, int, int]:
    """(debt cases, debts, people) in the database."""
    return (db.session.scalar(select(func.count(DebtCase.id))), db.session.scalar(select(func.count(Debt.id))),
            db.session.scalar(select(func.count(Person.id))))
