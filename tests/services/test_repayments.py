"""Matching repayments to instalments (domain.md, "After approval" 4; api-v1.md v1.1 "Repayments"): known answers
for an exact, a partial, an over- and a double payment, the wrong person, a case out of scope, all or nothing."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.domain.thai_id import is_valid_citizen_id
from app.extensions import db
from app.models import Repayment
from tests.helpers import active_since, annuity, citizen_id

NEW_LOAN = annuity("600000.00", "4.50", 180)   # the GSB debt consolidated at 4.50% over 180 months
KTB = annuity("150000.00", "6.00", 60)         # the KTB debt rescheduled at 6.00% over 60 months
TEACHER = "1101700230708"


def post(officer, lines, month="2026-02", **flags):
    return officer.post("/api/v1/repayments", json={"month": month, "lines": lines, **flags})


def line(case_id, part, amount, reference, citizen_id=TEACHER, paid_on="2026-02-27"):
    return {"citizen_id": citizen_id, "case_id": case_id, "part": part, "amount": str(amount),
            "paid_on": paid_on, "reference": reference}


def instalments(officer, url, as_of="2026-12-01"):
    return officer.get(url + f"/instalments?as_of={as_of}").json["items"]


def of_part(items, part):
    return [i for i in items if i["part"] == part]


def test_exact_partial_and_over_payments(api):
    officer, url, ids, _plan = active_since(api)
    case_id, ktb = int(url.rsplit("/", 1)[1]), ids[2]
    assert NEW_LOAN == Decimal("4589.96") and KTB == Decimal("2899.92")  # the textbook annuities
    half = (KTB / 2).quantize(Decimal("0.01"))
    sent = post(officer, [line(case_id, "new_loan", NEW_LOAN, "P-1"),              # exact
                          line(case_id, str(ktb), half, "P-2")])                    # partial
    assert sent.status_code == 200, sent.json
    assert sent.json["matched"] == 2 and sent.json["recorded"] is True and sent.json["unmatched"] == []
    assert Decimal(sent.json["amount_matched"]) == NEW_LOAN + half

    items = instalments(officer, url, as_of="2026-02-20")   # February is still under way
    loan, debt = of_part(items, "new_loan"), of_part(items, ktb)
    assert (loan[0]["n"], loan[0]["due_month"], loan[0]["status"], loan[0]["amount_paid"]) == \
        (1, "2026-02", "paid", f"{NEW_LOAN:.2f}")
    assert (debt[0]["status"], debt[0]["amount_paid"], debt[0]["amount_due"]) == ("partial", f"{half:.2f}", f"{KTB:.2f}")
    assert len(loan) == 180 and len(debt) == 60

    # an overpayment for March: 1.5 instalments of the KTB part finish February's and go on to March's
    over = (KTB * Decimal("1.5")).quantize(Decimal("0.01"))
    assert post(officer, [line(case_id, str(ktb), over, "P-3", paid_on="2026-03-30")], month="2026-03").json["matched"] == 1
    debt = of_part(instalments(officer, url, as_of="2026-03-15"), ktb)
    assert debt[0]["status"] == "paid"
    assert Decimal(debt[1]["amount_paid"]) == half + over - KTB   # what is left after February's
    assert debt[2]["amount_paid"] == "0.00"


def test_overdue_instalments_and_the_case_delinquency(api):
    officer, url, ids, _plan = active_since(api)
    case_id = int(url.rsplit("/", 1)[1])
    post(officer, [line(case_id, "new_loan", NEW_LOAN, "Q-1"), line(case_id, str(ids[2]), KTB, "Q-2")])
    # On 15 April 2026 March's instalments (due 31 March) are 15 days late; February's are paid.
    items = instalments(officer, url, as_of="2026-04-15")
    march = [i for i in items if i["due_month"] == "2026-03"]
    assert {(i["status"], i["days_past_due"]) for i in march} == {("overdue", 15)}
    assert {i["status"] for i in items if i["due_month"] == "2026-04"} == {"due"}
    case = officer.get(url).json
    # today (the test's real day) every month from March on has ended unpaid: the case is 90+
    assert case["delinquency"]["bucket"] in ("61-90", "90+")
    assert Decimal(case["delinquency"]["amount_overdue"]) > 0


def test_a_double_payment_is_recorded_once(api):
    officer, url, ids, _plan = active_since(api)
    case_id = int(url.rsplit("/", 1)[1])
    lines = [line(case_id, "new_loan", NEW_LOAN, "D-1")]
    assert post(officer, lines).json["matched"] == 1
    again = post(officer, lines).json
    assert (again["matched"], again["already_recorded"], again["unmatched"]) == (0, 1, [])
    changed = post(officer, [line(case_id, "new_loan", "100.00", "D-1")]).json
    assert changed["matched"] == 0 and changed["unmatched"][0]["field"] == "reference"
    repeated = post(officer, [line(case_id, "new_loan", "10.00", "D-2"), line(case_id, "new_loan", "10.00", "D-2")],
                    accept_partial=True).json
    assert repeated["matched"] == 1 and repeated["unmatched"][0]["line"] == 2
    total = db.session.scalar(select(func.sum(Repayment.amount)).where(Repayment.case_id == case_id))
    assert total == NEW_LOAN + Decimal("10.00")


def test_wrong_person_out_of_scope_and_all_or_nothing(api):
    officer, url, ids, _plan = active_since(api)
    case_id = int(url.rsplit("/", 1)[1])
    other_person = citizen_id(7)  # a valid ID, not the teacher's
    assert is_valid_citizen_id(other_person)
    lines = [line(case_id, "new_loan", NEW_LOAN, "W-1"),
             line(case_id, "new_loan", "50.00", "W-2", citizen_id=other_person),
             line(case_id, "loan", "50.00", "W-3"),
             line(case_id, "new_loan", "-5", "W-4"),
             line(case_id, "new_loan", "99999999.00", "W-5"),
             line(case_id + 999, "new_loan", "50.00", "W-6")]
    refused = post(officer, lines).json
    assert refused["recorded"] is False and refused["matched"] == 1
    assert [(u["line"], u["field"]) for u in refused["unmatched"]] == [
        (2, "citizen_id"), (3, "part"), (4, "amount"), (5, "amount"), (6, "case_id")]
    assert db.session.scalar(select(func.count(Repayment.id)).where(Repayment.case_id == case_id)) == 0
    # the same with partial acceptance: the one good line is recorded
    partial = post(officer, lines, accept_partial=True).json
    assert partial["recorded"] is True and partial["matched"] == 1 and len(partial["unmatched"]) == 5
    # out of scope: Khon Kaen's cooperative does not see the Chiang Mai case (and is not told it exists)
    outsider = post(api("coop_officer2"), [line(case_id, "new_loan", "10.00", "W-7")]).json
    assert outsider["matched"] == 0 and outsider["unmatched"][0]["reason"] == post(
        officer, [line(case_id + 999, "new_loan", "10.00", "W-8")]).json["unmatched"][0]["reason"]


def test_dry_run_records_nothing_and_roles(api):
    officer, url, ids, _plan = active_since(api)
    case_id = int(url.rsplit("/", 1)[1])
    dry = post(officer, [line(case_id, "new_loan", NEW_LOAN, "R-1")], dry_run=True).json
    assert (dry["matched"], dry["recorded"], dry["dry_run"]) == (1, False, True)
    assert db.session.scalar(select(func.count(Repayment.id)).where(Repayment.case_id == case_id)) == 0
    assert post(api("province_approver"), [line(case_id, "new_loan", NEW_LOAN, "R-2")]).status_code == 403
    by_province = post(api("province_officer"), [line(case_id, "new_loan", NEW_LOAN, "R-3")]).json
    assert by_province["matched"] == 1
    bad = officer.post("/api/v1/repayments", json={"month": "2026-13", "lines": []})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"month"}
    future = officer.post("/api/v1/repayments", json={"month": "2099-01", "lines": [{}]})
    assert future.status_code == 422


def _kept_and_summed(case_id: int) -> tuple[dict, dict]:
    from app.models import RepaymentTotal

    kept = {(t.plan_version, t.part): t.amount for t in db.session.scalars(
        select(RepaymentTotal).where(RepaymentTotal.case_id == case_id, RepaymentTotal.amount != 0))}
    summed = {}
    for r in db.session.scalars(select(Repayment).where(Repayment.case_id == case_id)):
        summed[(r.plan_version, r.part)] = summed.get((r.plan_version, r.part), Decimal("0")) + r.amount
    return kept, {k: v for k, v in summed.items() if v != 0}


def test_the_totals_per_part_follow_every_write(api):
    """Migration 0023's triggers: repayment_totals is the sum of the repayments per (plan version, part) after an
    import, an edit of amounts and parts, a deletion, and the case's deletion (cascade)."""
    from app.models import DebtCase, RepaymentTotal

    officer, url, ids, _plan = active_since(api)
    case_id, ktb = int(url.rsplit("/", 1)[1]), str(ids[2])
    sent = post(officer, [line(case_id, "new_loan", "1000.10", "T-1"), line(case_id, "new_loan", "0.20", "T-2"),
                          line(case_id, ktb, "333.33", "T-3")])
    assert sent.json["matched"] == 3
    kept, summed = _kept_and_summed(case_id)
    version = db.session.get(DebtCase, case_id).plan_version
    assert kept == summed == {(version, "new_loan"): Decimal("1000.30"), (version, ktb): Decimal("333.33")}

    first = db.session.scalar(select(Repayment).where(Repayment.reference == "T-1"))
    first.amount, first.part = Decimal("999.99"), ktb            # moved to the other part, with a new amount
    db.session.commit()
    kept, summed = _kept_and_summed(case_id)
    assert kept == summed == {(version, "new_loan"): Decimal("0.20"), (version, ktb): Decimal("1333.32")}

    db.session.delete(db.session.scalar(select(Repayment).where(Repayment.reference == "T-2")))
    db.session.commit()
    kept, summed = _kept_and_summed(case_id)
    assert kept == summed == {(version, ktb): Decimal("1333.32")}

    db.session.execute(Repayment.__table__.delete().where(Repayment.case_id == case_id))
    db.session.commit()
    assert _kept_and_summed(case_id) == ({}, {})
    assert db.session.scalar(select(func.count()).select_from(RepaymentTotal)
                             .where(RepaymentTotal.case_id == case_id, RepaymentTotal.amount != 0)) == 0
