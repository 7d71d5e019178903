"""The dashboard page, its downloads, list exports and the summary API."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, Person
from tests.factories import new_case


def test_dashboard_shows_the_scope_and_drills_down(as_user, decided):
    client = as_user("ministry_viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="dashboard-unit"' in page and page.count('data-testid="unit-row"') >= 18
    assert "chart.umd.min.js" in page and "<script>" not in page  # charts from static files, no inline script
    province = client.get("/dashboard?unit=50").get_data(as_text=True)
    assert "สหกรณ์ออมทรัพย์ครูเชียงใหม่" in province and "/debt-cases/?unit=50" in province
    assert as_user("ministry_viewer").get("/dashboard?fy=2570&unit=50").status_code == 200


def test_dashboard_of_a_unit_outside_the_scope_is_404(as_user):
    assert as_user("province_approver").get("/dashboard?unit=40").status_code == 404


def test_every_dashboard_table_downloads_as_csv_and_xlsx(as_user, decided):
    client = as_user("province_approver")
    for name in ("debt_status", "debt_risk", "debt_figures", "units", "waiting", "relief_status", "relief_money"):
        response = client.get(f"/dashboard?export={name}&format=csv")
        assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows and all(isinstance(cell, str) for cell in rows[0])
        book = load_workbook(io.BytesIO(client.get(f"/dashboard?export={name}&format=xlsx").data))
        assert book.active.max_row == len(rows)
    assert client.get("/dashboard?export=nope&format=csv").status_code == 404


def test_case_list_export_masks_ids_unless_the_role_may_see_them(as_user, decided):
    new_case()
    ids = set(db.session.scalars(select(Person.citizen_id).join(DebtCase, DebtCase.person_id == Person.id)))
    officer = as_user("province_officer").get("/debt-cases/?format=csv&unit=50")
    text = officer.data.decode("utf-8-sig")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in text.splitlines()[0])  # Thai headers
    assert any(i in text for i in ids)
    as_user("province_officer").post("/logout")
    approver = as_user("province_approver").get("/debt-cases/?format=xlsx")
    sheet = load_workbook(io.BytesIO(approver.data)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert not any(i in values for i in ids) and any("xxxxx" in v for v in values)


def test_exports_neutralise_formulas(as_user):
    from app.exports import csv_bytes

    data = csv_bytes(["a"], [["=HYPERLINK(\"http://evil\")"], ["-12.50"], ["@SUM(A1)"]]).decode("utf-8-sig")
    assert "'=HYPERLINK" in data and "\n-12.50" in data.replace("\r", "") and "'@SUM" in data


def test_summary_api(api, decided):
    body = api("ministry_viewer").get("/api/v1/reports/summary").json
    assert body["scope"]["kind"] == "ministry" and body["debt_cases"]["total"] == 1
    assert set(body["debt_cases"]["by_risk_group"]) == {"red", "orange", "yellow", "green"}
    assert body["relief_cases"]["paid_amount"] == "250000.00"
    one = api("ministry_viewer").get("/api/v1/reports/summary?province_code=50").json
    assert one["scope"]["code"] == "50" and one["debt_cases"]["total"] == 1
    assert api("province_approver").get("/api/v1/reports/summary?province_code=40").status_code == 404


def test_every_list_downloads(as_user, decided):
    from tests.factories import user
    from app.services import letters

    debt, _relief = decided
    letters.issue(user("province_officer"), "debt", debt.id, "approval_notice")
    for username, url, expect in (("south_officer", "/relief-cases/", "RC2569"), ("province_officer", "/people/", "พิมพ์ใจ"),
                                  ("province_officer", "/letters?office=all", "ศธ 0206.3/1"),
                                  ("auditor", "/audit/", "letter.issue")):
        client = as_user(username)
        sep = "&" if "?" in url else "?"
        csv_text = client.get(f"{url}{sep}format=csv").data.decode("utf-8-sig")
        assert expect in csv_text, url
        book = load_workbook(io.BytesIO(client.get(f"{url}{sep}format=xlsx").data))
        assert book.active.max_row == len(list(csv.reader(io.StringIO(csv_text)))), url
        client.post("/logout")


def test_people_export_masks_ids_for_roles_that_do_not_need_them(as_user, decided):
    viewer = as_user("province_approver").get("/people/?format=csv").data.decode("utf-8-sig")
    assert "3509900111117" not in viewer and "3-5099-xxxxx-11-7" in viewer
