"""PDPA: everything held about one person exported for an administrator; records past retention reported."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Person, User


def user(name):
    return db.session.scalar(select(User).where(User.username == name))


def test_export_holds_the_persons_cases_letters_and_log(decided, as_user):
    from app.services import letters

    debt, relief = decided
    letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    teacher = debt.person
    heir = next(b.person for b in relief.beneficiaries if b.relationship_ == "spouse")
    client = as_user("admin")
    body = client.get(f"/people/{teacher.id}/export.json").json
    assert body["person"]["citizen_id"] == "3509900111117"
    assert [c["reference"] for c in body["debt_cases"]] == [debt.reference] and len(body["debt_cases"][0]["debts"]) == 3
    assert body["letters"] and body["letters"][0]["kind"] == "approval_notice"
    heir_body = client.get(f"/people/{heir.id}/export.json").json
    assert heir_body["relief_cases"][0]["role"] == "beneficiary" and heir_body["debt_cases"] == []
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "person.export")) is not None
    client.post("/logout")
    assert as_user("province_officer").get(f"/people/{teacher.id}/export.json").status_code == 403
