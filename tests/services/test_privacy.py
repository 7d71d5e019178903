"""PDPA: everything held about one person exported for an administrator; records past retention reported."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.factories import user


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


def test_retention_report_lists_only_cases_ended_long_ago(decided, runner):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import DebtCase, ReliefCase
    from app.domain.clock import utcnow

    debt, relief = decided
    old = utcnow() - timedelta(days=365 * 11)
    db.session.execute(update(DebtCase).where(DebtCase.id == debt.id).values(status="closed", status_since=old))
    db.session.execute(update(ReliefCase).where(ReliefCase.id == relief.id).values(status="closed"))  # recent
    db.session.commit()
    result = runner.invoke(args=["retention-report"])
    assert result.exit_code == 0
    assert debt.reference in result.output and relief.reference not in result.output
    assert "1 cases past retention" in result.output
