"""The import spreadsheet (issue 7): its columns with their Thai and English headers, the template, and reading a
file into rows keyed by those columns. One row per debt (a teacher without debts: one row with the creditor left
empty); the teacher's columns repeat on each of their rows. Checking the rows is debt_import_rows.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import force_locale

from app.i18n import gettext as _
from app.labels import CREDITOR_TYPE_LABELS, LEGAL_STATUS_LABELS
from app.models.debt import CREDITOR_TYPES, LEGAL_STATUSES
from app.services import spreadsheet_reader
from app.services.errors import ValidationFailed

MAX_ROWS = 200_000

TEACHER_COLUMNS = (
    ("citizen_id", "เลขประจำตัวประชาชน", "Citizen ID"),
    ("title", "คำนำหน้า", "Title"),
    ("first_name", "ชื่อ", "First name"),
    ("last_name", "นามสกุล", "Last name"),
    # Issue 21, point 3: either era, day first (app/domain/sheet_dates.py); the dry run says which it read
    ("birth_date", "วันเกิด (วว/ดด/ปปปป พ.ศ. หรือ ค.ศ.)", "Birth date (dd/mm/yyyy, BE or CE)"),
    ("position", "ตำแหน่ง", "Position"),
    ("workplace", "สถานศึกษา/หน่วยงาน", "Workplace"),
    ("monthly_salary", "เงินเดือน", "Monthly salary"),
    ("monthly_allowances", "เงินเพิ่มและค่าตอบแทน", "Monthly allowances"),
)
DEDUCTION_COLUMNS = tuple((f"deduction_{kind}", label, f"Deduction: {kind}") for kind, label in (
    ("tax", "หักภาษี"), ("gpf", "หัก กบข."), ("social_security", "หักประกันสังคม"),
    ("funeral_welfare", "หัก ช.พ.ค./ช.พ.ส."), ("cooperative_shares", "หักค่าหุ้นสหกรณ์"),
    ("insurance", "หักเบี้ยประกัน"), ("other", "หักอื่น ๆ")))
DEBT_COLUMNS = (
    ("creditor_name", "เจ้าหนี้", "Creditor"),
    ("creditor_type", "ประเภทเจ้าหนี้", "Creditor type"),
    ("outstanding", "ยอดหนี้คงเหลือ", "Outstanding"),
    ("annual_rate", "ดอกเบี้ยต่อปี (ร้อยละ)", "Annual rate (percent)"),
    ("monthly_payment", "ผ่อนต่อเดือน", "Monthly payment"),
    ("remaining_months", "งวดที่เหลือ", "Remaining months"),
    ("legal_status", "สถานะทางกฎหมาย", "Legal status"),
)
# Issue 17 (api-v1.md v1.1): a retired teacher, whose monthly pension is receipts and base (domain.md, "The 30% rule"),
# and the area office that pays the salary or draws the pension. Last, so that files made from the earlier template
# still read (columns are found by their header, and these three may be absent).
RETIREMENT_COLUMNS = (
    ("retired", "ข้าราชการบำนาญ (ใช่/ไม่ใช่)", "Retired (yes/no)"),
    ("monthly_pension", "เงินบำนาญ", "Monthly pension"),
    ("paying_unit_code", "รหัสหน่วยผู้เบิกจ่าย (สพป./สพม.)", "Paying unit code"),
)
# Issue 20 (api-v1.md v1.1 debts[].guarantors): each debt's guarantors in one cell, separated by ";", each as
# "เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล" (app/domain/guarantors.py). Last, like the retirement columns, so that
# earlier files still read; a file without the column leaves the guarantors on file as they are.
GUARANTOR_COLUMNS = (
    ("guarantors", "ผู้ค้ำประกัน (เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล คั่นแต่ละคนด้วย ;)", "Guarantors"),
)
COLUMNS = TEACHER_COLUMNS + DEDUCTION_COLUMNS + DEBT_COLUMNS + RETIREMENT_COLUMNS + GUARANTOR_COLUMNS
# Headers of earlier templates, so that files made from them still read
EARLIER_HEADERS = {"วันเกิด (ค.ศ. ปปปป-ดด-วว)": "birth_date", "Birth date (YYYY-MM-DD)": "birth_date"}
HEADER_KEYS = {name.strip().lower(): key for key, thai, english in COLUMNS for name in (key, thai, english)} | {
    name.lower(): key for name, key in EARLIER_HEADERS.items()}
# Cells the XLSX template writes as numbers (issue 21, point 10: amounts and rates are numbers, not text)
DECIMAL_KEYS = ({"monthly_salary", "monthly_allowances", "outstanding", "annual_rate", "monthly_payment",
                 "monthly_pension"} | {key for key, _t, _e in DEDUCTION_COLUMNS})
COUNT_KEYS = {"remaining_months"}
TEACHER_FIELDS = ("title", "first_name", "last_name", "birth_date", "position", "workplace")
CASE_FIELDS = (("monthly_salary", "monthly_allowances") + tuple(key for key, _t, _e in DEDUCTION_COLUMNS)
               + tuple(key for key, _t, _e in RETIREMENT_COLUMNS))
# What the retired column takes: Thai or English, yes or no (an empty cell is no).
RETIRED_YES = ("ใช่", "บำนาญ", "yes", "y", "true", "1")
RETIRED_NO = ("", "ไม่ใช่", "no", "n", "false", "0")


# ---- the template ------------------------------------------------------------------------------------

EXAMPLE = ["1101700230708", "นาง", "สมศรี", "ใจดี", "01/04/2518", "ครู ชำนาญการพิเศษ", "โรงเรียนบ้านหนองผึ้ง",
           "45000.00", "3500.00", "1200.00", "1350.00", "", "", "", "800.00", "",
           "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "1850000.00", "5.75", "21500.00", "132", "normal",
           "ไม่ใช่", "", "",
           "3100100123451 นาง ซูไรดา สาแม; 1409900123454 นาย อิมรอน สาแม"]
# A retired teacher: no salary, the pension in its column (receipts and base of the 30% rule).
RETIRED_EXAMPLE = ["3509900333331", "นาย", "ประยูร", "บุญมา", "12/09/2503", "ครู ชำนาญการพิเศษ (ข้าราชการบำนาญ)", "",
                   "0", "0", "", "", "", "", "", "", "",
                   "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "620000.00", "5.75", "9500.00", "84", "normal",
                   "ใช่", "28000.00", "", ""]


def template() -> tuple[list[str], list[list[str]]]:
    """Thai headers and two example rows, a serving and a retired teacher. The codes a column takes are listed in
    the XLSX's second sheet."""
    return [thai for _k, thai, _e in COLUMNS], [EXAMPLE, RETIRED_EXAMPLE]


