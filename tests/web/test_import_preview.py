"""Issue 21, points 2–4 on the pages: the dry runs preview the rows they read (masked IDs, amounts with separators,
dates in the Buddhist Era with the era each was read in), and the import page names each code's meaning."""
from __future__ import annotations

import io
import re

from tests.helpers import active_since, annuity, member_rows, xlsx

BIRTH = 4  # the birth date's column in the template
TEACHER_ID = "1101700230708"   # three_debts()'s teacher
REPAYMENT_HEADER = ("เลขประจำตัวประชาชน,เลขที่กรณี,รายการ (new_loan = เงินกู้ใหม่ หรือเลขหนี้เดิมที่ปรับโครงสร้าง),"
                    "จำนวนเงินที่หักได้,วันที่หัก/ชำระ,เลขอ้างอิงรายการ\n")


def _upload(client, rows, month="02/2569"):
    """A dry run of a repayment file of `rows` through the upload page."""
    content = (REPAYMENT_HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode("utf-8")
    return client.post("/debt-cases/repayments", data={"month": month, "dry_run": "1",
                                                      "file": (io.BytesIO(content), "feb.csv")},
                       content_type="multipart/form-data")


def _preview_rows(page: str, testid: str) -> list[str]:
    table = page[page.index(f'data-testid="{testid}"'):]
    table = table[:table.index("</table>")]
    return re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>"):], re.S)


def test_the_import_page_lists_the_codes_with_their_meanings(as_user):
    page = as_user("coop_officer").get("/debt-cases/import").get_data(as_text=True)
    codes = page[page.index('data-testid="import-codes"'):]
    assert "<code>gsb</code></td><td>ธนาคารออมสิน (ช.พ.ค.)" in codes
    assert "<code>enforced</code></td><td>ถูกบังคับคดี" in codes and "01/04/2518" in codes


def test_the_import_dry_run_previews_the_first_rows_as_read(as_user):
    rows = member_rows(15)                           # 30 rows, two debts per teacher
    for row in rows[::2]:
        row[BIRTH] = "1975-04-01"                    # each teacher's first row in the Common Era, the second in BE
    client = as_user("coop_officer")
    sent = client.post("/debt-cases/import", data={"file": (io.BytesIO(xlsx(rows)), "members.xlsx")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    preview = _preview_rows(page, "import-preview")
    assert len(preview) == 20                        # the first twenty of thirty
    first, second = preview[0], preview[1]
    assert "<td>2</td>" in first and "xxxxx" in first and "นาง ครู0 ใจดี" in first
    assert "01/04/2518 <span" in first and "อ่านเป็น ค.ศ." in first
    assert "01/04/2518 <span" in second and "อ่านเป็น พ.ศ." in second
    assert "45,000.00" in first and "100,000.00" in first and "21,500.00" in first
    assert "สหกรณ์ออมทรัพย์ครู" in first and "ธนาคารออมสิน (ช.พ.ค.)" in second and "ปกติ" in first
    eras = page[page.index('data-testid="import-eras"'):]
    assert "อ่านเป็น พ.ศ. 0 รายการ อ่านเป็น ค.ศ. 15 รายการ" in eras  # one birth date per teacher, its first row's
    assert 'data-testid="confirm-import"' in page


def test_the_repayment_dry_run_previews_its_rows_with_the_era_of_each_date(api, as_user):
    _officer, url, _ids, _plan = active_since(api)
    case_id = int(url.rsplit("/", 1)[1])
    new_loan = annuity("600000.00", "4.50", 180)
    officer = as_user("coop_officer")
    rows = [(TEACHER_ID, case_id, "new_loan", new_loan, "27/02/2569", "P-1"),
            (TEACHER_ID, case_id, "new_loan", "10.00", "2026-02-27", "P-2"),
            (TEACHER_ID, case_id, "new_loan", "10.00", "2569-02-27", "P-3"),   # ISO with a Buddhist year
            (TEACHER_ID, case_id, "new_loan", "10.00", "31/02/2569", "P-4")]
    page = _upload(officer, rows).get_data(as_text=True)
    preview = _preview_rows(page, "repayment-preview")
    assert len(preview) == 4
    assert "1-1017-xxxxx-70-8" in preview[0] and f"{new_loan:,.2f}" in preview[0] and "เงินกู้ใหม่" in preview[0]
    assert "27/02/2569 <span" in preview[0] and "อ่านเป็น พ.ศ." in preview[0]
    assert "27/02/2569 <span" in preview[1] and "อ่านเป็น ค.ศ." in preview[1]
    assert "27/02/2569 <span" in preview[2] and "อ่านเป็น พ.ศ." in preview[2]
    assert "31/02/2569" in preview[3] and "อ่านเป็นวันที่ไม่ได้" in preview[3]
    problems = page[page.index('data-testid="report-rows"'):]
    # only the impossible day is refused (on its column, in a file's terms); the Buddhist ISO year was read
    assert re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", problems) == [
        ("5", "วันที่หัก/ชำระ", "กรอกวันที่เป็น วว/ดด/ปปปป ปี พ.ศ. (01/04/2518) หรือ ค.ศ. (01/04/1975)")]
