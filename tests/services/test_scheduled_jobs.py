"""Scheduled runs (issue 16): the schedule's Bangkok clock, one run per period, and the three jobs it starts —
enrolment checks falling due, the PDPA retention report and the backup kept in the file storage.

The suite runs jobs inline (JOBS_IMMEDIATE): a job submitted and committed has run by the time commit returns."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from flask_babel import force_locale, gettext
from sqlalchemy import func, select, text, update

from app.domain import clock
from app.extensions import db
from app.jobs import background, engine, schedule
from app.jobs.schedule import Scheduled
from app.labels import JOB_KIND_LABELS
from app.models import (AuditEvent, BackgroundJob, ContinuationCheck, DebtCase, Notification, ReliefCase,
                        SettingValue, StoredFile)
from app.services import backup, continuation_due, relief_evidence, retention, settings, stored_backups
from app.storage import storage
from tests.factories import ReliefCaseFactory, UserFactory, unit_by_code, user

# 06:30 on 1 January 2027 in Bangkok, while a UTC server still says 31 December 2026.
NEW_YEAR_0630 = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)




@pytest.fixture
def test_kind(monkeypatch):
    """A background job kind whose handler only records that it ran (the real ones are tested below)."""
    ran = []

    def handler(job, token):
        ran.append(job.slot)
        background.finish(job.id, token, result={"ran": True})
        db.session.commit()

    monkeypatch.setitem(background._handlers, "test_daily", handler)
    monkeypatch.setitem(background._handlers, "test_monthly", handler)
    return ran


TEST_SCHEDULE = (Scheduled("test_daily", 6, "day"), Scheduled("test_monthly", 7, "month"))


# ---- the schedule ---------------------------------------------------------------------------------------------

@pytest.mark.nodb
@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 12, 31, 17, 59), []),                                     # 00:59 on 1 Jan in Bangkok
    (datetime(2026, 12, 31, 18, 0), [("backup", "2027-01-01")]),              # 01:00: the backup
    (datetime(2026, 12, 31, 19, 0), [("backup", "2027-01-01"), ("arrears_sweep", "2027-01-01")]),  # 02:00
    (datetime(2026, 12, 31, 23, 0), [("backup", "2027-01-01"), ("arrears_sweep", "2027-01-01"),
                                     ("continuation_due", "2027-01-01")]),
    (datetime(2027, 1, 1, 0, 0), [("backup", "2027-01-01"), ("arrears_sweep", "2027-01-01"),
                                  ("continuation_due", "2027-01-01"),
                                  ("retention_report", "2027-01")]),           # 07:00 on the 1st: the monthly run
    (datetime(2027, 1, 1, 16, 59), [("backup", "2027-01-01"), ("arrears_sweep", "2027-01-01"),
                                    ("continuation_due", "2027-01-01"),
                                    ("retention_report", "2027-01")]),         # 23:59: still due, to catch up
    (datetime(2027, 1, 1, 17, 0), [("retention_report", "2027-01")]),         # 00:00 on the 2nd: a new day
    (datetime(2027, 1, 31, 16, 59), [("backup", "2027-01-31"), ("arrears_sweep", "2027-01-31"),
                                     ("continuation_due", "2027-01-31"),
                                     ("retention_report", "2027-01")]),
    (datetime(2027, 1, 31, 17, 0), []),                                       # 00:00 on 1 Feb: not yet 07:00
])
def test_runs_are_due_from_their_bangkok_hour_to_the_end_of_their_period(utc, expected):
    assert schedule.due_runs(utc) == expected


def test_every_scheduled_kind_has_a_handler_and_a_label_and_the_scheduler_is_a_periodic_task():
    for entry in schedule.SCHEDULE:
        assert entry.kind in background._handlers and entry.kind in JOB_KIND_LABELS
        assert entry.period in ("day", "month") and 0 <= entry.hour < 24
    assert engine._tasks["jobs.schedule"] is schedule.start_due_runs


def test_the_scheduler_starts_each_period_once_by_the_bangkok_date(utc_host, test_kind):
    with time_machine.travel(NEW_YEAR_0630, tick=False):
        assert date.today() == date(2026, 12, 31)  # the server's own date is still the old year
        started = schedule.start_due(schedule=TEST_SCHEDULE)
        assert [(j.kind, j.slot) for j in started] == [("test_daily", "2027-01-01")]  # not 07:00 yet: no monthly
        assert schedule.start_due(schedule=TEST_SCHEDULE) == []  # ten minutes later, or another scheduler
    with time_machine.travel(datetime(2027, 1, 1, 0, 10, tzinfo=UTC), tick=False):  # 07:10
        assert [(j.kind, j.slot) for j in schedule.start_due(schedule=TEST_SCHEDULE)] == [("test_monthly", "2027-01")]
    with time_machine.travel(datetime(2027, 1, 1, 17, 10, tzinfo=UTC), tick=False):  # 00:10 on 2 Jan: before 06:00
        assert schedule.start_due(schedule=TEST_SCHEDULE) == []
    with time_machine.travel(datetime(2027, 1, 2, 8, 0, tzinfo=UTC), tick=False):  # 15:00: a worker back after a stop
        assert [(j.kind, j.slot) for j in schedule.start_due(schedule=TEST_SCHEDULE)] == [("test_daily", "2027-01-02")]
    assert test_kind == ["2027-01-01", "2027-01", "2027-01-02"]
    jobs = db.session.scalars(select(BackgroundJob).where(BackgroundJob.kind.in_(("test_daily", "test_monthly")))
                              .order_by(BackgroundJob.id)).all()
    assert [(j.slot, j.status, j.result) for j in jobs] == [
        ("2027-01-01", "done", {"ran": True}), ("2027-01", "done", {"ran": True}), ("2027-01-02", "done", {"ran": True})]


def test_jobs_schedule_off_starts_nothing(app, test_kind, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_SCHEDULE", False)
    with time_machine.travel(NEW_YEAR_0630, tick=False):
        assert schedule.start_due(schedule=TEST_SCHEDULE) == []
    assert test_kind == []


def test_submit_once_starts_one_run_per_slot(test_kind):
    first = background.submit_once("test_daily", "2027-01-01")
    assert first is not None and first.status == "done"
    assert background.submit_once("test_daily", "2027-01-01") is None  # the unique (kind, slot) refuses it
    assert background.submit_once("test_daily", "2027-01-02") is not None
    rows = db.session.execute(select(BackgroundJob.slot, func.count()).where(BackgroundJob.kind == "test_daily")
                              .group_by(BackgroundJob.slot).order_by(BackgroundJob.slot)).all()
    assert [tuple(r) for r in rows] == [("2027-01-01", 1), ("2027-01-02", 1)]
    assert test_kind == ["2027-01-01", "2027-01-02"]


# ---- enrolment checks falling due ------------------------------------------------------------------------------

TODAY = date(2026, 12, 1)


def _item(person_id, period, due, needs=True):
    return {"person_id": person_id, "period": period, "due": due, "amount": "6000.00", "level": "primary",
            "needs_continuation": needs}


@pytest.fixture
def paying_case(decided):
    """The demo's paying relief case with one schedule of known instalments (its other schedules emptied)."""
    relief_case = decided[1]
    child = next(b for b in relief_case.beneficiaries if b.relationship_ == "child")
    scheduled = [e for e in relief_case.entitlements if e.schedule]
    entitlement = scheduled[0]
    for other in scheduled[1:]:
        other.schedule = []
    entitlement.schedule = [
        _item(child.person_id, "2568", "2025-05-16"),               # overdue, never checked: due
        _item(child.person_id, "2567", "2026-12-10"),               # checked (below): not due
        _item(child.person_id, "2569", "2026-12-20"),               # in 19 days: due
        _item(child.person_id, "2571", "2026-12-31"),               # in exactly 30 days: due
        _item(child.person_id, "2570", "2027-01-15"),               # in 45 days: not yet
        _item(child.person_id, "2572", "2026-12-15", needs=False),  # no proof needed: never
    ]
    db.session.add(ContinuationCheck(entitlement_id=entitlement.id, person_id=child.person_id, period="2567",
                                     enrolled=False, checked_by_id=user("south_officer").id))
    db.session.commit()
    return relief_case, entitlement, child


