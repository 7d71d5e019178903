"""Web servers and workers are separate processes that share only the database, the queue and (FILE_STORAGE=database)
the files, so a batch outlives the server that started it and is downloaded through any server (issue 16): real
gunicorn servers and `flask worker` processes on every backend (tests/jobs/conftest.py)."""
from __future__ import annotations

import io

from pypdf import PdfReader

from tests.jobs.workers import Browser

BATCH_PAGE_DONE = 'data-testid="batch-pdf"'


def batch_status(backend, batch_id: int) -> str:
    return backend.scalar("SELECT status FROM letter_batches WHERE id = :id", id=batch_id)


def wait_until_done(backend, browser: Browser, batch_id: int) -> str:
    """Poll the batch page, as the page's own refresh does, until it offers the merged PDF."""
    def done():
        page = browser.get(f"/letters/batches/{batch_id}")
        assert page.status_code == 200, (page.status_code, page.text[:2000])
        assert batch_status(backend, batch_id) != "failed", backend.logs()
        return BATCH_PAGE_DONE in page.text and page.text

    return backend.wait_for(f"batch {batch_id} done, through {browser.server.name}", done, every=0.25)


def pages_of(response) -> int:
    assert response.status_code == 200, (response.status_code, response.text[:2000])
    assert response.headers["Content-Type"] == "application/pdf"
    return len(PdfReader(io.BytesIO(response.content)).pages)


def test_the_web_server_restarted_mid_job_serves_the_finished_batch(backend):
    web = backend.start_web("web-1")
    backend.start_worker()
    officer = Browser(web.wait_ready()).sign_in("province_officer")
    batch_id = officer.start_batch("approval_notice", backend.approval_month(), 100, backend.world["approved"])

    def working():
        status = batch_status(backend, batch_id)
        assert status not in ("done", "failed"), f"the batch ended ({status}) before the server could be killed"
        return status in ("preparing", "issuing", "rendering")

    backend.wait_for("the worker on the batch", working, every=0.02)
    web.kill()  # the whole gunicorn group, while the worker prints
    assert batch_status(backend, batch_id) not in ("done", "failed")

    officer.server = backend.start_web("web-2", port=web.port).wait_ready()  # the same address, a new server
    wait_until_done(backend, officer, batch_id)  # the same sign-in: the session lives in the database
    assert pages_of(officer.get(f"/letters/batches/{batch_id}.pdf")) == 100


def test_a_batch_started_through_one_server_downloads_through_another(backend):
    """Three processes, three instance folders: files go through the database (FILE_STORAGE=database)."""
    folders = {name: backend.root / f"instance-{name}" for name in ("a", "b", "worker")}
    for folder in folders.values():
        folder.mkdir()
    first = backend.start_web("web-a", instance=folders["a"], FILE_STORAGE="database")
    second = backend.start_web("web-b", instance=folders["b"], FILE_STORAGE="database")
    backend.start_worker(instance=folders["worker"], FILE_STORAGE="database")
    batch_id = (Browser(first.wait_ready()).sign_in("province_officer")
                .start_batch("approval_notice", backend.approval_month(), 60,
                              backend.world["approved"]))
    reader = Browser(second.wait_ready()).sign_in("province_officer")
    wait_until_done(backend, reader, batch_id)
    assert pages_of(reader.get(f"/letters/batches/{batch_id}.pdf")) == 60
    assert pages_of(Browser(first).sign_in("province_officer").get(f"/letters/batches/{batch_id}.pdf")) == 60
    assert not [path for folder in folders.values() for path in folder.rglob("*.pdf")]  # no server kept it itself
    assert backend.scalar("SELECT count(*) FROM stored_files WHERE key LIKE :key",
                          key=f"letters/batch-{batch_id}-%") == 1  # the merged file; the parts are gone
