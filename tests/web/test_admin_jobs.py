"""/admin/jobs (issue 16): every background job and the backups kept, for the administrators of the whole tree;
"back up now" (POST with CSRF, audited) and a backup's download (audited)."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.labels import JOB_KIND_LABELS, JOB_STATUS_LABELS
from app.models import AuditEvent, BackgroundJob
from app.storage import storage
from tests.factories import UserFactory, unit_by_code
from tests.helpers import csrf_from, login


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _job(**values) -> BackgroundJob:
    row = BackgroundJob(**{"kind": "backup", "status": "done", "created_at": datetime(2026, 11, 30, 18, 0),
                           "finished_at": datetime(2026, 11, 30, 18, 2), **values})
    db.session.add(row)
    db.session.commit()
    return row


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def thai(text) -> str:
    """The Thai words for a message or label, as the catalogue has them."""
    with force_locale("th"):
        return gettext(text) if isinstance(text, str) else str(text)


def _text(html: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("username", ["coop_officer", "province_officer", "province_approver", "auditor",
                                      "ministry_viewer"])
def test_only_administrators_reach_the_page_the_button_and_the_files(client, username):
    kept = _job(file_key="backups/krudesk-20261130-180000-1.db", result={"size": 16})
    storage().write(kept.file_key, b"SQLite format 3\x00")
    login(client, username)
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/backup").status_code == 403
    assert client.get(f"/admin/jobs/{kept.id}/file").status_code == 403
    assert 'data-testid="jobs-link"' not in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 1  # nothing was queued


def test_an_administrator_below_the_top_of_the_tree_is_refused_too(client):
    """A backup holds every province's records: a province's administrator may not take one."""
    UserFactory(username="pattani_admin", role="administrator", org_unit=unit_by_code("94"))
    login(client, "pattani_admin")
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/backup").status_code == 403
    assert 'data-testid="jobs-link"' not in client.get("/").get_data(as_text=True)


def test_the_page_shows_each_job_in_thai_with_buddhist_era_times(as_user):
    kept = _job(file_key="backups/krudesk-20261130-180000-7.db", result={"key": "x", "size": 3 * 1024 * 1024})
    storage().write(kept.file_key, b"SQLite format 3\x00")
    daily = _job(kind="continuation_due", slot="2026-12-01", result={"due": 4, "notices": 3, "already_sent": 1,
                                                                       "without_officer": 0})
    monthly = _job(kind="retention_report", slot="2026-12", result={"cases": 1, "sign_ins": 0, "not_listed": 0,
                                                                    "listed": [{"kind": "relief", "case_id": 5,
                                                                                "reference": "RC2555-000005",
                                                                                "status": "closed",
                                                                                "since": "2012-06-30"}]})
    failed = _job(status="failed", error="pg_dump: error: connection refused", finished_at=datetime(2026, 12, 1, 3))
    _job(kind="some_new_kind", status="queued", finished_at=None)
    client = as_user("admin")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/jobs"' in home and 'data-testid="jobs-link"' in home
    assert 'href="/admin/jobs"' in client.get("/admin/settings").get_data(as_text=True)

    response = client.get("/admin/jobs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    seen = _text(page)
    labels = [JOB_KIND_LABELS[kind] for kind in ("backup", "continuation_due", "retention_report")]
    labels += [JOB_STATUS_LABELS[status] for status in ("done", "failed", "queued")] + ["Other job"]
    for label in map(thai, labels):
        assert label in seen, label
    for code in ("continuation_due", "retention_report", "some_new_kind", "queued", "failed"):
        assert code not in seen, code  # labels, never internal codes
    assert "1 ธ.ค. 2569 01:02 น." in seen  # finished 18:02 UTC on 30 November: 01:02 on 1 December in Bangkok
    rows = {int(found): _text(cells) for found, cells in re.findall(r'<tr id="job-(\d+)"[^>]*>(.*?)</tr>', page, re.S)}
    assert "1 ธันวาคม 2569" in rows[daily.id]  # a daily run's period: its day …
    assert "ธันวาคม 2569" in rows[monthly.id] and "1 ธันวาคม" not in rows[monthly.id]  # … a monthly one's: its month
    assert "pg_dump: error: connection refused" in page and f'id="job-{failed.id}"' in page
    assert "RC2555-000005" in page and "3.0 MB" in page
    assert f'href="/admin/jobs/{kept.id}/file"' in page


def test_back_up_now_needs_the_csrf_token_queues_a_backup_and_is_audited(client, csrf_on, app):
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    before = _audits("backup.request")
    refused = client.post("/admin/jobs/backup")
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 0

    token = csrf_from(client.get("/admin/jobs").get_data(as_text=True))
    response = client.post("/admin/jobs/backup", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/jobs")
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.kind == "backup"))
    assert job.status == "done", job.error  # run as it was queued (JOBS_IMMEDIATE)
    assert job.requested_by_id is not None and _audits("backup.request") == before + 1
    assert storage().exists(job.file_key)

    page = client.get("/admin/jobs").get_data(as_text=True)
    assert thai("The backup was queued. It is listed under “Backups kept” once it is done.") in page  # the flash
    download = client.get(f"/admin/jobs/{job.id}/file")
    assert download.status_code == 200
    body = download.get_data()
    assert body[:5] in (b"SQLit", b"PGDMP") and body == storage().read(job.file_key)
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert job.file_key.rsplit("/", 1)[-1] in download.headers["Content-Disposition"]
    assert _audits("backup.download") == 1


def test_a_second_backup_waits_for_the_first(as_user):
    waiting = _job(status="queued", finished_at=None)
    client = as_user("admin")
    response = client.post("/admin/jobs/backup", follow_redirects=True)
    assert response.status_code == 200
    assert thai("A backup is already waiting or running: it appears here once it is done.") in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 1
    assert db.session.get(BackgroundJob, waiting.id).status == "queued"


def test_only_a_kept_backup_can_be_downloaded(as_user):
    pruned = _job(file_key=None, result={"key": "backups/krudesk-20261101-180000-1.db", "size": 10})
    other = _job(kind="retention_report", file_key="backups/not-a-backup.db")
    missing = _job(file_key="backups/krudesk-20261130-180000-9.db")  # its file is gone
    client = as_user("admin")
    for job in (pruned, other, missing):
        assert client.get(f"/admin/jobs/{job.id}/file").status_code == 404
    assert client.get("/admin/jobs/999999/file").status_code == 404
    assert _audits("backup.download") == 0