def _notices(username: str, link: str) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(
        Notification.user_id == user(username).id, Notification.link == link).order_by(Notification.id)))


def test_instalments_due_within_30_days_or_overdue_and_unchecked_are_selected(paying_case):
    relief_case, entitlement, child = paying_case
    reported = ReliefCaseFactory()  # only registered: its (overdue) instalments are not payable yet
    assert any(e.schedule for e in reported.entitlements)
    due = continuation_due.checks_falling_due(TODAY)
    assert [(c.entitlement_id, c.person_id, c.period, c.due) for c in due if c.case_id == relief_case.id] == [
        (entitlement.id, child.person_id, "2568", date(2025, 5, 16)),
        (entitlement.id, child.person_id, "2569", date(2026, 12, 20)),
        (entitlement.id, child.person_id, "2571", date(2026, 12, 31))]
    assert not [c for c in due if c.case_id == reported.id]


def _reminder(due: str, child: str, year: str, reference: str) -> str:
    """The notice's words in Thai (the catalogue's, so the test holds whatever the translation says); the date is
    the Buddhist-Era one the service formats."""
    with force_locale("th"):
        return gettext("Proof of enrolment due %(due)s: %(child)s, academic year %(year)s, case %(reference)s.",
                       due=due, child=child, year=year, reference=reference)


