"""E-mail notices go out from the worker, never from the request (a real SMTP server), and a job that raises ends
failed with its message on its page: real gunicorn and `flask worker` processes on every backend
(tests/jobs/conftest.py)."""
from __future__ import annotations

import email
import re
import time
from email import policy

from tests.helpers import member_rows, xlsx
from tests.jobs.workers import APPROVER_EMAIL, Browser, csrf_of, page_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def approver_notice(backend, case_id: int):
    rows = backend.rows("SELECT n.id, n.emailed_at FROM notifications n JOIN users u ON u.id = n.user_id "
                        "WHERE u.username = 'province_approver' AND n.link LIKE :link", link=f"%/{case_id}")
    assert len(rows) == 1, rows
    return rows[0]


def email_jobs(backend):
    return backend.rows("SELECT status, progress, total, error FROM background_jobs WHERE kind = 'email'")


def test_notices_are_mailed_by_the_worker_never_inside_the_request(backend, smtp):
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
    case_id = backend.world["draft"]  # a draft with a chosen plan; province_approver has an e-mail address
    officer = Browser(backend.start_web(**mail).wait_ready()).sign_in("coop_officer")
    page = officer.get(f"/debt-cases/{case_id}")
    form = {"csrf_token": csrf_of(page.text), "action": "submit", "comment": "",
            "version": re.search(r'name="version" value="(\d+)"', page.text).group(1)}

    response = officer.post(f"/debt-cases/{case_id}/transitions", form)  # no worker runs yet
    returned = time.monotonic()
    assert response.status_code == 302, response.text[:2000]
    assert backend.scalar("SELECT status FROM debt_cases WHERE id = :id", id=case_id) == "submitted"
    assert approver_notice(backend, case_id).emailed_at is None
    assert [job.status for job in email_jobs(backend)] == ["queued"]
    time.sleep(1.0)
    assert smtp.inbox.messages == []  # the request answered without mailing, and nothing mails without a worker

    backend.start_worker(**mail)
    backend.wait_for("the notice's e-mail", lambda: smtp.inbox.messages, timeout=60, every=0.1)
    backend.wait_for("the e-mail job done", lambda: email_jobs(backend)[0].status not in ("queued", "running"))
    assert [tuple(job) for job in email_jobs(backend)] == [("done", 1, 1, None)]
    assert approver_notice(backend, case_id).emailed_at is not None
    assert len(smtp.inbox.messages) == 1  # once
    envelope, arrived = smtp.inbox.messages[0]
    assert arrived > returned
    assert envelope.rcpt_tos == [APPROVER_EMAIL]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["To"] == APPROVER_EMAIL and message["Subject"].startswith("KruDesk: ")
    assert f"/debt-cases/{case_id}" in message.get_content()


def test_a_job_that_raises_ends_failed_with_its_message_on_its_page(backend):
    """Two jobs break on bad data, not on patched code: an upload gone from storage before its dry run, and an
    emblem file in the instance folder that is no image (every letter of a batch prints it)."""
    (backend.instance / "letter-emblem.png").write_bytes(b"this is not a PNG image")
    web = backend.start_web().wait_ready()
    coop = Browser(web).sign_in("coop_officer")
    form = coop.get("/debt-cases/import")
    upload = coop.post("/debt-cases/import", {"csrf_token": csrf_of(form.text)},
                       files={"file": ("members.xlsx", xlsx(member_rows(3)), XLSX)})
    assert upload.status_code == 302, upload.text[:2000]
    job_id = int(re.search(r"/debt-cases/import/(\d+)$", upload.headers["Location"]).group(1))
    stored = backend.instance / "imports" / backend.scalar("SELECT file_key FROM import_jobs WHERE id = :id",
                                                           id=job_id)
    stored.unlink()  # lost from storage before any worker read it
    batch_id = (Browser(web).sign_in("province_officer")
                .start_batch("approval_notice", backend.approval_month(), 3,
                              backend.world["approved"]))

    backend.start_worker()

    def ended():
        job = backend.rows("SELECT status, failure, claim_token FROM import_jobs WHERE id = :id", id=job_id)[0]
        batch = backend.rows("SELECT status, error, claim_token FROM letter_batches WHERE id = :id", id=batch_id)[0]
        return (job.status not in ("checking",) and batch.status in ("done", "failed")) and (job, batch)

    job, batch = backend.wait_for("both jobs to end", ended)
    assert (job.status, job.claim_token, batch.status, batch.claim_token) == ("failed", None, "failed", None)
    assert f"{job_id}" in job.failure  # "… logged for the administrator (import <id>)", in Thai
    assert "UnidentifiedImageError" in batch.error  # "The job stopped with an error: <exception>: <its message>"
    page = coop.get(f"/debt-cases/import/{job_id}")
    assert 'data-testid="import-failed"' in page.text and job.failure in page_text(page)
    page = Browser(web).sign_in("province_officer").get(f"/letters/batches/{batch_id}")
    assert batch.error in page_text(page)
    assert not backend.scalar("SELECT count(*) FROM letter_batch_chunks WHERE batch_id = :id AND status = 'rendering'",
                              id=batch_id)
