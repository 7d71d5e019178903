"""Large list exports go through the job engine (issue 16); small ones stay in the request.

EXPORT_INLINE_ROWS is set to 3 here, so a handful of rows makes a list "large". The job's file must be what the
request's own download gives for the same filters; it is for the requester alone, built as them (their scope, their
right to full citizen IDs, their language) even where nobody is signed in (a worker)."""
from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import background, engine
from app.models import AuditEvent, BackgroundJob
from app.services import letters, list_exports
from app.storage import storage
from tests.factories import DebtCaseFactory, ReliefCaseFactory, user
from tests.helpers import citizen_id, death_case, login, three_debts

ENGLISH_DEBT_HEADERS = ["Reference", "Teacher", "Citizen ID", "Cooperative", "Province code", "Province",
                        "Monthly salary", "Debt", "Monthly debt service", "Kept of salary (percent)", "Meets the floor",
                        "Risk group", "Status", "Registered"]


@pytest.fixture
def threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    return lambda rows: monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", rows)


@pytest.fixture
def held(monkeypatch):
    """Jobs are added but not run (as with no worker started); run(job_id) runs one as a worker does: in an app
    context of its own, with no request and nobody signed in."""
    monkeypatch.setattr(engine, "after_commit", lambda *args: None)

    def run(job_id: int) -> BackgroundJob:
        engine.enqueue_now(background.JOB.task, job_id)
        db.session.expire_all()
        return db.session.get(BackgroundJob, job_id)

    return run


def debt_cases(count: int, officer: str = "coop_officer", cooperative: str = "COOP-CMI-01", first: int = 700) -> list[str]:
    """`count` draft cases of different teachers, at COOP-CMI-01 (Chiang Mai) unless told; their citizen IDs."""
    ids = []
    for n in range(first, first + count):
        body = {**three_debts(), "cooperative_code": cooperative}
        body["teacher"] = {**body["teacher"], "citizen_id": citizen_id(n), "first_name": f"ครูส่งออก{n}"}
        DebtCaseFactory(body=body, officer=officer)
        ids.append(body["teacher"]["citizen_id"])
    return ids


def job_of(response) -> BackgroundJob:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = re.fullmatch(r"/exports/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return db.session.get(BackgroundJob, int(match.group(1)))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def sheet_rows(data: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def export_count() -> int:
    return db.session.scalar(select(func.count(BackgroundJob.id)).where(BackgroundJob.kind == "export"))


# ---- large and small -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_case_list_export_is_a_job_whose_file_is_the_inline_export(as_user, threshold, fmt, monkeypatch):
    monkeypatch.setattr(list_exports, "CHUNK", 2)  # the job loads and writes its 5 rows in three chunks
    debt_cases(5)
    client = as_user("province_officer")
    url = f"/debt-cases/?unit=50&sort=name&format={fmt}"
    job = job_of(client.get(url))
    assert job.kind == "export" and job.status == "done" and job.requested_by_id == user("province_officer").id
    assert job.params == {"list": "debt-cases", "format": fmt, "lang": "th", "filters": {
        "status": "", "risk_group": "", "cooperative_code": "", "province_code": "", "text": "", "unit_code": "50",
        "below_floor": "", "bucket": "", "sort": "name"}}
    assert re.fullmatch(rf"exports/{job.id}-[0-9a-f]{{16}}\.{fmt}", job.file_key)
    assert job.total == job.progress == job.result["rows"] == 5

    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert 'data-testid="export-download"' in page and "พร้อมแล้ว" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/exports/{job.id}/download")
    assert download.status_code == 200
    assert f"filename=debt-cases.{fmt}" in download.headers["Content-Disposition"]

    threshold(1_000)
    inline = client.get(url)
    assert inline.status_code == 200 and f'filename="debt-cases.{fmt}"' in inline.headers["Content-Disposition"]
    assert inline.mimetype == download.mimetype
    if fmt == "csv":
        assert download.data.decode("utf-8-sig") == inline.data.decode("utf-8-sig")
        assert len(csv_rows(download.data)) == 6
    else:
        assert sheet_rows(download.data) == sheet_rows(inline.data) and len(sheet_rows(download.data)) == 6
    assert export_count() == 1  # the inline download made no job


def test_a_small_export_stays_in_the_request(as_user, threshold):
    debt_cases(3)
    response = as_user("province_officer").get("/debt-cases/?unit=50&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"   # once (issue 21, 11)
    assert len(csv_rows(response.data)) == 4
    assert export_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "export.request")) == 0