def test_each_instalment_is_told_once_to_the_officers_covering_the_case(paying_case):
    relief_case, _entitlement, child = paying_case
    link = f"/relief-cases/{relief_case.id}#entitlements"
    first = continuation_due.remind(TODAY)
    db.session.commit()
    name, reference = child.person.full_name, relief_case.reference
    assert _notices("south_officer", link) == [_reminder("16 พฤษภาคม 2568", name, "2568", reference),
                                               _reminder("20 ธันวาคม 2569", name, "2569", reference),
                                               _reminder("31 ธันวาคม 2569", name, "2571", reference)]
    assert _notices("south_approver", link) == [] and _notices("coop_officer", link) == []  # they record no checks
    assert first["notices"] >= 3

    second = continuation_due.remind(TODAY)  # the next morning, nothing new
    db.session.commit()
    assert second["notices"] == 0 and second["already_sent"] == first["notices"] + first["already_sent"]
    assert len(_notices("south_officer", link)) == 3

    later = continuation_due.remind(date(2026, 12, 20))  # 2570 (15 January 2027) comes within 30 days
    db.session.commit()
    assert later["notices"] == 1
    assert _notices("south_officer", link)[-1] == _reminder("15 มกราคม 2570", name, "2570", reference)


def test_the_daily_job_records_what_it_did(paying_case, utc_host):
    with time_machine.travel(datetime(2026, 11, 30, 23, 5, tzinfo=UTC), tick=False):  # 06:05 on 1 Dec in Bangkok
        started = schedule.start_due(schedule=(Scheduled("continuation_due", 6, "day"),))
    job = db.session.get(BackgroundJob, started[0].id)
    assert (job.slot, job.status, job.error) == ("2026-12-01", "done", None)
    assert job.result["due"] >= 3 and job.result["notices"] >= 3 and job.result["already_sent"] == 0
    assert set(job.result) == {"due", "notices", "already_sent", "without_officer"}


# ---- the retention report --------------------------------------------------------------------------------------

def _closed_long_ago(model, case_id: int, when: datetime) -> None:
    db.session.execute(update(model).where(model.id == case_id).values(status="closed", status_since=when))
    db.session.commit()


def _admin_notices() -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user("admin").id))


def test_the_retention_job_stores_the_report_and_tells_the_top_administrators_once_per_run(decided, monkeypatch):
    debt, relief_case = decided
    assert retention.report()[0] == []  # the demo keeps nothing past retention
    _closed_long_ago(DebtCase, debt.id, datetime(2010, 3, 1, 2, 0))
    _closed_long_ago(ReliefCase, relief_case.id, datetime(2012, 6, 30, 2, 0))
    province_admin = UserFactory(username="pattani_admin", role="administrator", org_unit=unit_by_code("94"))
    monkeypatch.setattr(retention, "LISTED", 1)
    before = _admin_notices()

    job = background.submit("retention_report")
    db.session.commit()
    job = db.session.get(BackgroundJob, job.id)
    assert job.status == "done", job.error
    sign_ins = job.result["sign_ins"]
    assert job.result == {"cases": 2, "sign_ins": sign_ins, "not_listed": 1, "listed": [
        {"kind": "debt", "case_id": debt.id, "reference": debt.reference, "status": "closed", "since": "2010-03-01"}]}
    notices = db.session.scalars(select(Notification.message).where(
        Notification.user_id == user("admin").id, Notification.link == f"/admin/jobs#job-{job.id}")).all()
    with force_locale("th"):
        assert notices == [gettext(
            "PDPA retention review: %(cases)d closed or rejected cases and %(sign_ins)d sign-in records are kept "
            "past their retention period.", cases=2, sign_ins=sign_ins)]
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == province_admin.id)) == 0  # the report is national: only the top of the tree

    again = background.submit("retention_report")  # the next run tells again, once
    db.session.commit()
    assert _admin_notices() == before + 2
    assert db.session.get(BackgroundJob, again.id).result["cases"] == 2