def template_sheet_rows() -> list[list]:
    """The example rows as the XLSX template writes them: amounts and counts as numbers (app/xlsx_layout.py shows
    them with separators), the rest as text: the citizen ID stays 13 digits, the birth date as a Thai office types
    it. The CSV template keeps template()'s text."""
    keys = [key for key, _t, _e in COLUMNS]
    return [[Decimal(cell) if key in DECIMAL_KEYS and cell else int(cell) if key in COUNT_KEYS and cell else cell
             for key, cell in zip(keys, row)] for row in template()[1]]


CODES_HEADERS = ["คอลัมน์", "รหัส", "ความหมาย"]


def code_labels() -> list[tuple[str, str, object]]:
    """(column key, code, label) of every code a column takes (issue 21, point 4: a code is shown with its meaning)."""
    return ([("creditor_type", code, CREDITOR_TYPE_LABELS[code]) for code in CREDITOR_TYPES]
            + [("legal_status", code, LEGAL_STATUS_LABELS[code]) for code in LEGAL_STATUSES])


def codes_help() -> list[list[str]]:
    """The template's second sheet, in Thai as the template is (CODES_HEADERS): each code with its Thai meaning."""
    with force_locale("th"):
        codes = [[column_label(key), code, str(label)] for key, code, label in code_labels()]
    return (codes + [["ข้าราชการบำนาญ", "ใช่", "เป็นข้าราชการบำนาญ (ใช้เงินบำนาญในเกณฑ์ร้อยละ 30)"],
                     ["ข้าราชการบำนาญ", "ไม่ใช่", "ยังรับราชการ (ช่องว่างก็ถือว่าไม่ใช่)"]]
            + [["หมายเหตุ", "หนึ่งแถวต่อหนี้หนึ่งรายการ ข้อมูลครูซ้ำได้ในทุกแถวของครูคนเดียวกัน"],
               ["หมายเหตุ", "วันเกิด: วว/ดด/ปปปป ปี พ.ศ. (01/04/2518) หรือ ค.ศ. (01/04/1975) ก็ได้ "
                            "ปีตั้งแต่ 2400 ขึ้นไปถือเป็น พ.ศ. หรือใช้เซลล์วันที่ของ Excel ก็ได้ "
                            "ผลการตรวจไฟล์แจ้งว่าอ่านวันที่แต่ละแถวเป็นปีใด"],
               ["หมายเหตุ", "ข้าราชการบำนาญ: กรอกเงินบำนาญ (ใช้แทนเงินเดือนในเกณฑ์ร้อยละ 30) เงินเดือนกรอก 0 ได้"],
               ["หมายเหตุ", "รหัสหน่วยผู้เบิกจ่าย: รหัสสำนักงานเขตพื้นที่การศึกษาที่เบิกจ่ายเงินเดือนหรือบำนาญ (ไม่บังคับ)"],
               ["หมายเหตุ", "ผู้ค้ำประกัน: ของหนี้ในแถวนั้น คนละ \"เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล\" "
                            "(คำนำหน้าไม่บังคับ) คั่นแต่ละคนด้วย ; ไม่เกิน 10 คน ช่องว่าง: ไม่มีผู้ค้ำประกัน"]])


