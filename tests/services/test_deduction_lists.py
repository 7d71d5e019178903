"""The monthly deduction list (issue 19; domain.md "After approval" 3), read by services/deduction_lists.py from a
case made active through the API. Expected amounts come from the plan's own schedules (the schedule API) and the
debt as entered, never from the deduction lines themselves."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
import time_machine

from app.models import DeductionLine
from app.services import deduction_lists, deduction_xlsx
from app.services.deduction_lists import Item, Line
from app.services.errors import ValidationFailed
from tests.factories import OrgUnitFactory, unit_by_code, user
from app.xlsx_layout import MONEY_FORMAT, MONTH_FORMAT, text_width
from tests.helpers import active_case


def month(text: str) -> date:
    year, number = text.split("-")
    return date(int(year), int(number), 1)


def listed(username: str, on: str | date, **filters) -> list[Item]:
    return list(deduction_lists.items(user(username), on if isinstance(on, date) else month(on), **filters))


def instalment(n: int) -> date:
    """The month of the n-th instalment (from 1) of a schedule starting in February 2027."""
    return date(2027 + n // 12, n % 12 + 1, 1)


def payments(officer, url, plan, part) -> list[Decimal]:
    """The part's monthly payments, from the plan's schedule as the API gives it."""
    items = officer.get(f"{url}/plans/{plan['id']}/schedule?part={part}").json["items"]
    return [Decimal(i["payment"]) for i in items]


@pytest.fixture
def case(api):
    officer, url, ids, plan = active_case(api)  # first due month 2027-02
    loan, ktb = payments(officer, url, plan, "new_loan"), payments(officer, url, plan, str(ids[2]))
    return {"url": url, "ids": ids, "loan": loan, "ktb": ktb, "id": int(url.rsplit("/", 1)[1])}


def test_the_first_month_lists_every_salary_deducted_debt_in_the_legal_order(case):
    ids, loan, ktb = case["ids"], case["loan"], case["ktb"]
    [item] = listed("coop_officer", "2027-02")
    assert item.change == "new" and item.case_id == case["id"]
    assert (item.citizen_id, item.name, item.paying_unit_code) == ("1101700230708", "นางสมศรี ใจดี", "AREA-CMI-01")
    # the new loan, then the cooperative's own untouched debt (s.42/1), then the bank's rescheduled one
    assert item.lines == (Line(1, "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "new_loan", loan[0]),
                          Line(2, "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", str(ids[0]), Decimal("21500.00")),
                          Line(3, "ธนาคารกรุงไทย", str(ids[2]), ktb[0]))
    assert item.total == loan[0] + Decimal("21500.00") + ktb[0]
    # before the first due month there is nothing; the month after, the same amounts
    assert listed("coop_officer", "2027-01") == []
    [march] = listed("coop_officer", "2027-03")
    assert march.change == "unchanged" and march.lines == item.lines


def test_changes_as_the_schedules_run_out(case):
    ids, loan, ktb = case["ids"], case["loan"], case["ktb"]
    assert len(loan) == 180 and len(ktb) == 60
    assert (instalment(1), instalment(12), instalment(60)) == (date(2027, 2, 1), date(2028, 1, 1), date(2032, 1, 1))
    # the rescheduled annuity's last instalment (its 60th month, January 2032) differs from the others
    assert ktb[-1] != ktb[-2]
    [before_last] = listed("coop_officer", instalment(59))
    assert before_last.change == "unchanged" and before_last.lines[2].amount == ktb[-2]
    [last] = listed("coop_officer", instalment(60))
    assert last.change == "changed" and last.lines[2].amount == ktb[-1]
    assert last.total == loan[59] + Decimal("21500.00") + ktb[-1]
    [after] = listed("coop_officer", instalment(61))  # the bank's line is gone
    assert after.change == "changed" and [line.part for line in after.lines] == ["new_loan", str(ids[0])]
    # the untouched debt's 132 months end in January 2038
    assert listed("coop_officer", instalment(132))[0].lines[1].amount == Decimal("21500.00")
    [alone] = listed("coop_officer", instalment(133))
    assert alone.change == "changed" and alone.lines == (Line(1, alone.lines[0].creditor, "new_loan", loan[132]),)
    assert listed("coop_officer", instalment(134))[0].change == "unchanged"
    # the new loan's 180th month (January 2042): its last instalment, then the teacher is stopped, then gone
    [final] = listed("coop_officer", instalment(180))
    assert final.total == loan[-1] and final.change == ("changed" if loan[-1] != loan[-2] else "unchanged")
    [stopped] = listed("coop_officer", instalment(181))
    assert stopped.change == "stopped" and stopped.lines == () and stopped.total == Decimal("0.00")
    assert listed("coop_officer", instalment(182)) == []


def test_a_revision_stops_the_deductions_from_the_next_month(case, api):
    officer, url = api("coop_officer"), case["url"]
    # revised in April 2027: April's list stands, May's marks the teacher stopped
    version = officer.get(url).json["version"]
    with time_machine.travel(datetime(2027, 4, 10, 5, 0, tzinfo=UTC), tick=False):
        revised = api("coop_officer").post(url + "/transitions", json={"action": "revise", "version": version,
                                                                        "comment": "ปรับแผนใหม่"})
    assert revised.status_code == 200, revised.json
    assert listed("coop_officer", "2027-04")[0].change == "unchanged"
    [may] = listed("coop_officer", "2027-05")
    assert may.change == "stopped" and may.total == 0
    assert listed("coop_officer", "2027-06") == []


def test_scope_and_filters(case):
    # another province's officer, another cooperative's officer: nothing
    assert listed("south_officer", "2027-02") == [] and listed("coop_officer2", "2027-02") == []
    # the province's officer and the ministry see the case
    assert [i.case_id for i in listed("province_officer", "2027-02")] == [case["id"]]
    assert [i.case_id for i in listed("ministry_viewer", "2027-02", paying_unit_code="AREA-CMI-01")] == [case["id"]]
    assert listed("province_officer", "2027-02", province_code="94") == []
    assert deduction_lists.count(user("province_officer"), month("2027-02")) == 1
    # a code that names no paying unit: 422 on the field
    for code in ("NOPE", "COOP-CMI-01", "50"):
        with pytest.raises(ValidationFailed) as error:
            listed("province_officer", "2027-02", paying_unit_code=code)
        assert "paying_unit_code" in error.value.fields


def test_ordered_by_paying_unit_code_then_case(api, db):
    # a pension payer, and a second area office coded before the first
    OrgUnitFactory(code="AREA-CMI-00", name="สพป.ทดสอบ", kind="area_office", parent=unit_by_code("50"))
    pensions = OrgUnitFactory(code="PENSION-T-1", name="สำนักงานคลังจังหวัดทดสอบ", kind="pension_payer",
                              parent=unit_by_code("50"))
    first = active_case(api, citizen_id="3100100123451")
    second = active_case(api, citizen_id="1409900123454", paying_unit_code="AREA-CMI-00")
    third = active_case(api, citizen_id="1959900012348")
    ids = [int(c[1].rsplit("/", 1)[1]) for c in (first, second, third)]
    # the paying unit is copied onto the lines at activation; the pension payer takes over the first case's
    db.session.query(DeductionLine).filter(DeductionLine.case_id == ids[0]).update({"paying_unit_id": pensions.id})
    db.session.commit()
    items = listed("province_officer", "2027-02")
    assert [(i.paying_unit_code, i.case_id) for i in items] == [
        ("AREA-CMI-00", ids[1]), ("AREA-CMI-01", ids[2]), ("PENSION-T-1", ids[0])]
    assert [i.case_id for i in listed("province_officer", "2027-02", paying_unit_code="PENSION-T-1")] == [ids[0]]


@pytest.mark.parametrize("text, expected", [("2027-02", date(2027, 2, 1)), ("02/2570", date(2027, 2, 1)),
                                            ("2/2570", date(2027, 2, 1)), ("๐๒/๒๕๗๐", date(2027, 2, 1))])
def test_months_typed_and_iso(text, expected):
    assert deduction_lists.parse_month(text) == expected


@pytest.mark.parametrize("text", ["", None, "2027-13", "13/2570", "2027", "February", "2027-02-01"])
def test_bad_months_are_field_errors(text):
    with pytest.raises(ValidationFailed) as error:
        deduction_lists.parse_month(text)
    assert "month" in error.value.fields


def _item(unit: str, case_id: int, lines: int = 2) -> Item:
    made = tuple(Line(n, "สหกรณ์", "new_loan" if n == 1 else str(n), Decimal("100.50")) for n in range(1, lines + 1))
    return Item("1101700230708", "นาย ก", unit, f"หน่วย {unit}", case_id, f"DC-{case_id}", made,
                Decimal("100.50") * lines, "unchanged")


def test_a_sheet_per_paying_unit_and_a_new_one_when_a_sheet_is_full(monkeypatch):
    monkeypatch.setattr(deduction_xlsx, "MAX_ROWS", 7)  # the header and two teachers of three rows each
    long_code = "AREA-" + "X" * 40
    out = io.BytesIO()
    deduction_lists.write_xlsx(iter([_item("A-1", 1), _item("B-1", 2), _item("B-1", 3), _item("B-1", 4),
                                     _item(long_code, 5)]), out, date(2027, 2, 1))
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["A-1", "B-1", "B-1-2", long_code[:31]]
    assert [book[name].max_row for name in book.sheetnames] == [4, 7, 4, 4]
    assert [row[6] for row in book["B-1-2"].iter_rows(min_row=2, values_only=True)] == [4, 4, 4]
    # a list with nobody on it is still a workbook, with its headers
    empty = io.BytesIO()
    deduction_lists.write_xlsx(iter([]), empty, date(2027, 2, 1))
    assert load_workbook(io.BytesIO(empty.getvalue())).active.max_row == 1


def test_text_is_escaped_and_control_characters_dropped():
    item = Item("1101700230708", 'นาง <ก> & "ข"\x07', "A", "", 1, "=HYPERLINK(\"x\")", (), Decimal("0.00"), "stopped")
    out = io.BytesIO()
    deduction_lists.write_xlsx([item], out, date(2027, 2, 1))
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(min_row=2, values_only=True))
    assert row[4] == 'นาง <ก> & "ข"' and row[5] == '=HYPERLINK("x")'  # text, never a formula
    csv_text = io.BytesIO()
    deduction_lists.write_csv([item], csv_text)
    assert "'=HYPERLINK" in csv_text.getvalue().decode("utf-8")  # CSV injection guarded as in app/exports.py


def test_the_workbook_shows_months_amounts_and_widths_as_every_export_does():
    """Issue 21, point 10 (app/xlsx_layout.py): the month a real date shown mm/BE-year, amounts numbers with
    separators, and every column at least as wide as its header."""
    out = io.BytesIO()
    deduction_lists.write_xlsx(iter([_item("A-1", 1)]), out, date(2027, 2, 1))
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    first = next(sheet.iter_rows(min_row=2, max_row=2))
    assert first[0].value == datetime(2027, 2, 1) and first[0].number_format == MONTH_FORMAT
    assert first[11].data_type == "n" and first[11].number_format == MONEY_FORMAT
    for index, header in enumerate(sheet[1], 1):
        assert sheet.column_dimensions[get_column_letter(index)].width >= text_width(header.value), header.value
    assert sheet.column_dimensions["B"].width > deduction_xlsx.WIDTHS[1]  # รหัสหน่วยผู้เบิกจ่าย: wider than its codes
