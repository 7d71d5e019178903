from sqlalchemy import func, select

from app.extensions import db
from app.models import OrgUnit, User
from app.services.auth import sign_in


def test_seed_demo_is_idempotent_and_prints_the_logins(runner):
    units = db.session.scalar(select(func.count()).select_from(OrgUnit))
    users = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["seed-demo", "--password", "another-pass-2569"])
    assert result.exit_code == 0, result.output
    assert "coop_officer" in result.output and "another-pass-2569" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == units
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert sign_in("south_approver", "another-pass-2569", "127.0.0.9").user is not None


def test_seed_demo_without_password_generates_one(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    password = next(line.split(":", 1)[1].strip() for line in result.output.splitlines()
                    if line.strip().startswith("password:"))
    assert len(password) >= 10
    assert sign_in("admin", password, "127.0.0.8").user is not None


def test_demo_users_sit_where_the_acceptance_tests_expect():
    expected = {"admin": "MOE", "coop_officer": "COOP-CMI-01", "coop_officer2": "COOP-KKN-01",
                "province_officer": "50", "province_approver": "50", "region_approver": "REG-15",
                "south_officer": "94", "south_approver": "94", "ministry_viewer": "MOE", "auditor": "MOE"}
    found = {u.username: u.org_unit.code for u in db.session.scalars(select(User))}
    assert found == expected


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "--username", "kanda", "--full-name", "กานดา มีสุข",
                                 "--role", "provincial_officer", "--unit", "94",
                                 "--password", "strong-pass-2569"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kanda"))
    assert user.org_unit.code == "94"
    bad = runner.invoke(args=["create-user", "--username", "x2", "--full-name", "x", "--role", "auditor",
                              "--unit", "NOPE", "--password", "strong-pass-2569"])
    assert bad.exit_code != 0 and "NOPE" in bad.output
    weak = runner.invoke(args=["create-user", "--username", "x3", "--full-name", "x", "--role", "auditor",
                               "--unit", "MOE", "--password", "weak"])
    assert weak.exit_code != 0 and "password" in weak.output


def test_seed_reference_adds_nothing_twice(runner):
    result = runner.invoke(args=["seed-reference"])
    assert result.exit_code == 0 and "0 units added" in result.output
