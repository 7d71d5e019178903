"""Issue 17 in the services: retired teachers through the spreadsheet import, the dashboards split serving/retired
(and the rollup kept exact by its triggers when a case changes side), the deduction notice addressed to the pension
payer, and the demo data."""
from decimal import Decimal

from sqlalchemy import select, update

from app.extensions import db
from app.models import DebtCase, DebtCaseRollup, Person
from app.services import debt_cases, debt_import, reports
from app.services.debt_import_sheet import COLUMNS, EXAMPLE, RETIRED_EXAMPLE, column_label, template
from app.services.debt_input import parse_case
from tests.factories import run_import as run, user
from tests.helpers import SPEC_CASE, citizen_id, xlsx

KEYS = [key for key, _thai, _english in COLUMNS]


def _row(base, **cells) -> list[str]:
    row = dict(zip(KEYS, base))
    row.update(cells)
    return [row[k] for k in KEYS]


def test_the_template_has_the_retirement_columns_and_a_retired_example():
    headers, rows = template()
    # the retirement columns, then (issue 20) the guarantors' column, last
    assert headers[-4:-1] == ["ข้าราชการบำนาญ (ใช่/ไม่ใช่)", "เงินบำนาญ", "รหัสหน่วยผู้เบิกจ่าย (สพป./สพม.)"]
    assert headers[-1].startswith("ผู้ค้ำประกัน")
    assert rows == [EXAMPLE, RETIRED_EXAMPLE] and all(len(r) == len(headers) for r in rows)


def test_the_template_examples_import_as_a_serving_and_a_retired_teacher():
    job = run("coop_officer", xlsx(template()[1]))
    assert job.status == "valid", job.errors
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    retired = db.session.scalar(select(DebtCase).join(Person).where(Person.citizen_id == RETIRED_EXAMPLE[0]))
    # pension 28,000, no deductions, one debt of 9,500 a month: net 18,500; ratio 18,500 / 28,000 = 0.6607
    assert retired.retired and retired.monthly_pension == Decimal("28000.00") and retired.monthly_salary == 0
    assert (retired.net_income, str(retired.ratio), retired.risk_group) == (Decimal("18500.00"), "0.6607", "yellow")
    serving = db.session.scalar(select(DebtCase).join(Person).where(Person.citizen_id == EXAMPLE[0]))
    assert not serving.retired and serving.monthly_pension == 0


def test_import_sets_the_paying_unit_and_reports_bad_retirement_cells_by_column():
    rows = [_row(RETIRED_EXAMPLE, citizen_id=citizen_id(1), paying_unit_code="AREA-CMI-01"),
            _row(RETIRED_EXAMPLE, citizen_id=citizen_id(2), retired="บางที"),
            _row(RETIRED_EXAMPLE, citizen_id=citizen_id(3), paying_unit_code="COOP-CMI-01"),
            _row(RETIRED_EXAMPLE, citizen_id=citizen_id(4), monthly_pension="")]
    job = run("coop_officer", xlsx(rows))
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, column_label("retired")), (4, column_label("paying_unit_code")), (5, column_label("monthly_pension"))]
    job = run("coop_officer", xlsx(rows[:1]))
    debt_import.start_import(user("coop_officer"), job.id)
    db.session.expire_all()
    case = db.session.scalar(select(DebtCase).join(Person).where(Person.citizen_id == citizen_id(1)))
    assert case.retired and case.paying_unit.code == "AREA-CMI-01"
    # a re-import of the same teacher as serving (the old template has no retirement columns: serving)
    again = run("coop_officer", xlsx([_row(EXAMPLE, citizen_id=citizen_id(1), first_name="ประยูร", last_name="บุญมา",
                                           birth_date=RETIRED_EXAMPLE[4], position=RETIRED_EXAMPLE[5],
                                           workplace="")]))
    assert again.status == "valid", again.errors
    debt_import.start_import(user("coop_officer"), again.id)
    db.session.expire_all()
    case = db.session.get(DebtCase, case.id)
    assert not case.retired and case.paying_unit is None and case.monthly_salary == Decimal("45000.00")


def _create(body) -> DebtCase:
    return debt_cases.create_case(user("coop_officer"), parse_case(body))


def _rollup_equals_direct() -> None:
    path = user("ministry_viewer").org_unit.path

    def folded(rows):
        out = {}
        for coop, status, risk, meets, after, planned, retired, count, outstanding, before, later in rows:
            key = (coop, status, risk, bool(meets), bool(after), bool(planned), bool(retired))
            got = out.setdefault(key, [0, Decimal("0"), Decimal("0"), Decimal("0")])
            got[0] += count
            for i, v in enumerate((outstanding, before, later), start=1):
                got[i] += reports.money(v)
        return {k: v for k, v in out.items() if v[0]}

    assert folded(reports._debt_rows(path, None)) == folded(reports.direct_debt_rows(path, None))