def test_a_retention_run_with_nothing_past_retention_tells_no_one(db):
    db.session.execute(text("DELETE FROM login_attempts"))
    count = select(func.count(Notification.id))
    before = db.session.scalar(count)
    job = background.submit("retention_report")
    db.session.commit()
    job = db.session.get(BackgroundJob, job.id)
    assert job.result == {"cases": 0, "sign_ins": 0, "not_listed": 0, "listed": []}
    assert db.session.scalar(count) == before


# ---- the backup job --------------------------------------------------------------------------------------------

def _setting_history(key: str) -> list[str]:
    return list(db.session.scalars(select(SettingValue.value).where(SettingValue.key == key)
                                   .order_by(SettingValue.id)))


@pytest.fixture
def file_storage(app, request):
    app.config["FILE_STORAGE"], previous = request.param, app.config["FILE_STORAGE"]
    app.config["BACKUP_KEEP"], keep = 2, app.config["BACKUP_KEEP"]
    yield request.param
    app.config["FILE_STORAGE"], app.config["BACKUP_KEEP"] = previous, keep


@pytest.mark.commits  # the backup reads the database file (or pg_dump) and the restore replaces it
@pytest.mark.parametrize("file_storage", ["local", "database"], indirect=True)
def test_the_backup_job_keeps_restorable_files_in_the_storage_and_only_the_newest(app, decided, file_storage,
                                                                                 tmp_path):
    admin, officer = user("admin"), user("south_officer")
    relief_case = decided[1]
    evidence = relief_evidence.add_evidence(officer, relief_case.id, "other", "kept.pdf", b"%PDF-1.4\n% kept\n")
    evidence_key = f"evidence/{evidence.stored_name}"
    settings.set_value(admin, "privacy.retention_years", "11", clock.today(), "before the backups")
    jobs = []
    for _run in range(3):
        job = background.submit(stored_backups.KIND, actor=admin)
        db.session.commit()
        jobs.append(db.session.get(BackgroundJob, job.id))
    assert [j.status for j in jobs] == ["done"] * 3, [j.error for j in jobs]
    keys = [j.result["key"] for j in jobs]
    assert all(k.startswith("backups/krudesk-") for k in keys) and len(set(keys)) == 3
    store = storage()
    assert [j.file_key for j in jobs] == [None, keys[1], keys[2]]  # BACKUP_KEEP = 2: the oldest was deleted
    assert [store.exists(k) for k in keys] == [False, True, True]
    newest = jobs[-1]
    content = store.read(newest.file_key)
    assert newest.result["size"] == len(content) > 0
    postgres = db.engine.dialect.name == "postgresql"
    # With earlier backups in the database, PostgreSQL's is a bundle that leaves them out (app/services/backup.py).
    assert newest.file_key.endswith((".tar" if file_storage == "database" else ".dump") if postgres else ".db")
    if file_storage == "database":  # in the database with everything else: never inside the next backup
        assert db.session.get(StoredFile, newest.file_key).size == len(content)
        assert newest.result["size"] < jobs[0].result["size"] + jobs[1].result["size"]  # it holds neither

    settings.set_value(admin, "privacy.retention_years", "12", clock.today(), "after the backups")
    path = tmp_path / newest.file_key.rsplit("/", 1)[-1]
    path.write_bytes(content)
    backup.restore(path)
    db.session.remove()
    assert _setting_history("privacy.retention_years")[-1] == "11"
    restored_keys = set(db.session.scalars(select(StoredFile.key)))
    if file_storage == "database":
        assert evidence_key in restored_keys  # the case's files came back …
        assert not {k for k in restored_keys if k.startswith("backups/")}  # … the earlier backups did not
        assert storage().read(evidence_key) == b"%PDF-1.4\n% kept\n"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "setting.change")) >= 1


@pytest.mark.commits
def test_flask_backup_queue_hands_the_backup_to_the_engine_and_flask_backup_still_writes_a_file(app, runner,
                                                                                               tmp_path):
    result = runner.invoke(args=["backup", "--queue"])
    assert result.exit_code == 0, result.output
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.kind == "backup"))
    assert job.status == "done" and f"Backup kept in the file storage as {job.file_key}" in result.output
    assert storage().exists(job.file_key)
    assert runner.invoke(args=["backup", "--queue", str(tmp_path / "x.db")]).exit_code != 0  # no target with it
    direct = runner.invoke(args=["backup", str(tmp_path / "direct.bin")])
    assert direct.exit_code == 0 and Path(tmp_path / "direct.bin").stat().st_size > 0
