"""`flask backup` and `flask restore` round-trip: the restored database equals the original, table by table
(SQLite in the default pass, pg_dump/pg_restore in the PostgreSQL pass)."""
import pytest
from sqlalchemy import select

from app.extensions import db

pytestmark = pytest.mark.commits  # the backup reads the database file (or pg_dump) and the restore replaces it


def contents() -> dict:
    with db.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
                for t in db.metadata.sorted_tables}


def test_backup_then_restore_gives_back_the_same_database(app, runner, decided, tmp_path):
    from app.services import letters
    from tests.factories import user

    debt_id = decided[0].id
    letters.issue(user("province_officer"), "debt", debt_id, "approval_notice")
    before = contents()
    assert before["letters"] and before["audit_events"] and before["debt_case_rollups"]
    target = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    letters.issue(user("province_officer"), "debt", debt_id, "deduction_notice")  # changes after the backup
    db.session.remove()
    assert contents() != before
    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0  # --yes is required
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert contents() == before