def test_the_default_threshold_keeps_ordinary_lists_inline(as_user, app):
    assert app.config["EXPORT_INLINE_ROWS"] == 5_000
    debt_cases(4)
    assert as_user("province_officer").get("/debt-cases/?format=xlsx").status_code == 200
    assert export_count() == 0


def test_an_unknown_format_is_still_404(as_user, threshold):
    debt_cases(4)
    assert as_user("province_officer").get("/debt-cases/?format=pdf").status_code == 404
    assert export_count() == 0


def test_every_other_list_exports_through_the_same_declaration(as_user, threshold, decided):
    debt, _relief = decided
    debt_cases(4)
    for n in range(4):
        ReliefCaseFactory(body=death_case(victim__citizen_id=citizen_id(800 + n), victim__first_name=f"เหยื่อ{n}"))
        letters.issue(user("province_officer"), "debt", debt.id, "approval_notice", reissue_reason=f"สำเนาที่ {n}")
    for username, url, name in (("south_officer", "/relief-cases/", "relief-cases"),
                                ("province_officer", "/people/", "people"),
                                ("province_officer", "/letters?office=all", "letters-register"),
                                ("auditor", "/audit/", "audit-trail")):
        threshold(3)
        client = as_user(username)
        sep = "&" if "?" in url else "?"
        job = job_of(client.get(f"{url}{sep}format=csv"))
        assert job.status == "done" and job.params["list"] == name, (url, job.error)
        assert job.result["rows"] > 3, url
        download = client.get(f"/exports/{job.id}/download")
        assert f"filename={name}.csv" in download.headers["Content-Disposition"]
        threshold(1_000_000)
        inline = client.get(f"{url}{sep}format=csv")
        assert inline.status_code == 200
        assert download.data.decode("utf-8-sig") == inline.data.decode("utf-8-sig"), url
        client.post("/logout")


# ---- for the requester alone, as the requester -----------------------------------------------------------------

def test_only_the_requester_sees_the_export(client, as_user, threshold):
    debt_cases(4)
    job = job_of(as_user("province_officer").get("/debt-cases/?format=csv"))
    assert client.get(f"/exports/{job.id}/download").status_code == 200
    client.post("/logout")
    for other in ("province_approver", "coop_officer", "admin"):
        login(client, other)
        assert client.get(f"/exports/{job.id}/download").status_code == 404, other
        assert client.get(f"/exports/{job.id}").status_code == 404, other
        assert 'data-testid="export-row"' not in client.get("/exports/").get_data(as_text=True)
        client.post("/logout")
    assert client.get(f"/exports/{job.id}/download").status_code == 302  # signed out: to the sign-in page


def test_the_job_masks_citizen_ids_for_a_role_that_may_not_see_them(as_user, threshold):
    ids = debt_cases(4)
    client = as_user("province_approver")
    job = job_of(client.get("/debt-cases/?format=csv"))
    text = client.get(f"/exports/{job.id}/download").data.decode("utf-8-sig")
    assert not any(i in text for i in ids) and text.count("xxxxx") >= 4


def test_the_job_is_built_as_its_requester_even_with_nobody_signed_in(as_user, threshold, held):
    """In a worker there is no request and no current_user: the requester (requested_by_id) decides the scope and
    the full IDs, and their language the headers."""
    ids = debt_cases(4)
    client = as_user("province_officer")
    client.post("/language", data={"lang": "en"})
    full = job_of(client.get("/debt-cases/?format=csv"))
    assert full.status == "queued" and full.params["lang"] == "en"
    client.post("/logout")
    as_user("province_approver")
    client.post("/language", data={"lang": "th"})
    masked = job_of(client.get("/debt-cases/?format=xlsx"))

    full, masked = held(full.id), held(masked.id)
    assert full.status == masked.status == "done"
    rows = csv_rows(storage().read(full.file_key))
    assert rows[0] == ENGLISH_DEBT_HEADERS  # English, as the requester chose, though the worker's default is Thai
    assert {row[2] for row in rows[1:]} >= set(ids) and {row[10] for row in rows[1:]} <= {"yes", "no"}
    assert {(row[4], row[5]) for row in rows[1:]} == {("50", "Chiang Mai")}  # the province's name in their language
    sheet = sheet_rows(storage().read(masked.file_key))
    assert sheet[0][:2] == ["เลขที่", "ครู"]
    assert not any(i in str(row) for row in sheet for i in ids)


def test_english_ui_gives_english_headers_in_the_jobs_file(as_user, threshold):
    debt_cases(4)
    client = as_user("province_officer")
    client.post("/language", data={"lang": "en"})
    job = job_of(client.get("/debt-cases/?format=xlsx"))
    assert sheet_rows(client.get(f"/exports/{job.id}/download").data)[0] == ENGLISH_DEBT_HEADERS
    client.post("/language", data={"lang": "th"})
    job = job_of(client.get("/debt-cases/?format=csv"))
    assert csv_rows(client.get(f"/exports/{job.id}/download").data)[0][:2] == ["เลขที่", "ครู"]


