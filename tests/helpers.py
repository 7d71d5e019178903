"""Helpers shared by tests: sign-in, request bodies and files to send, and the browser's sign-in.

Test modules import shared things from here, from tests/factories.py (rows in the database) or from
tests/pdf/helpers.py (reading PDFs back), never from one another (tests/test_architecture.py checks)."""
from __future__ import annotations

import copy
import io
import os
import re
from decimal import Decimal

from openpyxl import Workbook

from app.services.debt_import_sheet import COLUMNS, EXAMPLE

DEMO_PASSWORD = "test-pass-2569"


# ---- signing in ---------------------------------------------------------------------------------------------

def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def api_token(client, username: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response.json["token"]


def sign_in(page, username: str) -> None:
    """Sign in through the login form of a real browser (tests/e2e)."""
    page.goto("/login")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/")


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def using_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


# ---- debt cases ---------------------------------------------------------------------------------------------

# api-v1.md's example debt case: one cooperative debt, figures checked by hand in tests/api/test_debt_cases_api.py.
SPEC_CASE = {
    "teacher": {"citizen_id": "1101700230708", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี",
                "birth_date": "1975-04-01", "position": "ครู ชำนาญการพิเศษ", "workplace": "โรงเรียนบ้านหนองผึ้ง"},
    "cooperative_code": "COOP-CMI-01",
    "monthly_salary": "45000.00",
    "monthly_allowances": "3500.00",
    "deductions": [{"kind": "tax", "monthly_amount": "1200.00"}, {"kind": "gpf", "monthly_amount": "1350.00"},
                   {"kind": "other", "label": "ประกันชีวิต", "monthly_amount": "800.00"}],
    "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
               "outstanding": "1850000.00", "annual_rate": "5.75", "monthly_payment": "21500.00",
               "remaining_months": 132, "salary_deducted": True, "legal_status": "normal"}],
}


def debt_form_data(**changes):
    """What the debt case form posts for SPEC_CASE's teacher with one debt; `changes` override fields."""
    data = {
        "teacher-citizen_id": "1101700230708", "teacher-title": "นาง", "teacher-first_name": "สมศรี",
        "teacher-last_name": "ใจดี", "teacher-birth_date": "1975-04-01", "teacher-position": "ครู",
        "teacher-workplace": "โรงเรียนบ้านหนองผึ้ง", "monthly_salary": "45000.00", "monthly_allowances": "3500.00",
        "deductions-0-kind": "tax", "deductions-0-monthly_amount": "1200.00",
        "deductions-1-kind": "gpf", "deductions-1-monthly_amount": "1350.00",
        "debts-0-creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "debts-0-creditor_type": "cooperative",
        "debts-0-outstanding": "1850000.00", "debts-0-annual_rate": "5.75", "debts-0-monthly_payment": "21500.00",
        "debts-0-remaining_months": "132", "debts-0-legal_status": "normal", "debts-0-salary_deducted": "y",
        "action": "save",
    }
    data.update(changes)
    return data


def three_debts():
    """A fresh copy each time: callers change nested fields (the teacher) without touching SPEC_CASE."""
    return copy.deepcopy({**SPEC_CASE, "debts": SPEC_CASE["debts"] + [
        {"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "600000.00",
         "annual_rate": "6.90", "monthly_payment": "9000.00", "remaining_months": 96, "legal_status": "normal"},
        {"creditor_name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "outstanding": "150000.00",
         "annual_rate": "7.12", "monthly_payment": "4500.00", "remaining_months": 40, "legal_status": "overdue"},
    ]})


# ---- relief cases -------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% test evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def death_case(**changes):
    """A teacher shot in Pattani, with a spouse and two children; `section__field=value` changes one field."""
    body = {
        "incident": {"date": "2024-06-14", "province_code": "94", "district": "หนองจิก", "kind": "shooting",
                     "police_report_no": "123/2567", "summary": "ถูกยิงระหว่างเดินทางไปโรงเรียน"},
        "victim": {"citizen_id": "1101700230708", "title": "นาย", "first_name": "อับดุล", "last_name": "สาแม",
                   "birth_date": "1980-01-10", "employment_type": "civil_servant_teacher",
                   "workplace": "โรงเรียนบ้านหนองจิก", "harm": "death"},
        "beneficiaries": [
            {"citizen_id": "3100100123451", "title": "นาง", "first_name": "ซูไรดา", "last_name": "สาแม",
             "birth_date": "1982-05-01", "relationship": "spouse", "education_level": None,
             "bank_account": "123-4-56789-0"},
            {"citizen_id": "1409900123454", "title": "เด็กชาย", "first_name": "อิมรอน", "last_name": "สาแม",
             "birth_date": "2015-03-01", "relationship": "child", "education_level": "primary"},
            {"citizen_id": "1959900012348", "title": "เด็กหญิง", "first_name": "นูรีตา", "last_name": "สาแม",
             "birth_date": "2019-08-01", "relationship": "child", "education_level": "kindergarten"},
        ],
        "split_method": "equal",
    }
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            body[section] = {**body[section], field: value}
        else:
            body[section] = value
    return body


