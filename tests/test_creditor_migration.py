"""Migration 0016 (issue 18): the org tree's cooperatives become creditors on file and existing debts point at them;
typed names that match none become creditors of their own, listed by the report."""
import pytest
from sqlalchemy import text

from app.extensions import db
from tests.helpers import sqlite_app_at

pytestmark = pytest.mark.commits  # migrates a database of its own


def test_free_text_debts_are_migrated_to_creditors(tmp_path):
    from flask_migrate import upgrade


    application = sqlite_app_at(tmp_path)
    with application.app_context():
        upgrade(revision="0015_relief_funeral_property")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO org_units (id, code, name, kind, path, active, created_at, address) VALUES "
                              "(1, 'P', 'จังหวัด', 'province', '/1/', 1, '2026-01-01', NULL), "
                              "(2, 'C', 'สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด', 'cooperative', '/1/2/', 1, '2026-01-01', "
                              "'ถนนเชียงใหม่-ลำปาง')"))
            conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, role, org_unit_id, active, "
                              "created_at) VALUES (1, 'u', 'u', 'x', 'cooperative_officer', 2, 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO people (id, citizen_id, title, first_name, last_name, created_at, updated_at) "
                              "VALUES (1, '1101700230708', 'นาง', 'ก', 'ข', '2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO debt_cases (id, status, version, person_id, cooperative_id, org_path, monthly_salary, "
                "monthly_allowances, non_debt_deductions, debt_service, total_outstanding, net_income, ratio, "
                "meets_floor, risk_group, created_by_id, created_at, updated_at, status_since) VALUES (1, 'draft', 1, 1, "
                "2, '/1/2/', 45000, 0, 0, 100, 1000, 44900, 0.99, 1, 'yellow', 1, '2026-01-01', '2026-01-01', "
                "'2026-01-01')"))
            names = [("สหกรณ์ออมทรัพย์ครูเชียงใหม่  จำกัด", "cooperative"),
                     ("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด (เงินกู้สามัญ)", "cooperative"),
                     ("บัตรเครดิตธนาคารกสิกรไทย", "other_bank"), ("บัตรเครดิตธนาคารกสิกรไทย", "other_bank")]
            for i, (name, kind) in enumerate(names, start=1):
                conn.execute(text(
                    "INSERT INTO debts (id, case_id, position, creditor_name, creditor_type, outstanding, annual_rate, "
                    "monthly_payment, remaining_months, salary_deducted, legal_status) "
                    "VALUES (:i, 1, :i, :n, :t, 1000, 5, 100, 10, 1, 'normal')"), {"i": i, "n": name, "t": kind})
        upgrade(revision="0016_creditors")
        with db.engine.connect() as conn:
            creditors = conn.execute(text("SELECT id, name, org_unit_id, source, address, addressee FROM creditors "
                                          "ORDER BY id")).all()
            assert [(c.name, c.org_unit_id, c.source) for c in creditors] == [
                ("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", 2, "org_tree"), ("บัตรเครดิตธนาคารกสิกรไทย", None, "free_text")]
            assert creditors[0].address == "ถนนเชียงใหม่-ลำปาง" and creditors[0].addressee == "ผู้จัดการ"
            linked = conn.execute(text("SELECT creditor_id, creditor_name FROM debts ORDER BY id")).all()
            assert [row.creditor_id for row in linked] == [creditors[0].id] * 2 + [creditors[1].id] * 2
            assert linked[1].creditor_name.endswith("(เงินกู้สามัญ)")  # the typed names are kept

        from app.services import creditors as service
        # only white space differed on debt 1: nothing to check there
        assert sorted((r.debt_id, r.reason) for r in service.report()) == [
            (2, "spelling"), (3, "free_text"), (4, "free_text")]

        from flask_migrate import downgrade
        downgrade(revision="0015_relief_funeral_property")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM debts")).scalar() == 4
            assert "creditor_id" not in {row[1] for row in conn.execute(text("PRAGMA table_info(debts)"))}
