"""Issue 14, item 2: a small file cannot exhaust a worker's memory or time, limits apply while the file is read, and
any failure of a check or an import ends the job with a clear message (never "checking" for ever). The workbooks
are written by hand with zipfile, so that they can claim what they do not hold."""
import io
import os
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape as html_escape

from app.extensions import db
from app.models import ImportJob
from app.jobs import limits as background
from app.services import debt_import, debt_import_rows, debt_import_sheet, debt_import_write
from app.services.debt_import_sheet import COLUMNS
from tests.factories import case_counts as counts, run_import as run, user
from tests.helpers import member_rows, xlsx

HEADERS = [thai for _k, thai, _e in COLUMNS]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def letters(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def workbook(rows: dict, dimension: str | None = None, extra: str = "", parts: dict | None = None) -> bytes:
    """A minimal XLSX: one sheet holding `rows` ({row number: [values]} as inline strings, or {row number:
    {column: value}}), `extra` XML after them inside <sheetData>, and any further `parts` ({path: bytes})."""
    xml = []
    for number, values in sorted(rows.items()):
        cells = values if isinstance(values, dict) else dict(enumerate(values, start=1))
        xml.append(f'<row r="{number}">' + "".join(
            f'<c r="{letters(c)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
            for c, v in sorted(cells.items()) if v != "") + "</row>")
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + f'<sheetData>{"".join(xml)}{extra}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
                   '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                   '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for path, data in (parts or {}).items():
            z.writestr(path, data)
    return out.getvalue()


def member(n: int) -> list[str]:
    return member_rows(n + 1, debts=1)[n]


def problem(job: ImportJob) -> tuple[str, int, str]:
    return job.status, job.errors[0]["row"], job.errors[0]["message"]


def peak_mb(work) -> tuple[object, float]:
    """The work's result and the most memory Python held meanwhile, in MB (tracemalloc sees every thread, so the
    app's start-up load of the Thai dictionary, 70 MB, is waited for first)."""
    for thread in threading.enumerate():
        if thread.name == "thai-dictionary":
            thread.join()
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# ---- XLSX: memory follows the cells present, limits apply while reading ---------------------------------------

def test_a_declared_dimension_pads_nothing_and_memory_follows_the_cells():
    # 2 KB declaring 16,384 columns by 20,000 rows: the old reader padded each row to 16,384 cells (2.6 GB here).
    content = workbook({1: HEADERS, 10000: member(0), 20000: {**dict(enumerate(member(1), 1)), 16384: "note"}},
                       dimension="A1:XFD20000")
    assert len(content) < 4096
    job, peak = peak_mb(lambda: run("coop_officer", content))
    assert job.status == "valid" and job.summary["rows"] == 2 and job.summary["new_cases"] == 2
    assert peak < 50, f"{peak:.0f} MB"


CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))  # old code needed 130 GB: fail, not swap
    from app import create_app
    from app.services import debt_import_sheet
    from config import TestingConfig
    class Quiet(TestingConfig):
        PDF_WARM_UP = False  # no Thai dictionary loading beside the measurement
    content = open(sys.argv[1], "rb").read()
    with create_app(Quiet).app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sheet = debt_import_sheet.read_table("members.xlsx", content)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print([n for n, _cells in sheet.rows], grown // 1024)
""")


def test_the_largest_declared_dimension_reads_in_little_memory(tmp_path):
    """A1:XFD1048576 with cells at rows 10,000 and 1,048,576, read in a child process whose address space is
    capped, so that the old reader fails there instead of taking the machine down."""
    path = tmp_path / "huge.xlsx"
    path.write_bytes(workbook({1: HEADERS, 10000: member(0), 1048576: member(1)}, dimension="A1:XFD1048576"))
    assert path.stat().st_size < 4096
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=root, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(root), "TEST_DATABASE_URL": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    rows, grown_mb = done.stdout.split("]")
    assert rows == "[10000, 1048576" and int(grown_mb) < 50  # the peak grew by less than 50 MB while reading


def test_the_row_cap_stops_the_read_at_the_first_row_past_it(monkeypatch):
    monkeypatch.setattr(debt_import_sheet, "MAX_ROWS", 3)
    broken = '<row r="7"><c r="!!7" t="inlineStr"><is><t>x</t></is></c></row>'  # never reached
    job = run("coop_officer", workbook({1: HEADERS, **{n: member(n) for n in range(2, 6)}}, extra=broken))
    assert problem(job) == ("invalid", 5, _("Row %(row)d is past the limit: a file holds at most %(n)d rows.",
                                             row=5, n=3))
    csv = run("coop_officer", _csv([HEADERS] + member_rows(4, debts=1)), "members.csv")
    assert problem(csv)[:2] == ("invalid", 5)


def test_a_row_numbered_past_the_last_row_of_a_sheet_is_refused():
    # The old reader trusted the dimension (A1:W2) and silently dropped the far row; without one it would count
    # to two thousand million.
    far = '<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>1101700230708</t></is></c></row>'
    job = run("coop_officer", workbook({1: HEADERS, 2: member(0)}, dimension="A1:W2", extra=far))
    assert problem(job) == ("invalid", 2000000000, _(
        "Row %(row)d is past the last row a spreadsheet can have (%(last)d).", row=2000000000, last=1048576))


def test_a_row_of_very_many_cells_is_refused_before_it_is_built():
    # 200,000 empty cells in one row: 1 KB zipped, about 110 MB once openpyxl has built the row.
    content = workbook({1: HEADERS}, extra='<row r="2">' + "<c/>" * 200_000 + "</row>")
    assert len(content) < 8192
    job, peak = peak_mb(lambda: run("coop_officer", content))
    assert problem(job) == ("invalid", 2, _("Row %(row)d has more cells than a spreadsheet row can hold.", row=2))
    assert peak < 50, f"{peak:.0f} MB"


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(monkeypatch):
    strings = f'<sst xmlns="{MAIN}"><si><t>{"a" * (33 * 2**20)}</t></si></sst>'  # read whole by openpyxl
    job = run("coop_officer", workbook({1: HEADERS, 2: member(0)}, parts={"xl/sharedStrings.xml": strings}))
    assert problem(job) == ("invalid", 1, _(
        "A part of the workbook (%(part)s) unpacks to more than %(mb)d MB. Save the workbook again from Excel, or "
        "save it as CSV UTF-8.", part="xl/sharedStrings.xml", mb=32))

    monkeypatch.setitem(current_app.config, "IMPORT_XLSX_MAX_UNPACKED_MB", 1)
    job = run("coop_officer", workbook({1: HEADERS, 2: member(0)}, parts={"xl/media/image1.bin": bytes(2**21)}))
    assert problem(job) == ("invalid", 1, _(
        "The workbook unpacks to more than %(mb)d MB. Split it into smaller files, or save it as CSV UTF-8.", mb=1))


def test_a_part_with_too_many_elements_is_refused_before_it_is_built():
    # 1,000,000 empty cell formats: 10 KB zipped, about 580 MB once openpyxl has read them. Every part is scanned,
    # whatever its name and whether or not the workbook points to it.
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * 1_000_000 + "</cellXfs></styleSheet>"
    job, peak = peak_mb(lambda: run("coop_officer", workbook({1: HEADERS, 2: member(0)},
                                                             parts={"xl/styles.xml": styles})))
    assert problem(job) == ("invalid", 1, _(
        "The workbook is built in a way that cannot be read safely (%(part)s). Save it again from Excel as a new "
        "workbook, or save it as CSV UTF-8.", part="xl/styles.xml"))
    assert peak < 50, f"{peak:.0f} MB"


# ---- CSV ------------------------------------------------------------------------------------------------------

def _csv(rows) -> bytes:
    from app.exports import csv_bytes

    return csv_bytes(rows[0], rows[1:])


def long_field_csv() -> bytes:
    rows = [HEADERS] + member_rows(2, debts=1)
    rows[2][5] = "ก" * 131_073  # row 3: one more character than Python's csv module reads
    return _csv(rows)


def test_a_csv_field_too_long_for_csv_ends_the_check_with_its_row():
    job = run("coop_officer", long_field_csv(), "members.csv")
    assert problem(job) == ("invalid", 3, _(
        "Row %(row)d cannot be read: a cell is longer than %(n)d characters, or a quote is not closed.",
        row=3, n=32767))
    assert job.finished_at is not None


def test_the_job_page_shows_a_failed_check_and_stops_reloading(as_user):
    client = as_user("coop_officer")
    page = client.post("/debt-cases/import", data={"file": (io.BytesIO(long_field_csv()), "members.csv")},
                       content_type="multipart/form-data", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'http-equiv="refresh"' not in html
    assert str(html_escape(_("Row %(row)d cannot be read: a cell is longer than %(n)d characters, or a quote is "
                             "not closed.", row=3, n=32767))) in html


# ---- any failure ends the job ---------------------------------------------------------------------------------

def test_an_unexpected_error_in_a_check_ends_the_job_failed_with_a_message(monkeypatch, caplog, as_user):
    def broken(*args):
        raise RuntimeError("internal detail the user must not see")

    monkeypatch.setattr(debt_import_rows, "_group", broken)
    job = run("coop_officer", xlsx(member_rows(2)))
    expected = _("An unexpected error stopped the job. It has been logged for the administrator (import %(id)d).",
                 id=job.id)
    assert (job.status, job.failure) == ("failed", expected) and job.finished_at is not None
    assert "internal detail" in caplog.text and "Traceback" in caplog.text  # the log has it, the page does not

    html = as_user("coop_officer").get(f"/debt-cases/import/{job.id}").get_data(as_text=True)
    assert str(html_escape(expected)) in html and "internal detail" not in html
    assert 'http-equiv="refresh"' not in html and 'data-testid="import-failed"' in html


def test_an_unexpected_error_in_an_import_ends_it_failed_with_a_message(monkeypatch):
    before = counts()
    job = run("coop_officer", xlsx(member_rows(3)))

    def broken(*args):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(debt_import_write, "_insert_new", broken)
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert (job.status, job.failure) == ("failed", _(
        "An unexpected error stopped the job. It has been logged for the administrator (import %(id)d).", id=job.id))
    assert counts() == before


def test_a_check_no_worker_takes_says_so_on_its_page(as_user):
    """A check queued for longer than JOBS_REQUEUE_SECONDS with no worker's claim (issue 16: a dead worker's job is
    taken up by another; this is the case of no worker at all): the page keeps waiting and says why it may wait."""
    from sqlalchemy import update

    from app.domain.clock import utcnow

    job = run("coop_officer", xlsx(member_rows(2)))
    seconds = current_app.config["JOBS_REQUEUE_SECONDS"]
    db.session.execute(update(ImportJob).where(ImportJob.id == job.id).values(
        status="checking", claim_token=None, claimed_at=utcnow() - timedelta(seconds=seconds + 1)))
    db.session.commit()
    html = as_user("coop_officer").get(f"/debt-cases/import/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and 'data-testid="import-waiting"' in html
    db.session.execute(update(ImportJob).where(ImportJob.id == job.id).values(claimed_at=utcnow()))
    db.session.commit()
    html = as_user("coop_officer").get(f"/debt-cases/import/{job.id}").get_data(as_text=True)
    assert 'data-testid="import-waiting"' not in html


# ---- time limits ----------------------------------------------------------------------------------------------

def test_the_deadline_helper():
    background.checkpoint()  # no limit outside a job
    with background.deadline(0.05):
        background.checkpoint()
        time.sleep(0.06)
        with pytest.raises(background.TimeLimitExceeded):
            background.checkpoint()
    background.checkpoint()


def slowly(monkeypatch, module, name: str, seconds: float) -> None:
    real = getattr(module, name)

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)


def time_limit_message(seconds: int) -> str:
    return _("The job ran for more than %(seconds)d seconds and was stopped. Split the file and upload the parts one "
             "at a time.", seconds=seconds)


def test_a_check_past_its_time_limit_ends_failed(monkeypatch):
    monkeypatch.setitem(current_app.config, "IMPORT_JOB_TIME_LIMIT", 1)
    slowly(monkeypatch, debt_import_rows, "parse_case", 0.05)  # 60 teachers: 3 s without a limit
    started = time.monotonic()
    job = run("coop_officer", xlsx(member_rows(60, debts=1)))
    assert (job.status, job.failure) == ("failed", time_limit_message(1))
    assert time.monotonic() - started < 2.5


def test_an_import_past_its_time_limit_ends_failed_and_writes_nothing(monkeypatch):
    before = counts()
    job = run("coop_officer", xlsx(member_rows(5)))
    monkeypatch.setitem(current_app.config, "IMPORT_JOB_TIME_LIMIT", 1)
    slowly(monkeypatch, debt_import_write, "_insert_new", 1.2)
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert (job.status, job.failure) == ("failed", time_limit_message(1))
    assert counts() == before