def upload(caller, case_id, kind, content=PDF, name="doc.pdf"):
    """Evidence for a relief case through the API (`caller` is the `api` fixture's client for one user)."""
    return caller.post(f"/api/v1/relief-cases/{case_id}/evidence", data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def verified_case(api):
    """The death case registered, its evidence uploaded and verified by the south officer: (officer, case JSON)."""
    officer = api("south_officer")
    case = officer.post("/api/v1/relief-cases", json=death_case()).json
    for kind in ("death_certificate", "police_report", "claimant_id"):
        upload(officer, case["id"], kind)
    officer.post(f"/api/v1/relief-cases/{case['id']}/transitions", json={"action": "verify"})
    return officer, case


# ---- spreadsheets for the debt import -----------------------------------------------------------------------

def citizen_id(n: int) -> str:
    """The n-th of a run of valid Thai citizen ids (checksum digit included)."""
    digits = f"1{n + 30000000000:011d}"[:12]
    return digits + str((11 - sum(int(d) * (13 - i) for i, d in enumerate(digits)) % 11) % 10)


def member_rows(count: int, debts: int = 2) -> list[list[str]]:
    """Rows of the import template: `count` teachers with `debts` debts each (one row per debt)."""
    rows = []
    for n in range(count):
        for k in range(debts):
            row = list(EXAMPLE)
            row[0], row[2] = citizen_id(n), f"ครู{n}"
            row[16] = ["สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "ธนาคารออมสิน"][k]
            row[17] = ["cooperative", "gsb"][k]
            row[18] = f"{100000 + n}.00"
            rows.append(row)
    return rows


def xlsx(rows) -> bytes:
    """A workbook of the template's Thai headers and these rows."""
    book = Workbook()
    sheet = book.active
    sheet.append([thai for _k, thai, _e in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sqlite_app_at(tmp_path):
    """An app on an SQLite file of its own under `tmp_path`, even in the PostgreSQL run: for the tests that migrate
    a database step by step."""
    from app import create_app
    from config import TestingConfig

    class UpgradeConfig(TestingConfig):
        INSTANCE_PATH = tmp_path
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.db'}"

        @classmethod
        def init_app(cls, app):  # always this SQLite file
            pass

    return create_app(UpgradeConfig)


def at_once(app, count: int, work) -> list:
    """Run `work(i)` in `count` threads released together (each with the app's context and its own connection):
    what each returned, or the repr of what it raised, in no particular order. Tests that use it are marked
    @pytest.mark.commits."""
    import threading

    from app.extensions import db

    barrier, outcomes = threading.Barrier(count), []

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                outcomes.append(work(i))
            except Exception as error:  # noqa: BLE001 — the caller's assertions judge every outcome
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# ---- approved and active debt cases (issue 19: after approval) ---------------------------------------------------

def standard_plan(ids: list[int]) -> dict:
    """The first two debts consolidated (4.50%, 180 months), the third rescheduled (6.00%, 60 months)."""
    return {"consolidate": {"debt_ids": ids[:2], "annual_rate": "4.50", "term_months": 180},
            "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 60}]}


def approved_through_api(api, *, citizen_id: str | None = None, paying_unit_code: str | None = None,
                         plan_for=standard_plan):
    """A three_debts() case created through the API by the Chiang Mai cooperative, the plan `plan_for(debt ids)`
    submitted and approved by the province. (officer client, case url, debt ids, plan JSON)."""
    officer = api("coop_officer")
    body = three_debts()
    if citizen_id:
        body["teacher"]["citizen_id"] = citizen_id
    if paying_unit_code:
        body["paying_unit_code"] = paying_unit_code
    case = officer.post("/api/v1/debt-cases", json=body)
    assert case.status_code == 201, case.json
    ids = [d["id"] for d in case.json["debts"]]
    url = f"/api/v1/debt-cases/{case.json['id']}"
    plan = officer.post(url + "/plans", json=plan_for(ids)).json
    submitted = officer.post(url + "/transitions", json={"action": "submit", "plan_id": plan["id"]}).json
    approved = api("province_approver").post(url + "/transitions", json={"action": "approve",
                                                                       "version": submitted["version"]})
    assert approved.status_code == 200 and approved.json["status"] == "approved", approved.json
    return officer, url, ids, plan


def settle_through_api(officer, url: str, ids: list[int], consolidated: list[int], payoff: str = "1450000.00"):
    """Every creditor of `ids` accepts (the consolidated ones with `payoff`, valid until 31 January 2027) on
    20 November 2026, and the consolidated debts are paid off at that amount on the 24th."""
    for debt_id in ids:
        answer = {"debt_id": debt_id, "response": "accepted", "responded_on": "2026-11-20"}
        if debt_id in consolidated:
            answer |= {"payoff_amount": payoff, "payoff_valid_until": "2027-01-31"}
        accepted = officer.post(url + "/creditor-responses", json=answer)
        assert accepted.status_code == 201, accepted.json
    for debt_id in consolidated:
        paid = officer.post(url + "/payoffs", json={"debt_id": debt_id, "amount": payoff, "paid_on": "2026-11-24"})
        assert paid.status_code == 201, paid.json


def activate_through_api(officer, url: str, first_due_month: str, signed: str = "2026-11-25") -> dict:
    active = officer.post(url + "/transitions", json={
        "action": "activate", "version": officer.get(url).json["version"],
        "agreement_signed_on": signed, "first_due_month": first_due_month})
    assert active.status_code == 200 and active.json["status"] == "active", active.json
    return active.json


def active_case(api, *, citizen_id: str = "1101700230708", first_due_month: str = "2027-02",
                paying_unit_code: str | None = "AREA-CMI-01"):
    """A case made active through the API by the Chiang Mai cooperative: its own cooperative debt left untouched
    (salary-deducted, 21,500.00 for 132 months), the GSB debt consolidated into the new loan (4.50%, 180 months),
    the KTB debt rescheduled (6.00%, 60 months). (officer client, case url, debt ids, plan JSON)."""
    officer, url, ids, plan = approved_through_api(
        api, citizen_id=citizen_id, paying_unit_code=paying_unit_code, plan_for=lambda ids: {
            "consolidate": {"debt_ids": [ids[1]], "annual_rate": "4.50", "term_months": 180},
            "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 60}]})
    settle_through_api(officer, url, ids[1:], [ids[1]], payoff="600000.00")
    activate_through_api(officer, url, first_due_month)
    return officer, url, ids, plan


# ---- repayments and arrears (issue 20) ---------------------------------------------------------------------------

def active_since(api, first_due_month: str = "2026-02", signed: str = "2026-01-05", **kw):
    """active_case() with its agreement and first due month in the past (cases brought in from an earlier round,
    api-v1.md "Dates in the past are accepted"), so that months have ended and instalments can be overdue today.
    (officer client, case url, debt ids, plan JSON)."""
    officer, url, ids, plan = approved_through_api(
        api, plan_for=lambda ids: {
            "consolidate": {"debt_ids": [ids[1]], "annual_rate": "4.50", "term_months": 180},
            "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 60}]}, **kw)
    settle_through_api(officer, url, ids[1:], [ids[1]], payoff="600000.00")
    activate_through_api(officer, url, first_due_month, signed=signed)
    return officer, url, ids, plan


def annuity(principal: str, annual_rate: str, months: int) -> Decimal:
    """The level instalment P·r / (1 − (1 + r)^−n), r the monthly rate, to the satang half up: worked out here
    independently of app/domain/repayment.py."""
    from decimal import ROUND_HALF_UP, localcontext
    with localcontext() as context:
        context.prec = 40
        p, r = Decimal(principal), Decimal(annual_rate) / 1200
        return (p * r / (1 - (1 + r) ** -months)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def at(day):
    """Noon in Bangkok on `day` (05:00 UTC), the clock stopped there (time-machine): clock.today() is `day`."""
    from datetime import UTC, datetime

    import time_machine

    return time_machine.travel(datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC), tick=False)


def repay_everything(officer, url: str, paid_on: str, month: str) -> dict:
    """Every instalment of the active case at `url` repaid at once, part by part, through the API: the case then
    closes (domain.md, "After approval" 7). The repayment response."""
    items = officer.get(url + f"/instalments?as_of={paid_on}").json["items"]
    owed: dict = {}
    for item in items:
        owed[item["part"]] = owed.get(item["part"], Decimal("0")) + Decimal(item["amount_due"]) - Decimal(item["amount_paid"])
    case = officer.get(url).json
    lines = [{"citizen_id": case["teacher"]["citizen_id"], "case_id": case["id"], "part": str(part),
              "amount": f"{amount:.2f}", "paid_on": paid_on, "reference": f"ALL-{case['id']}-{part}"}
             for part, amount in owed.items()]
    sent = officer.post("/api/v1/repayments", json={"month": month, "lines": lines})
    assert sent.status_code == 200 and sent.json["recorded"], sent.json
    return sent.json
