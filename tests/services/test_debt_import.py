"""Spreadsheet import: dry-run report with row numbers, all-or-nothing commit, re-import updates."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, DebtCase, ImportJob, Person
from app.services import debt_import, debt_import_write
from app.services.debt_import_sheet import COLUMNS
from app.services.errors import ValidationFailed
from tests.factories import act, case_counts as counts, new_case, run_import as run, user
from tests.helpers import citizen_id, member_rows, xlsx


def test_a_file_with_bad_rows_is_reported_by_row_and_changes_nothing():
    rows = member_rows(10)
    rows[3][0] = "1234567890123"           # row 5: bad checksum
    rows[6][19] = "245.5"                  # row 8: rate above the cap (200 for debts)
    rows[9][18] = "lots"                   # row 11: not money
    before = counts()
    job = run("coop_officer", xlsx(rows))
    assert job.status == "invalid" and job.error_count == 3
    assert [e["row"] for e in job.errors] == [5, 8, 11]
    assert {e["column"] for e in job.errors} == {"เลขประจำตัวประชาชน", "ดอกเบี้ยต่อปี (ร้อยละ)", "ยอดหนี้คงเหลือ"}
    with pytest.raises(ValidationFailed):
        debt_import.start_import(user("coop_officer"), job.id)
    assert counts() == before


def test_a_clean_file_imports_all_then_a_reimport_updates_instead_of_duplicating():
    before = counts()
    job = run("coop_officer", xlsx(member_rows(20)))
    assert job.status == "valid" and job.summary["new_cases"] == 20 and job.summary["debts"] == 40
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "done"
    assert counts() == (before[0] + 20, before[1] + 40, before[2] + 20)
    case = db.session.scalar(select(DebtCase).join(Person).where(Person.citizen_id == citizen_id(0)))
    assert case.reference.startswith("DC") and case.status == "draft" and case.total_outstanding == 200000
    assert case.interest_remaining > 0 and case.risk_group in ("orange", "yellow")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "debt_case.create")) == 20

    changed = member_rows(20)
    changed[0][18] = "90000.00"                                    # a new balance for one debt
    changed.append(list(changed[0]))
    changed[-1][16], changed[-1][17] = "ธนาคารกรุงไทย", "ktb"       # and a third creditor for that teacher
    again = run("coop_officer", xlsx(changed))
    assert again.summary["updated_cases"] == 20 and again.summary["new_cases"] == 0
    debt_import.start_import(user("coop_officer"), again.id)
    db.session.expire_all()
    assert counts() == (before[0] + 20, before[1] + 41, before[2] + 20)  # no duplicates: one new debt
    case = db.session.get(DebtCase, case.id)
    assert sorted(d.creditor_name for d in case.debts) == ["ธนาคารกรุงไทย", "ธนาคารออมสิน", "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"]
    assert next(d for d in case.debts if d.creditor_type == "cooperative").outstanding == 90000


def test_an_import_that_fails_half_way_leaves_nothing(monkeypatch):
    before = counts()
    job = run("coop_officer", xlsx(member_rows(5)))
    real = debt_import_write._insert_new

    def broken(*args):
        real(*args)
        raise RuntimeError("worker killed after the inserts")

    monkeypatch.setattr(debt_import_write, "_insert_new", broken)
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "failed"
    assert counts() == before


def test_a_case_under_review_cannot_be_changed_by_import():
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    rows = member_rows(1)
    for row in rows:
        row[0] = "1101700230708"  # new_case's teacher
        row[2], row[3] = "สมศรี", "ใจดี"
    job = run("coop_officer", xlsx(rows))
    assert job.status == "invalid" and job.error_count == 1
    assert (job.errors[0]["row"], job.errors[0]["column"]) == (2, "เลขประจำตัวประชาชน")


def test_csv_with_bom_and_a_wrong_header():
    from app.exports import csv_bytes

    good = csv_bytes([thai for _k, thai, _e in COLUMNS], member_rows(2))
    assert run("coop_officer", good, "members.csv").status == "valid"
    bad = run("coop_officer", b"a,b,c\n1,2,3\n", "x.csv")
    assert bad.status == "invalid" and bad.errors[0]["row"] == 1
    with pytest.raises(ValidationFailed):
        debt_import.upload(user("coop_officer"), None, "notes.txt", b"hello")


def test_imports_are_scoped_to_the_cooperative():
    job = run("coop_officer", xlsx(member_rows(1)))
    from app.services.errors import NotFound

    with pytest.raises(NotFound):
        debt_import.get(user("coop_officer2"), job.id)


def test_a_teachers_rows_must_agree():
    rows = member_rows(2)            # two debt rows per teacher
    rows[1][7] = "99999.00"         # row 3: another salary for the teacher of row 2
    job = run("coop_officer", xlsx(rows))
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "เงินเดือน")]
