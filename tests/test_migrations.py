"""The schema users get comes from the migrations; these tests fail when models and migrations disagree."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import AuditEvent
from app.services import audit
from tests.helpers import sqlite_app_at

pytestmark = pytest.mark.commits  # statements on their own engine connections, and migrations of other databases


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _one_event() -> int:
    event = audit.record("test.event", actor=None, object_type="test", object_id=1, after={"x": 1})
    db.session.commit()
    return event.id


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'forged' WHERE id = :id",
    "DELETE FROM audit_events WHERE id = :id",
])
def test_the_database_refuses_to_change_or_delete_audit_rows(statement):
    event_id = _one_event()
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement), {"id": event_id})
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.id == event_id)) == "test.event"


def test_the_orm_refuses_to_change_audit_rows():
    event = db.session.get(AuditEvent, _one_event())
    event.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply to SQLite only; this run uses PostgreSQL")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_upgrading_keeps_the_rows_of_child_tables(tmp_path):
    """SQLite batch migrations copy and drop tables: no cascade may delete debts on the way (a real bug
    found while upgrading a demo database from 0002 to 0003)."""
    from flask_migrate import upgrade


    application = sqlite_app_at(tmp_path)
    with application.app_context():
        upgrade(revision="0002_debt_cases")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO org_units (id, code, name, kind, path, active, created_at) "
                              "VALUES (1, 'C', 'c', 'cooperative', '/1/', 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, role, org_unit_id, active, "
                              "created_at) VALUES (1, 'u', 'u', 'x', 'cooperative_officer', 1, 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO people (id, citizen_id, title, first_name, last_name, created_at, updated_at) "
                              "VALUES (1, '1101700230708', 'นาง', 'ก', 'ข', '2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO debt_cases (id, status, version, person_id, cooperative_id, org_path, monthly_salary, "
                "monthly_allowances, non_debt_deductions, debt_service, total_outstanding, net_income, ratio, "
                "meets_floor, risk_group, created_by_id, created_at, updated_at) VALUES (1, 'draft', 1, 1, 1, '/1/', "
                "45000, 0, 0, 100, 1000, 44900, 0.99, 1, 'yellow', 1, '2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO debts (id, case_id, position, creditor_name, creditor_type, outstanding, annual_rate, "
                "monthly_payment, remaining_months, salary_deducted, legal_status) "
                "VALUES (1, 1, 0, 'x', 'other', 1000, 5, 100, 10, 1, 'normal')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM debts")).scalar() == 1
            assert conn.execute(text("SELECT status_since IS NOT NULL FROM debt_cases")).scalar() == 1
            # 0006 fills the report figures of existing cases from their debts
            from decimal import Decimal

            from app.domain.repayment import remaining_interest

            filled = conn.execute(text("SELECT interest_remaining, plan_interest_remaining FROM debt_cases")).one()
            expected = remaining_interest(Decimal("1000"), Decimal("5"), Decimal("100"), 10)
            assert Decimal(str(filled[0])) == expected > 0 and filled[1] is None
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
