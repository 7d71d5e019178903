"""Repayments on the web (issue 20): the case page's section (bucket, timeline, one repayment by hand) and the
monthly file: the template, a dry run reporting rows and columns, the import, a large file through the job engine."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import BackgroundJob, Repayment
from tests.helpers import active_since, annuity, xlsx

TEACHER_ID = "1101700230708"   # three_debts()'s teacher

NEW_LOAN = annuity("600000.00", "4.50", 180)


def _case(api):
    _officer, url, ids, _plan = active_since(api)
    return int(url.rsplit("/", 1)[1]), ids


def _csv(rows) -> bytes:
    header = "เลขประจำตัวประชาชน,เลขที่กรณี,รายการ (new_loan = เงินกู้ใหม่ หรือเลขหนี้เดิมที่ปรับโครงสร้าง)," \
             "จำนวนเงินที่หักได้,วันที่หัก/ชำระ,เลขอ้างอิงรายการ\n"
    return (header + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode("utf-8")


def _upload(client, content, name="feb.csv", month="02/2569", **flags):
    data = {"month": month, "file": (io.BytesIO(content), name), **{k: "1" for k, v in flags.items() if v}}
    return client.post("/debt-cases/repayments", data=data, content_type="multipart/form-data")


def test_the_case_page_shows_the_bucket_timeline_and_records_one_repayment(api, as_user):
    case_id, ids = _case(api)
    officer = as_user("coop_officer")
    page = officer.get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="repayments"' in page and 'data-testid="repayment-timeline"' in page
    # nothing repaid since February 2569: over 90 days behind, flagged, in Thai
    badge = page[page.index('data-testid="bucket"') - 40:page.index('data-testid="bucket"') + 120]
    assert "text-bg-danger" in badge and "NPL" in badge or "90" in badge
    assert 'data-testid="restructure-flag"' in page
    assert "ก.พ. 2569" in page   # the timeline's months in the Buddhist Era
    sent = officer.post(f"/debt-cases/{case_id}/repayments", data={
        "part": "new_loan", "month": "02/2569", "amount": f"{NEW_LOAN}", "paid_on": "27/02/2569",
        "reference": "RCPT-1"})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.sum(Repayment.amount)).where(Repayment.case_id == case_id)) == NEW_LOAN
    # a bad amount is refused on its field, with what was typed kept
    bad = officer.post(f"/debt-cases/{case_id}/repayments", data={
        "part": "new_loan", "month": "02/2569", "amount": "12,34x", "paid_on": "27/02/2569", "reference": "RCPT-2"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="12,34x"' in html and 'data-field="amount"' in html
    # the approver reads the section but has no form
    officer.post("/logout")
    approver = as_user("province_approver").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="repayments"' in approver and 'data-testid="repayment-form"' not in approver


def test_a_dry_run_reports_rows_and_columns_then_the_file_is_recorded(api, as_user):
    case_id, ids = _case(api)
    officer = as_user("coop_officer")
    template = officer.get("/debt-cases/repayments/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    rows = [(TEACHER_ID, case_id, "new_loan", NEW_LOAN, "27/02/2569", "F-1"),
            (TEACHER_ID, case_id, "new_loan", "abc", "27/02/2569", "F-2"),
            ("1300000000073", case_id, "new_loan", "10.00", "2026-02-27", "F-3")]
    dry = _upload(officer, _csv(rows), dry_run=True).get_data(as_text=True)
    assert 'data-testid="report-rows"' in dry
    table = dry[dry.index('data-testid="report-rows"'):]
    assert "<td>3</td><td>จำนวนเงินที่หักได้</td>" in table          # row 3 of the file (row 1 is the header)
    assert "<td>4</td><td>เลขประจำตัวประชาชน</td>" in table
    assert db.session.scalar(select(func.count(Repayment.id)).where(Repayment.case_id == case_id)) == 0
    # all or nothing: without partial acceptance nothing is recorded
    _upload(officer, _csv(rows))
    assert db.session.scalar(select(func.count(Repayment.id)).where(Repayment.case_id == case_id)) == 0
    done = _upload(officer, _csv(rows), accept_partial=True).get_data(as_text=True)
    assert 'data-testid="report-verdict"' in done
    assert db.session.scalar(select(func.sum(Repayment.amount)).where(Repayment.case_id == case_id)) == NEW_LOAN
    # XLSX reads the same, with a real date cell and a number
    workbook = xlsx([["เลขประจำตัวประชาชน", "เลขที่กรณี", "Part", "Amount", "Paid on", "Reference"],
                     [TEACHER_ID, case_id, "new_loan", 100.5, "2026-03-27", "X-1"]])
    assert _upload(officer, workbook, name="mar.xlsx", month="03/2569").status_code in (200, 302)


def test_a_large_file_is_recorded_by_the_job_engine(api, as_user):
    case_id, ids = _case(api)
    officer = as_user("coop_officer")
    rows = [(TEACHER_ID, case_id, "new_loan", "1.00", "27/02/2569", f"BIG-{n}") for n in range(2100)]
    sent = _upload(officer, _csv(rows), accept_partial=True)
    assert sent.status_code == 302 and "/debt-cases/repayments/jobs/" in sent.headers["Location"]
    job = db.session.scalar(select(BackgroundJob).where(BackgroundJob.kind == "repayment_import"))
    db.session.refresh(job)
    assert job.status == "done" and job.result["matched"] == 2100
    page = officer.get(sent.headers["Location"]).get_data(as_text=True)
    assert "2,100" in page
    officer.post("/logout")
    assert as_user("coop_officer2").get(sent.headers["Location"]).status_code in (403, 404)


def test_bad_uploads_change_nothing(api, as_user):
    _case(api)
    officer = as_user("coop_officer")
    empty = officer.post("/debt-cases/repayments", data={"month": "02/2569"}, content_type="multipart/form-data")
    assert empty.status_code == 422 and 'data-field="file"' in empty.get_data(as_text=True)
    wrong = _upload(officer, b"a,b,c\n1,2,3\n")
    assert wrong.status_code == 422 and 'data-field="file"' in wrong.get_data(as_text=True)
    month = _upload(officer, _csv([]), month="13/2569")
    assert month.status_code == 422 and 'data-field="month"' in month.get_data(as_text=True)
    officer.post("/logout")
    assert as_user("province_approver").get("/debt-cases/repayments").status_code == 403


def test_lists_filter_by_bucket(api, as_user):
    behind, _ids = _case(api)                                  # nothing repaid since February 2569: 90+
    officer = as_user("coop_officer")
    listed = officer.get("/debt-cases/?bucket=90%2B").get_data(as_text=True)
    assert f"/debt-cases/{behind}" in listed
    assert f"/debt-cases/{behind}\"" not in officer.get("/debt-cases/?bucket=current").get_data(as_text=True)
    token_api = api("coop_officer")
    found = token_api.get("/api/v1/debt-cases?bucket=90%2B").json
    assert [c["id"] for c in found["items"]] == [behind] and found["total"] == 1
    assert token_api.get("/api/v1/debt-cases?bucket=current").json["total"] == 0
