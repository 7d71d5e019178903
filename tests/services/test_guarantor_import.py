"""Guarantors in the spreadsheet import (issue 20): the guarantors column holds each debt's guarantors separated by
";", each "เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล"; a refused entry is reported by row and column, naming the
entry; a file without the column (the earlier template) leaves a debt's guarantors on file as they are."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Debt, DebtCase, DebtGuarantor, Person
from app.services import debt_import
from app.services.debt_import_sheet import COLUMNS, template
from tests.factories import run_import, user
from tests.helpers import citizen_id, member_rows, xlsx

SPOUSE, SON = "3100100123451", "1409900123454"
COLUMN = [key for key, _t, _e in COLUMNS].index("guarantors")
HEADER = COLUMNS[COLUMN][1]


def _guarantors_of(citizen: str) -> list[list[tuple]]:
    """Each debt's guarantors, debt by debt, of the teacher's case."""
    case = db.session.scalar(select(DebtCase).join(Person).where(Person.citizen_id == citizen))
    return [[(g.citizen_id, g.title, g.first_name, g.last_name) for g in d.guarantors] for d in case.debts]


def test_the_template_shows_the_column_and_an_example():
    headers, examples = template()
    assert headers[COLUMN] == HEADER and ";" in HEADER
    assert examples[0][COLUMN] == f"{SPOUSE} นาง ซูไรดา สาแม; {SON} นาย อิมรอน สาแม"
    assert examples[1][COLUMN] == ""


def test_guarantors_are_imported_debt_by_debt():
    rows = member_rows(2)
    rows[0][COLUMN] = f"3-1001-00123-45-1 นาง ซูไรดา สาแม ; {SON} อิมรอน สาแม"
    rows[1][COLUMN] = ""
    rows[2][COLUMN] = f"{SON} นาย อิมรอน สาแม"
    job = run_import("coop_officer", xlsx(rows))
    assert job.status == "valid", job.errors
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    assert _guarantors_of(citizen_id(0)) == [[(SPOUSE, "นาง", "ซูไรดา", "สาแม"), (SON, None, "อิมรอน", "สาแม")], []]
    assert _guarantors_of(citizen_id(1))[0] == [(SON, "นาย", "อิมรอน", "สาแม")]


def test_a_refused_entry_is_reported_by_row_and_column(app):
    rows = member_rows(2)
    rows[1][COLUMN] = f"{SPOUSE} นาง ซูไรดา สาแม; 3100100123452 นาง ซูไรดา สาแม"   # row 3: a bad check digit
    rows[2][COLUMN] = f"{citizen_id(1)} นาง ครู1 ใจดี"                              # row 4: the teacher herself
    job = run_import("coop_officer", xlsx(rows))
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, HEADER), (4, HEADER)]
    with app.test_request_context():
        assert job.errors[0]["message"].startswith(_("Guarantor %(n)d", n=2) + ":")
        assert _("The teacher cannot guarantee their own debt.") in job.errors[1]["message"]


def test_a_file_without_the_column_keeps_the_guarantors_on_file():
    rows = member_rows(1)
    job = run_import("coop_officer", xlsx(rows))
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    before = _guarantors_of(citizen_id(0))
    assert before[0] and before[1]   # the template's example guarantors on both debts
    # the earlier template: the same file less its last column, with a new balance
    book = load_workbook(io.BytesIO(xlsx(rows)))
    sheet = book.active
    sheet.delete_cols(COLUMN + 1)
    sheet.cell(row=2, column=19, value="90000.00")
    out = io.BytesIO()
    book.save(out)
    again = run_import("coop_officer", out.getvalue())
    assert again.status == "valid" and again.summary["updated_cases"] == 1, again.errors
    debt_import.start_import(user("coop_officer"), again.id)
    db.session.expire_all()
    assert _guarantors_of(citizen_id(0)) == before
    assert db.session.scalar(select(Debt.outstanding).join(DebtGuarantor).where(DebtGuarantor.citizen_id == SPOUSE)
                             .order_by(Debt.id).limit(1)) == 90000