def test_the_job_checks_the_requester_again_when_it_runs(as_user, threshold, held):
    debt_cases(4)
    job = job_of(as_user("province_officer").get("/debt-cases/?format=csv"))
    user("province_officer").active = False
    db.session.commit()
    job = held(job.id)
    assert job.status == "failed" and job.file_key is None and job.error == _("The user who asked for this export can no longer sign in.")


# ---- the pages --------------------------------------------------------------------------------------------------

def test_a_failing_export_ends_failed_with_its_message_on_the_page(as_user, threshold, monkeypatch):
    def broken(user, cases):
        for _case in cases:
            raise RuntimeError("the disk is full")
        yield []

    entry = list_exports.LISTS["debt-cases"]
    monkeypatch.setitem(list_exports.LISTS, "debt-cases", dataclasses.replace(entry, rows=broken))
    debt_cases(4)
    client = as_user("province_officer")
    job = job_of(client.get("/debt-cases/?format=csv"))
    assert job.status == "failed" and job.file_key is None and "the disk is full" in job.error
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert 'data-testid="export-failed"' in page and "the disk is full" in page and "ไม่สำเร็จ" in page
    assert 'http-equiv="refresh"' not in page and 'data-testid="export-download"' not in page
    assert client.get(f"/exports/{job.id}/download").status_code == 404


def test_a_waiting_export_refreshes_its_page_and_is_not_queued_twice(as_user, threshold, held):
    debt_cases(4)
    client = as_user("province_officer")
    first = job_of(client.get("/debt-cases/?format=csv&sort=debt"))
    assert job_of(client.get("/debt-cases/?format=csv&sort=debt")).id == first.id
    assert job_of(client.get("/debt-cases/?format=xlsx&sort=debt")).id != first.id
    page = client.get(f"/exports/{first.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "รอเริ่ม" in page
    assert client.get(f"/exports/{first.id}/download").status_code == 404  # not ready yet
    assert held(first.id).status == "done"
    assert client.get(f"/exports/{first.id}/download").status_code == 200


def test_my_exports_lists_them_in_thai_with_buddhist_era_dates(as_user, threshold):
    debt_cases(4)
    client = as_user("province_officer")
    job = job_of(client.get("/debt-cases/?format=xlsx"))
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert 'href="/exports/"' in page  # the progress page leads to the list
    listing = client.get("/exports/").get_data(as_text=True)
    table = listing[listing.index('data-testid="exports"'):listing.index("</table>")]
    assert table.count('data-testid="export-row"') == 1
    assert "กรณีหนี้ครู" in table and "พร้อมแล้ว" in table and "Excel (XLSX)" in table
    assert re.search(r"25\d\d \d\d:\d\d น\.", table)  # e.g. 5 ม.ค. 2569 10:30 น.
    assert f"/exports/{job.id}/download" in table
    for code in ("debt-cases", "done", "export.request", ">xlsx<", "province_officer"):
        assert code not in table


def test_the_request_is_audited(as_user, threshold):
    debt_cases(4)
    job = job_of(as_user("province_approver").get("/debt-cases/?format=csv&status=draft"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.request"))
    assert event.actor_username == "province_approver" and event.object_type == "background_job"
    assert event.object_id == str(job.id)
    assert event.after["list"] == "debt-cases" and event.after["format"] == "csv"
    assert event.after["filters"]["status"] == "draft"


def test_the_file_can_live_in_the_database(app, as_user, threshold, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE", "database")
    debt_cases(4)
    client = as_user("province_officer")
    job = job_of(client.get("/debt-cases/?format=csv"))
    assert job.status == "done" and storage().exists(job.file_key)
    assert len(csv_rows(client.get(f"/exports/{job.id}/download").data)) == 5


def test_the_scope_of_the_requester_holds_in_the_job(client, as_user, threshold):
    """Each cooperative officer's export holds their cooperative's cases alone, exactly as their list does."""
    chiang_mai, khon_kaen = set(debt_cases(4)), set(debt_cases(4, "coop_officer2", "COOP-KKN-01", first=750))
    for username, theirs in (("coop_officer", chiang_mai), ("coop_officer2", khon_kaen)):
        login(client, username)
        job = job_of(client.get("/debt-cases/?format=csv"))
        rows = csv_rows(client.get(f"/exports/{job.id}/download").data)[1:]
        assert {row[2] for row in rows} == theirs, username
        client.post("/logout")
