"""factory_boy factories for objects that tests need in numbers (users, units)."""
import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from app.extensions import db
from app.models import OrgUnit, Role, UnitKind, User
from app.services.users import hash_password
from tests.helpers import DEMO_PASSWORD


def unit_by_code(code: str) -> OrgUnit:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


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
