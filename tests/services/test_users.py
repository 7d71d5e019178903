import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, AuditEvent, User
from app.services import auth as auth_service
from app.services import users as user_service
from app.services.errors import NotFound, ValidationFailed
from app.services.users import UserInput
from tests.factories import UserFactory, unit_by_code, user


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def new_user(**changes):
    data = dict(username="somsri", full_name="สมศรี ใจดี", role="cooperative_officer",
                org_unit_id=unit_by_code("COOP-CMI-01").id, password="good-pass-2569")
    return UserInput(**{**data, **changes})


def test_admin_creates_a_user_with_a_hashed_password_and_an_audit_record():
    created = user_service.create_user(user("admin"), new_user())
    assert created.password_hash != "good-pass-2569" and created.password_hash.startswith("pbkdf2:")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                       AuditEvent.object_id == str(created.id)))
    assert event.after["username"] == "somsri"
    assert "password" not in str(event.after) and created.password_hash not in str(event.after)


@pytest.mark.parametrize("changes, field", [
    ({"username": "coop_officer"}, "username"),
    ({"username": "Bad Name!"}, "username"),
    ({"full_name": " "}, "full_name"),
    ({"password": "short1"}, "password"),
    ({"password": "somsri-2569-ok"}, "password"),
    ({"role": "emperor"}, "role"),
    ({"org_unit_id": None}, "org_unit_id"),
    ({"role": "provincial_approver"}, "org_unit_id"),  # an approver does not belong to a cooperative
])
def test_invalid_users_are_refused_and_nothing_is_written(changes, field):
    before = (db.session.scalar(select(func.count()).select_from(User)), audit_count())
    with pytest.raises(ValidationFailed) as error:
        user_service.create_user(user("admin"), new_user(**changes))
    assert field in error.value.fields
    db.session.rollback()
    assert (db.session.scalar(select(func.count()).select_from(User)), audit_count()) == before


def test_a_provincial_admin_cannot_place_users_outside_the_province():
    local_admin = UserFactory(username="cm_admin", role="administrator", org_unit=unit_by_code("50"))
    with pytest.raises(ValidationFailed) as error:
        user_service.create_user(local_admin, new_user(org_unit_id=unit_by_code("COOP-KKN-01").id))
    assert "org_unit_id" in error.value.fields
    with pytest.raises(NotFound):
        user_service.set_active(local_admin, user("coop_officer2").id, False)


def test_non_admins_cannot_manage_users():
    from app.services.errors import Forbidden

    with pytest.raises(Forbidden):
        user_service.create_user(user("province_approver"), new_user())


def test_deactivation_and_password_reset_revoke_api_tokens():
    target = user("coop_officer")
    _token, row = auth_service.issue_token(target)
    user_service.set_active(user("admin"), target.id, False)
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    user_service.set_active(user("admin"), target.id, True)
    _token, row2 = auth_service.issue_token(target)
    user_service.reset_password(user("admin"), target.id, "brand-new-pass-1")
    assert db.session.get(ApiToken, row2.id).revoked_at is not None
    assert auth_service.sign_in("coop_officer", "brand-new-pass-1", "10.0.0.9").user is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(target.id))).all()
    assert {"user.deactivate", "user.activate", "user.reset_password"} <= set(actions)


def test_an_admin_cannot_deactivate_or_demote_themselves():
    me = user("admin")
    with pytest.raises(ValidationFailed):
        user_service.set_active(me, me.id, False)
    with pytest.raises(ValidationFailed):
        user_service.update_user(me, me.id, UserInput(username="admin", full_name="x", role="auditor",
                                                      org_unit_id=me.org_unit_id))


def test_update_records_only_what_changed():
    target = user("coop_officer")
    user_service.update_user(user("admin"), target.id, UserInput(
        username="coop_officer", full_name="สมชาย ใจงามยิ่ง", role=target.role, org_unit_id=target.org_unit_id))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.before == {"full_name": "สมชาย ใจงาม"} and event.after == {"full_name": "สมชาย ใจงามยิ่ง"}