def test_dashboards_split_serving_and_retired_teachers():
    serving = _create(SPEC_CASE)  # yellow, meets the floor; owes 1,850,000 + interest
    retired = _create({**SPEC_CASE, "teacher": {**SPEC_CASE["teacher"], "citizen_id": "3500100444440"},
                       "retired": True, "monthly_pension": "28000.00", "monthly_salary": "0"})  # orange, below
    _rollup_equals_direct()
    summary = reports.summary(user("ministry_viewer"))["debt_cases"]
    split = summary["by_retirement"]
    assert (split["serving"]["total"], split["retired"]["total"], summary["total"]) == (1, 1, 2)
    assert (split["serving"]["below_floor_before"], split["retired"]["below_floor_before"]) == (0, 1)
    assert split["retired"]["by_risk_group"]["orange"] == 1 and split["serving"]["by_risk_group"]["yellow"] == 1
    owed = [serving.total_outstanding + serving.interest_remaining, retired.total_outstanding + retired.interest_remaining]
    assert [Decimal(split[g]["debt_before"]) for g in ("serving", "retired")] == owed
    assert Decimal(summary["debt_before"]) == sum(owed)  # the named fields keep counting everyone
    # the page shows the split as a table
    board = reports.dashboard(user("ministry_viewer"))
    assert board.debt.by_retirement["retired"].total == 1


def test_the_rollup_follows_a_case_that_changes_side():
    case = _create(SPEC_CASE)
    body = {"retired": True, "monthly_pension": "30000.00", "version": case.version}
    debt_cases.update_case(user("coop_officer"), case.id, parse_case(body, partial=True))
    _rollup_equals_direct()
    retired_rows = db.session.scalars(select(DebtCaseRollup).where(DebtCaseRollup.retired.is_(True),
                                                                   DebtCaseRollup.cases != 0)).all()
    assert sum(r.cases for r in retired_rows) == 1
    # plain SQL too: the triggers watch the column
    db.session.execute(update(DebtCase).where(DebtCase.id == case.id).values(retired=False))
    db.session.commit()
    _rollup_equals_direct()
    assert reports.summary(user("ministry_viewer"))["debt_cases"]["by_retirement"]["retired"]["total"] == 0
    db.session.execute(DebtCase.__table__.delete().where(DebtCase.id == case.id))
    db.session.commit()
    _rollup_equals_direct()


def test_demo_data_has_retired_teachers():
    from app.demo import seed_demo_cases

    seed_demo_cases()
    retired = db.session.scalars(select(DebtCase).where(DebtCase.retired.is_(True))).all()
    everyone = db.session.scalars(select(DebtCase)).all()
    # about half of the indebted; the fourth is the demo's active case, paid from the pension (issue 19)
    assert len(retired) == 4 and 2 * len(retired) >= len(everyone) - 1
    informal = next(c for c in retired if c.person.citizen_id == "3500100444440")
    # pension 31,500 − 1,000 − (12,000 + 5,000) = 13,500 a month; ratio 13,500 / 31,500 = 0.4286
    assert (informal.net_income, str(informal.ratio)) == (Decimal("13500.00"), "0.4286")
    assert informal.paying_unit.code == "AREA-CMI-01"


def test_the_deduction_notice_of_a_retired_teacher_goes_to_the_pension_payer_and_speaks_of_the_pension():
    from app.services import debt_plans, letters
    from app.services.workflow import TransitionRequest, transition
    from tests.pdf.helpers import norm, pdf_text

    officer = user("coop_officer")
    case = _create({**SPEC_CASE, "retired": True, "monthly_pension": "52000.00", "monthly_salary": "0",
                    "paying_unit_code": "AREA-CMI-01",
                    "teacher": {**SPEC_CASE["teacher"], "citizen_id": "3500200555553", "birth_date": "1962-01-10"}})
    plan = debt_plans.create_plan(officer, case.id, {"label": "รวมหนี้", "consolidate": {
        "debt_ids": [case.debts[0].id], "annual_rate": "4.75", "term_months": 120, "method": "annuity"}})
    transition("debt", officer, case.id, TransitionRequest("submit", plan_id=plan.id))
    transition("debt", user("province_approver"), case.id, TransitionRequest("approve", resolution_no="1/2569"))
    letter = letters.issue(user("province_officer"), "debt", case.id, "deduction_notice")
    text = pdf_text(letters.render([letter]))
    assert norm("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1") in text
    assert norm("หักเงินบำนาญ") in text and norm("เงินบำนาญ 52,000.00 บาท") in text
    # the salary is named only in the MOE regulation's title (it covers pensions), never the Ministry of Finance
    assert text.count(norm("หักเงินเดือน")) == 1 and norm("ระเบียบกระทรวงศึกษาธิการ") in text
    assert norm("กระทรวงการคลัง") not in text
    assert letter.payload["data"]["retired"] is True
