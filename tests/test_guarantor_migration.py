"""Migration 0022 (issue 20): the free text on debts becomes guarantor rows where it is unambiguous; the rest stays
as the debt's note, counted in the log and listed by `flask guarantors-report`; downgrade writes it all back as
text."""
import pytest
from sqlalchemy import text

from app.extensions import db
from tests.helpers import sqlite_app_at

pytestmark = pytest.mark.commits  # migrates a database of its own

TEACHER, SPOUSE, SON = "1101700230708", "3100100123451", "1409900123454"
NOTES = [
    f"{SPOUSE} นาง ซูไรดา สาแม",                                           # 1: read whole
    f"นายอิมรอน สาแม 1-4099-00123-45-4, นางซูไรดา สาแม ({SPOUSE})",          # 2: two, read whole
    f"{SON} นาย อิมรอน สาแม; เพื่อนครูอีกคน ยังไม่ส่งสำเนาบัตร",               # 3: one read, the rest stays
    "นายสมชาย ใจดี (ครูโรงเรียนเดียวกัน)",                                  # 4: no ID: stays as written
    f"{TEACHER} นาง สมศรี ใจดี",                                           # 5: the teacher herself: stays
    None,                                                                   # 6: no guarantors
]


def test_free_text_guarantors_are_structured_where_unambiguous(tmp_path, capfd):
    from flask_migrate import downgrade, upgrade

    application = sqlite_app_at(tmp_path)
    with application.app_context():
        upgrade(revision="0021_repayments")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO org_units (id, code, name, kind, path, active, created_at) VALUES "
                              "(1, 'P', 'จังหวัด', 'province', '/1/', 1, '2026-01-01'), "
                              "(2, 'C', 'สหกรณ์', 'cooperative', '/1/2/', 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, role, org_unit_id, active, "
                              "created_at) VALUES (1, 'u', 'u', 'x', 'cooperative_officer', 2, 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO people (id, citizen_id, title, first_name, last_name, created_at, "
                              "updated_at) "
                              f"VALUES (1, '{TEACHER}', 'นาง', 'สมศรี', 'ใจดี', '2026-01-01', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO debt_cases (id, reference, status, version, person_id, cooperative_id, org_path, "
                "monthly_salary, monthly_allowances, non_debt_deductions, debt_service, total_outstanding, net_income, "
                "ratio, meets_floor, risk_group, created_by_id, created_at, updated_at, status_since) VALUES (1, "
                "'DC-1', 'draft', 1, 1, 2, '/1/2/', 45000, 0, 0, 600, 6000, 44400, 0.98, 1, 'yellow', 1, "
                "'2026-01-01', '2026-01-01', '2026-01-01')"))
            for i, note in enumerate(NOTES, start=1):
                conn.execute(text(
                    "INSERT INTO debts (id, case_id, position, creditor_name, creditor_type, outstanding, annual_rate, "
                    "monthly_payment, remaining_months, salary_deducted, legal_status, guarantors) "
                    "VALUES (:i, 1, :p, 'ธนาคาร', 'gsb', 1000, 5, 100, 10, 1, 'normal', :g)"),
                    {"i": i, "p": i - 1, "g": note})
        capfd.readouterr()
        upgrade(revision="0022_structured_guarantors")
        logged = capfd.readouterr().err   # alembic.ini logs migrations to stderr
        assert "5 debts had a note; 2 read whole, 1 in part (4 guarantors written); 3 still hold text" in logged, logged
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT debt_id, position, citizen_id, title, first_name, last_name "
                                     "FROM debt_guarantors ORDER BY debt_id, position")).all()
            notes = dict(conn.execute(text("SELECT id, guarantors FROM debts")).all())
        assert [tuple(r) for r in rows] == [
            (1, 0, SPOUSE, "นาง", "ซูไรดา", "สาแม"),
            (2, 0, SON, "นาย", "อิมรอน", "สาแม"), (2, 1, SPOUSE, "นาง", "ซูไรดา", "สาแม"),
            (3, 0, SON, "นาย", "อิมรอน", "สาแม")]
        assert notes == {1: None, 2: None, 3: "เพื่อนครูอีกคน ยังไม่ส่งสำเนาบัตร", 4: NOTES[3], 5: NOTES[4], 6: None}

        from app.services import guarantors as service
        counts = service.counts()
        assert (counts.debts_with_guarantors, counts.guarantors, counts.notes_left) == (3, 4, 3)
        assert [(r.case_reference, r.position, r.masked_note) for r in service.unstructured_notes()] == [
            ("DC-1", 3, "เพื่อนครูอีกคน ยังไม่ส่งสำเนาบัตร"), ("DC-1", 4, NOTES[3]),
            ("DC-1", 5, "1-1017-xxxxx-70-8 นาง สมศรี ใจดี")]
        result = application.test_cli_runner().invoke(args=["guarantors-report"])
        assert result.exit_code == 0, result.output
        assert "DC-1" in result.output and "1-1017-xxxxx-70-8" in result.output and TEACHER not in result.output

        downgrade(revision="0021_repayments")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM debt_guarantors")).scalar() == 0
            back = dict(conn.execute(text("SELECT id, guarantors FROM debts")).all())
        assert back == {1: f"{SPOUSE} นาง ซูไรดา สาแม", 2: f"{SON} นาย อิมรอน สาแม; {SPOUSE} นาง ซูไรดา สาแม",
                        3: f"{SON} นาย อิมรอน สาแม; เพื่อนครูอีกคน ยังไม่ส่งสำเนาบัตร", 4: NOTES[3], 5: NOTES[4],
                        6: None}
