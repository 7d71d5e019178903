"""The repayment report (issue 20; services/repayment_report.py), with answers worked out here: from real active
cases assessed by the sweep (services/arrears.assess with a report month) and from monthly rows put in directly,
summed by hand for each scope."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, OrgUnit, Repayment
from app.models.repayments import RepaymentMonth
from app.services import arrears, repayment_report
from app.services.errors import NotFound, ValidationFailed
from tests.factories import OrgUnitFactory, unit_by_code, user
from tests.helpers import active_case, citizen_id

MARCH, FEBRUARY = date(2027, 3, 1), date(2027, 2, 1)


# ---- from real cases, through the sweep ---------------------------------------------------------------------------

def repay(case_id: int, part: str, month: date, amount: str, reference: str) -> None:
    """One repayment line put in through the model, as services/repayments.record writes it."""
    case = db.session.get(DebtCase, case_id)
    db.session.add(Repayment(reference=reference, case_id=case_id, plan_version=case.plan_version, part=part,
                             month=month, amount=Decimal(amount), paid_on=month.replace(day=25), source="api",
                             batch="repayment-report-test"))
    db.session.flush()


@pytest.fixture
def three_cases(api):
    """Three active cases of the Chiang Mai cooperative, first instalments due February 2027, each owing the plan's
    two monthly payments (the new loan and the rescheduled KTB debt): A repaid February and March, B February only,
    C nothing. → (the monthly amount due per case, its two parts and payments, the case ids)."""
    cases = []
    for n in range(3):
        _officer, url, ids, plan = active_case(api, citizen_id=citizen_id(700 + n))
        parts = {"new_loan": plan["new_loan"]["monthly_payment"],
                 str(plan["rescheduled"][0]["debt_id"]): plan["rescheduled"][0]["monthly_payment"]}
        cases.append((int(url.rsplit("/", 1)[1]), parts))
    a, b, _c = cases
    for case_id, parts in (a, b):
        for part, amount in parts.items():
            repay(case_id, part, FEBRUARY, amount, f"feb-{case_id}-{part}")
    for part, amount in a[1].items():
        repay(a[0], part, MARCH, amount, f"mar-{a[0]}-{part}")
    monthly = sum(Decimal(v) for v in a[1].values())
    return monthly, [case_id for case_id, _parts in cases]


def test_the_month_under_way_from_the_sweep(three_cases):
    monthly, _ids = three_cases
    assert monthly == Decimal("4589.96") + Decimal("2899.92")  # the plan's payments (tests/helpers.active_case)
    arrears.assess(date(2027, 3, 15), report_month=MARCH)
    body = repayment_report.report(user("province_approver"), MARCH).as_json()
    # Due in March: all three. On time: A alone (B's February covers nothing of March). Collected for March: A's.
    # Buckets on 15 March: C's February instalment is 15 days past its due day (28 Feb); A and B owe nothing past.
    assert body["active_cases"] == 3 and body["due_cases"] == 3 and body["on_time_cases"] == 1
    assert body["amount_due"] == f"{3 * monthly:.2f}" and body["amount_collected"] == f"{monthly:.2f}"
    assert body["on_time_rate"] == "0.3333"
    assert body["by_bucket"] == {"current": 2, "1-30": 1, "31-60": 0, "61-90": 0, "90+": 0}
    assert body["scope"]["code"] == "50" and body["month"] == "2027-03"
    coop = next(row for row in body["by_unit"] if row["code"] == "COOP-CMI-01")
    assert {k: coop[k] for k in ("active_cases", "amount_due", "on_time_rate", "by_bucket")} == {
        k: body[k] for k in ("active_cases", "amount_due", "on_time_rate", "by_bucket")}
    assert body["computed_at"] is not None and body["computed_at"].endswith("Z")


def test_an_earlier_month_from_the_sweep_and_the_trend(three_cases):
    monthly, _ids = three_cases
    arrears.assess(date(2027, 3, 15), report_month=FEBRUARY)
    arrears.assess(date(2027, 3, 15), report_month=MARCH)
    february = repayment_report.report(user("coop_officer"), FEBRUARY).figures
    # February: A and B repaid it; collected for February: both of them.
    assert (february.due_cases, february.on_time_cases) == (3, 2)
    assert february.amount_collected == 2 * monthly and february.on_time_rate == Decimal("0.6667")
    trend = repayment_report.trend(user("coop_officer"), MARCH)
    assert [m for m, _f in trend][0] == date(2026, 4, 1) and len(trend) == 12
    assert [(m, f.amount_due, f.amount_collected) for m, f in trend[-2:]] == [
        (FEBRUARY, 3 * monthly, 2 * monthly), (MARCH, 3 * monthly, monthly)]
    assert all(f.active_cases == 0 and f.computed_at is None for _m, f in trend[:-2])


def test_a_month_with_repayments_after_it_read_at_once_or_per_batch(three_cases, monkeypatch):
    """C repays a whole month, but for March: February's on-time count leaves it out (else C's total would cover
    February), whether the repayments after February are read once for the sweep (a few rows) or for each batch of
    cases (more than arrears.LATER_AT_ONCE)."""
    from app.services.instalments import part_runs

    monthly, ids = three_cases
    c = ids[2]
    for part, runs in part_runs([c])[c].items():
        repay(c, part, MARCH, f"{runs[0].amount:.2f}", f"mar-{c}-{part}")
    figures = []
    for at_once in (arrears.LATER_AT_ONCE, 0):
        monkeypatch.setattr(arrears, "LATER_AT_ONCE", at_once)
        arrears.assess(date(2027, 3, 15), report_month=FEBRUARY)
        february = repayment_report.report(user("coop_officer"), FEBRUARY).figures
        figures.append((february.due_cases, february.on_time_cases, february.amount_collected))
    assert figures == [(3, 2, 2 * monthly)] * 2


def test_a_cooperative_outside_sees_none_of_it(three_cases):
    arrears.assess(date(2027, 3, 15), report_month=MARCH)
    kkn = repayment_report.report(user("coop_officer2"), MARCH).figures
    assert kkn.active_cases == 0 and kkn.on_time_rate is None and kkn.computed_at is None


# ---- scope sums from rows put in directly -------------------------------------------------------------------------

def row(unit: OrgUnit, month: date, n: int, computed_at: datetime) -> dict:
    """Figures that differ from unit to unit (n) and add up to active cases across the buckets."""
    return {"month": month, "cooperative_id": unit.id, "province_code": unit.province_code,
            "active_cases": 10 * n, "due_cases": 8 * n, "on_time_cases": 5 * n + 1,
            "amount_due": Decimal(f"{1000 * n}.25"), "amount_collected": Decimal(f"{900 * n}.10"),
            "bucket_current": 6 * n, "bucket_1_30": 2 * n, "bucket_31_60": n, "bucket_61_90": n - 1,
            "bucket_90_plus": 1, "computed_at": computed_at}


def expected(rows: list[dict]) -> dict:
    """The API fields, summed here."""
    due = sum(r["due_cases"] for r in rows)
    on_time = sum(r["on_time_cases"] for r in rows)
    return {"active_cases": sum(r["active_cases"] for r in rows),
            "amount_due": f"{sum(r['amount_due'] for r in rows):.2f}",
            "amount_collected": f"{sum(r['amount_collected'] for r in rows):.2f}",
            "on_time_rate": f"{(Decimal(on_time) / Decimal(due)).quantize(Decimal('0.0001'), ROUND_HALF_UP)}" if due else None,
            "by_bucket": {b: sum(r[c] for r in rows) for b, c in (
                ("current", "bucket_current"), ("1-30", "bucket_1_30"), ("31-60", "bucket_31_60"),
                ("61-90", "bucket_61_90"), ("90+", "bucket_90_plus"))}}


def contract(body: dict) -> dict:
    return {k: body[k] for k in ("active_cases", "amount_due", "amount_collected", "on_time_rate", "by_bucket")}


@pytest.fixture
def units_rows():
    """Two cooperatives in Chiang Mai (50), one in Lamphun (51, also region 15), one each in Khon Kaen and
    Pattani; March rows for all, February rows for two, and a March row of a year before (outside the trend)."""
    lamphun = OrgUnitFactory(parent=unit_by_code("51"), code="COOP-LPN-T")
    second_cmi = OrgUnitFactory(code="COOP-CMI-T")
    units = {"cmi": unit_by_code("COOP-CMI-01"), "cmi2": second_cmi, "lpn": lamphun,
             "kkn": unit_by_code("COOP-KKN-01"), "ptn": unit_by_code("COOP-PTN-01")}
    early, late = datetime(2027, 3, 14, 19, 5), datetime(2027, 3, 16, 19, 7)
    march = {name: row(unit, MARCH, n, late if name == "kkn" else early)
             for n, (name, unit) in enumerate(units.items(), start=1)}
    february = {name: row(units[name], FEBRUARY, 7, early) for name in ("cmi", "kkn")}
    old = row(units["cmi"], date(2026, 3, 1), 9, early)
    db.session.execute(RepaymentMonth.__table__.insert(), [*march.values(), *february.values(), old])
    return units, march, february


def test_each_scope_sums_its_own_cooperatives(units_rows):
    _units, march, _february = units_rows
    scopes = {"coop_officer": ["cmi"], "province_approver": ["cmi", "cmi2"], "region_approver": ["cmi", "cmi2", "lpn"],
              "ministry_viewer": list(march), "coop_officer2": ["kkn"], "south_approver": ["ptn"]}
    for username, names in scopes.items():
        body = repayment_report.report(user(username), MARCH).as_json()
        assert contract(body) == expected([march[n] for n in names]), username


def test_a_unit_inside_the_scope_and_one_outside(units_rows):
    _units, march, _february = units_rows
    nation = user("ministry_viewer")
    assert contract(repayment_report.report(nation, MARCH, "40").as_json()) == expected([march["kkn"]])
    assert contract(repayment_report.report(nation, MARCH, "REG-15").as_json()) == expected(
        [march["cmi"], march["cmi2"], march["lpn"]])
    assert contract(repayment_report.report(nation, MARCH, "COOP-CMI-T").as_json()) == expected([march["cmi2"]])
    for username, code in (("coop_officer", "50"), ("province_approver", "40"), ("region_approver", "94"),
                           ("coop_officer", "COOP-CMI-T"), ("province_approver", "NO-SUCH-UNIT")):
        with pytest.raises(NotFound):
            repayment_report.report(user(username), MARCH, code)


def test_the_units_below_each_scope(units_rows):
    _units, march, _february = units_rows
    province = repayment_report.report(user("province_approver"), MARCH).as_json()
    by_code = {r["code"]: r for r in province["by_unit"]}
    assert {"COOP-CMI-01", "COOP-CMI-T"} <= set(by_code) and all(r["kind"] == "cooperative" for r in by_code.values())
    assert contract(by_code["COOP-CMI-T"]) == expected([march["cmi2"]])
    region = repayment_report.report(user("region_approver"), MARCH).as_json()
    assert [r["code"] for r in region["by_unit"]] == ["50", "51", "52", "58"]
    assert contract(region["by_unit"][0]) == expected([march["cmi"], march["cmi2"]])
    assert contract(region["by_unit"][1]) == expected([march["lpn"]])
    assert contract(region["by_unit"][2]) == expected([])  # Lampang: no rows, zeros and no rate
    nation = repayment_report.report(user("ministry_viewer"), MARCH).as_json()
    assert len(nation["by_unit"]) == 77 and {r["kind"] for r in nation["by_unit"]} == {"province"}
    assert contract(next(r for r in nation["by_unit"] if r["code"] == "94")) == expected([march["ptn"]])
    assert repayment_report.report(user("coop_officer"), MARCH).rows == []  # nothing below a cooperative


def test_the_freshness_is_the_oldest_and_newest_row(units_rows):
    nation = repayment_report.report(user("ministry_viewer"), MARCH).as_json()
    assert (nation["computed_at"], nation["computed_until"]) == ("2027-03-14T19:05:00Z", "2027-03-16T19:07:00Z")
    south = repayment_report.report(user("south_approver"), MARCH).as_json()
    assert south["computed_at"] == south["computed_until"] == "2027-03-14T19:05:00Z"


def test_the_trend_sums_each_month_and_keeps_twelve(units_rows):
    _units, march, february = units_rows
    trend = repayment_report.trend(user("ministry_viewer"), MARCH)
    months = [m for m, _f in trend]
    assert months == [date(2026, m, 1) for m in range(4, 13)] + [date(2027, m, 1) for m in (1, 2, 3)]
    figures = dict(trend)
    assert contract(figures[MARCH].as_json()) == expected(list(march.values()))
    assert contract(figures[FEBRUARY].as_json()) == expected(list(february.values()))
    assert all(figures[m].active_cases == 0 for m in months[:-2])   # March 2026 lies outside
    six = repayment_report.trend(user("province_approver"), MARCH, months=6)
    assert len(six) == 6 and contract(dict(six)[FEBRUARY].as_json()) == expected([february["cmi"]])


def test_rates_round_half_up_and_none_without_anything_due():
    assert repayment_report.ratio(2, 3) == Decimal("0.6667")
    assert repayment_report.ratio(1, 8) == Decimal("0.1250")
    assert repayment_report.ratio(3, 80000) == Decimal("0.0000") and repayment_report.ratio(5, 100000) == Decimal("0.0001")
    assert repayment_report.ratio(0, 0) is None
    assert repayment_report.Figures().as_json()["on_time_rate"] is None


def test_the_month_typed_or_iso_and_this_month_by_default():
    assert repayment_report.parse_month("02/2570") == FEBRUARY
    assert repayment_report.parse_month("2027-02") == FEBRUARY
    assert repayment_report.parse_month("๐๒/๒๕๗๐") == FEBRUARY
    with time_machine.travel(datetime(2027, 1, 31, 18, 30, tzinfo=UTC), tick=False):  # 1 February in Bangkok
        assert repayment_report.parse_month(None) == repayment_report.parse_month("") == FEBRUARY
        assert repayment_report.report(user("coop_officer")).month == FEBRUARY
    for bad in ("13/2570", "2027-00", "february", "02/2570x", "0001-01", "12/9999", "2027-02-01"):
        with pytest.raises(ValidationFailed) as error:
            repayment_report.parse_month(bad)
        assert set(error.value.fields) == {"month"}, bad


def test_the_report_reads_only_the_monthly_rows(units_rows):
    """No case is read: the nation's report is the same with no case in the database at all."""
    assert db.session.scalar(select(DebtCase.id).limit(1)) is None
    assert repayment_report.report(user("ministry_viewer"), MARCH).figures.active_cases == sum(
        10 * n for n in range(1, 6))