# ---- reading files -------------------------------------------------------------------------------

@dataclass
class Sheet:
    rows: list[tuple[int, dict]]       # (spreadsheet row number, {column key: text})
    errors: list[dict] = field(default_factory=list)




def read_table(filename: str, content: bytes) -> Sheet:
    """The rows of an XLSX (first sheet) or CSV (UTF-8, with or without BOM), keyed by the template's columns.
    Rows are read one at a time and the row cap applies while reading (issue 14): memory follows the rows kept."""
    with spreadsheet_reader.open_table(filename, content) as table:
        if table.header is None:
            raise ValidationFailed(_("Please correct the marked fields."), {"file": _("The file is empty.")})
        keys = [HEADER_KEYS.get(spreadsheet_reader.cell_text(h).lower()) for h in table.header]
        missing = [thai for key, thai, _e in COLUMNS
                   if key in ("citizen_id", "first_name", "last_name", "monthly_salary") and key not in keys]
        if missing:
            raise ValidationFailed(_("Please correct the marked fields."), {"file": _(
                "The first row must hold the template's headers; missing: %(names)s.", names=", ".join(missing))})
        width = max(i + 1 for i, key in enumerate(keys) if key)  # columns right of the last header go unread
        rows = []
        for number, values in table.rows(width):
            cells = {key: spreadsheet_reader.cell_text(v) for key, v in zip(keys, values) if key}
            if not any(cells.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise spreadsheet_reader.Unreadable(_("Row %(row)d is past the limit: a file holds at most %(n)d rows.",
                                                      row=number, n=MAX_ROWS), row=number)
            rows.append((number, cells))
    return Sheet(rows=rows)


def column_label(key: str) -> str:
    """The Thai header of a column, as error reports name it."""
    return next((thai for k, thai, _e in COLUMNS if k == key), key)

