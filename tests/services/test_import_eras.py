"""Issue 21, points 2 and 3, in the debt import: birth dates in either era (and Excel date cells) import to the same
Common-Era day, the dry run counts the eras it read and keeps the first rows as read; the JSON API keeps ISO."""
from datetime import date, datetime

from sqlalchemy import select

from app.domain.thai_id import mask_citizen_id
from app.exports import csv_bytes
from app.extensions import db
from app.models import Person
from app.services import debt_import
from app.services.debt_import_sheet import COLUMNS, EXAMPLE, column_label
from tests.factories import run_import as run, user
from tests.helpers import citizen_id, three_debts, xlsx

KEYS = [key for key, _thai, _english in COLUMNS]
BIRTH = KEYS.index("birth_date")


def _rows(*birth_dates) -> list[list]:
    """A teacher of EXAMPLE per birth date, each with their own citizen ID."""
    rows = []
    for n, birth in enumerate(birth_dates):
        row = list(EXAMPLE)
        row[0], row[2], row[BIRTH] = citizen_id(900 + n), f"ครูปี{n}", birth
        rows.append(row)
    return rows


def _birth_dates(count: int) -> list[date]:
    return [db.session.scalar(select(Person.birth_date).where(Person.citizen_id == citizen_id(900 + n)))
            for n in range(count)]


def test_buddhist_and_common_era_birth_years_import_to_the_same_day():
    written = ["01/04/2518", "2518-04-01", "01/04/1975", "1975-04-01", datetime(1975, 4, 1)]  # the last a date cell
    job = run("coop_officer", xlsx(_rows(*written)))
    assert job.status == "valid", job.errors   # before: "the date cannot be in the future" for the BE years
    assert job.summary["birth_date_eras"] == {"be": 2, "ce": 3}
    preview = job.summary["preview"]
    assert [(r["row"], r["birth_date"], r["birth_era"]) for r in preview] == [
        (2, "01/04/2518", "be"), (3, "01/04/2518", "be"), (4, "01/04/2518", "ce"), (5, "01/04/2518", "ce"),
        (6, "01/04/2518", "ce")]
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    assert _birth_dates(5) == [date(1975, 4, 1)] * 5


def test_a_teachers_rows_in_two_eras_agree_and_a_bad_date_is_marked_in_the_sheets_words():
    rows = _rows("01/04/2518", "31/02/2518")
    second_debt = list(rows[0])
    second_debt[KEYS.index("creditor_name")], second_debt[KEYS.index("creditor_type")] = "ธนาคารออมสิน", "gsb"
    second_debt[BIRTH] = "1975-04-01"   # the same day in the other era: no "differs from row 2"
    job = run("coop_officer", xlsx([rows[0], second_debt, rows[1]]))
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, column_label("birth_date"))]
    assert "01/04/2518" in job.errors[0]["message"] and "YYYY-MM-DD" not in job.errors[0]["message"]
    assert job.summary["preview"][2]["birth_date"] == "31/02/2518" and job.summary["preview"][2]["birth_era"] == ""


def test_the_preview_shows_the_rows_as_read():
    job = run("coop_officer", xlsx(_rows("12/09/2503")))
    first = job.summary["preview"][0]
    assert first["citizen_id"] == mask_citizen_id(citizen_id(900)) and "xxxxx" in first["citizen_id"]  # PDPA
    assert (first["name"], first["monthly_salary"], first["outstanding"]) == ("นาง ครูปี0 ใจดี", "45,000.00",
                                                                              "1,850,000.00")
    assert (first["creditor_name"], first["creditor_type"], first["legal_status"]) == (
        "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "normal")


def test_a_file_from_the_earlier_template_still_reads():
    headers = [thai for _k, thai, _e in COLUMNS]
    headers[BIRTH] = "วันเกิด (ค.ศ. ปปปป-ดด-วว)"
    job = run("coop_officer", csv_bytes(headers, _rows("1975-04-01")), "members.csv")
    assert job.status == "valid" and job.summary["birth_date_eras"] == {"be": 0, "ce": 1}


def test_the_api_keeps_iso_common_era_birth_dates(api):
    """api-v1.md: birth_date is ISO Common Era; only spreadsheets gain the Buddhist year."""
    body = three_debts()
    body["teacher"]["birth_date"] = "01/04/2518"
    refused = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert refused.status_code == 422 and "teacher.birth_date" in refused.json["error"]["fields"]
    body["teacher"]["birth_date"] = "2518-04-01"   # a Buddhist year in ISO: a day in the future, as before
    assert api("coop_officer").post("/api/v1/debt-cases", json=body).status_code == 422
    body["teacher"]["birth_date"] = "1975-04-01"
    created = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert created.status_code == 201 and created.json["teacher"]["birth_date"] == "1975-04-01"
