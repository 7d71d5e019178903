"""The funnel after approval (issue 19), computed by hand: cases built through the API with the days we choose,
read back by services/funnel.py at a fixed Bangkok day."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, User
from app.services import funnel as funnel_service
from app.services.errors import NotFound
from app.services.funnel import Histogram
from tests.helpers import at, approved_through_api, repay_everything

TODAY = date(2026, 11, 30)




def approved_on(api, day: date, teacher: str):
    """A case consolidating its first two debts and rescheduling the third, approved by the province on `day`."""
    signed_in = {name: api(name) for name in ("coop_officer", "province_approver")}  # tokens of today, not `day`
    with at(day):
        officer, url, ids, _plan = approved_through_api(signed_in.__getitem__, citizen_id=teacher)
    return officer, url, ids


def answer(officer, url, debt_id, day: date, response="accepted"):
    body = {"debt_id": debt_id, "response": response, "responded_on": day.isoformat()}
    if response == "counter_offer":
        body.update(counter_annual_rate="6.50", counter_term_months=72)
    with at(TODAY):
        result = officer.post(url + "/creditor-responses", json=body | (
            {"payoff_amount": "1450000.00", "payoff_valid_until": "2027-01-31"} if response == "accepted" else {}))
    assert result.status_code == 201, result.json


def pay(officer, url, debt_id, day: date):
    with at(TODAY):
        result = officer.post(url + "/payoffs", json={"debt_id": debt_id, "amount": "1450000.00",
                                                      "paid_on": day.isoformat()})
    assert result.status_code == 201, result.json


def move(officer, url, action, **more):
    with at(TODAY):
        version = officer.get(url).json["version"]
        result = officer.post(url + "/transitions", json={"action": action, "version": version, **more})
    assert result.status_code == 200, result.json
    return result.json


def settle(officer, url, ids, answered: list[date], paid: list[date] | None = None, signed: date | None = None):
    for debt_id, day in zip(ids, answered):
        answer(officer, url, debt_id, day)
    for debt_id, day in zip(ids[:2], paid or []):
        pay(officer, url, debt_id, day)
    if signed:
        move(officer, url, "activate", agreement_signed_on=signed.isoformat(),
             first_due_month=f"{signed.year}-{signed.month + 1:02d}")


@pytest.fixture
def funnel_cases(api):
    """Six cases of COOP-CMI-01 (Chiang Mai, 50), read on 30 November 2026:
    A approved 1 Oct, answered 11 Oct (the last of three answers), paid off 21 Oct, active 31 Oct;
    B approved 5 Oct, answered 25 Oct, one of its two payoffs only;
    C approved 10 Nov, no answer;
    D approved 1 Oct, answered 5 Oct, paid off 9 Oct, not yet active;
    E approved 2 Oct, a counter-offer, revised back to draft (out of the funnel);
    F approved 20 Oct, two of its three debts accepted."""
    d = lambda m, day: date(2026, m, day)  # noqa: E731
    a = approved_on(api, d(10, 1), "1101700230708")
    settle(*a, answered=[d(10, 9), d(10, 10), d(10, 11)], paid=[d(10, 15), d(10, 21)], signed=d(10, 31))
    b = approved_on(api, d(10, 5), "3100100123451")
    settle(*b, answered=[d(10, 20), d(10, 25), d(10, 6)], paid=[d(10, 26)])
    approved_on(api, d(11, 10), "1409900123454")
    dd = approved_on(api, d(10, 1), "1959900012348")
    settle(*dd, answered=[d(10, 5), d(10, 5), d(10, 5)], paid=[d(10, 9), d(10, 9)])
    officer, url, ids = approved_on(api, d(10, 2), "1000001047297")
    answer(officer, url, ids[2], d(10, 6), response="counter_offer")
    move(officer, url, "revise", comment="เจ้าหนี้เสนอเงื่อนไขใหม่")
    f = approved_on(api, d(10, 20), "1000001126481")
    settle(*f, answered=[d(10, 22), d(10, 23)])
    return a, b, dd, f


def read(username: str, code: str | None = None):
    user = db.session.scalar(select(User).where(User.username == username))
    with at(TODAY):
        return funnel_service.funnel(user, code).as_json()


EXPECTED = [
    # approved: A 10, B 20, D 4 days to the last answer; C (20 days) and F (41) still wait for one
    {"step": "approved", "reached": 5, "waiting": 2, "median_days": 10, "average_days": 11.3,
     "waiting_median_days": 30.5, "waiting_average_days": 30.5},
    # answered: A 10, D 4 days to the last payoff; B waits since 25 Oct (36 days)
    {"step": "answered", "reached": 3, "waiting": 1, "median_days": 7, "average_days": 7.0,
     "waiting_median_days": 36, "waiting_average_days": 36.0},
    # paid off: A signed 10 days after its last payoff; D waits since 9 Oct (52 days)
    {"step": "paid_off", "reached": 2, "waiting": 1, "median_days": 10, "average_days": 10.0,
     "waiting_median_days": 52, "waiting_average_days": 52.0},
    # active: A, since 31 Oct (30 days)
    {"step": "active", "reached": 1, "waiting": 1, "median_days": None, "average_days": None,
     "waiting_median_days": 30, "waiting_average_days": 30.0},
]


def test_the_funnel_counts_and_waiting_days_are_the_ones_worked_by_hand(funnel_cases):
    a = funnel_cases[0]
    case = db.session.get(DebtCase, int(a[1].rsplit("/", 1)[1]))
    assert (case.approved_on, case.answered_on, case.paid_off_on, case.agreement_signed_on) == (
        date(2026, 10, 1), date(2026, 10, 11), date(2026, 10, 21), date(2026, 10, 31))
    result = read("province_approver")
    assert result["scope"]["code"] == "50" and result["as_of"] == "2026-11-30"
    assert result["steps"] == EXPECTED
    # the province's breakdown is by cooperative: every case is Chiang Mai's first cooperative's
    rows = {row["code"]: row["steps"] for row in result["by_unit"]}
    assert rows["COOP-CMI-01"] == EXPECTED
    assert all(s["reached"] == 0 for code, steps in rows.items() if code != "COOP-CMI-01" for s in steps)


def test_the_breakdown_of_a_region_and_the_nation_is_by_province(funnel_cases):
    for username in ("region_approver", "ministry_viewer"):
        result = read(username)
        assert result["steps"] == EXPECTED
        rows = {row["code"]: row for row in result["by_unit"]}
        assert rows["50"]["kind"] == "province" and rows["50"]["steps"] == EXPECTED
        assert sum(row["steps"][0]["reached"] for row in rows.values()) == 5
    assert len(read("ministry_viewer")["by_unit"]) == 77


def test_the_scope_is_the_callers(funnel_cases):
    assert read("coop_officer")["by_unit"] == [] and read("coop_officer")["steps"] == EXPECTED
    assert [s["reached"] for s in read("coop_officer2")["steps"]] == [0, 0, 0, 0]
    assert read("ministry_viewer", "COOP-CMI-01")["steps"] == EXPECTED
    with pytest.raises(NotFound):
        read("coop_officer2", "50")


def test_a_closed_case_has_reached_active_but_waits_no_more(api, funnel_cases):
    officer, url, _ids = funnel_cases[0]
    with at(TODAY):
        refused = officer.post(url + "/transitions", json={"action": "close", "version": officer.get(url).json["version"]})
        assert refused.status_code == 409   # something is still owed (domain.md, "After approval" 7)
        repay_everything(officer, url, TODAY.isoformat(), TODAY.strftime("%Y-%m"))   # … and then it closes
        assert officer.get(url).json["status"] == "closed"
    active = read("province_approver")["steps"][3]
    assert (active["reached"], active["waiting"], active["waiting_median_days"]) == (1, 0, None)


def test_medians_from_the_histogram():
    h = Histogram()
    assert (h.median(), h.average()) == (None, None)
    for days, n in ((3, 1), (10, 2), (40, 1)):
        h.add(days, n)
    assert (h.median(), h.average()) == (10, 15.8)    # 3 10 10 40
    h.add(1, 1)
    assert h.median() == 10                            # 1 3 10 10 40
    h.add(0, 2)
    assert h.median() == 3                             # 0 0 1 3 10 10 40
    h.add(40, 1)
    assert h.median() == 6.5                           # 0 0 1 3 | 10 10 40 40
