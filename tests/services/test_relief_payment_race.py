"""Relief payments under concurrency (issue 14, item 1): parallel payments never pay more than was approved
(per entitlement, per heir's share, per instalment), round numbers run 1..n without repeats, and a payment and
the approved → paying step are one transaction — a 201 means the payment is stored, an error means nothing is."""
import threading
from decimal import Decimal

import pytest

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, CaseTransition, Payment, Person, ReliefCase
from app.services import workflow
from app.services.errors import Conflict
from tests.helpers import verified_case
from tests.helpers import api_token

pytestmark = pytest.mark.commits  # fifty threads, each with its own connection

THREADS = 50


def approved_case(api):
    """The death case of tests/api/test_relief_api.py, verified and approved, with no payment yet."""
    officer, case = verified_case(api)
    approver = api("south_approver")
    done = approver.post(f"/api/v1/relief-cases/{case['id']}/transitions",
                         json={"action": "approve", "resolution_no": "คกก. 3/2567"})
    assert done.status_code == 200 and done.json["status"] == "approved", done.json
    return case


def entitlement(case, code):
    return next(e for e in case["entitlements"] if e["rule"]["code"] == code)


def pay_in_parallel(app, token, case_id, bodies):
    """POST every body at once, one thread (own client, app context and session) each; the answers in order."""
    db.session.remove()
    barrier = threading.Barrier(len(bodies), timeout=60)
    answers = [None] * len(bodies)

    def pay(i):
        with app.app_context():
            client = app.test_client()
            barrier.wait()  # all start together, then queue for pooled connections and locks
            try:
                response = client.post(f"/api/v1/relief-cases/{case_id}/payments", json=bodies[i],
                                       headers={"Authorization": f"Bearer {token}"})
                answers[i] = (response.status_code, response.json)
            except Exception as error:  # noqa: BLE001 — the test reports anything else
                answers[i] = (repr(error), None)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def stored(case_id):
    return list(db.session.scalars(select(Payment).where(Payment.case_id == case_id).order_by(Payment.id)))


def assert_consistent(case_id, answers):
    """Every 201 is a stored payment and every stored payment had a 201; one audit row each; rounds 1..n
    per entitlement; the case is paying exactly when a payment is stored, with one approved → paying step."""
    assert all(status in (201, 409, 422) for status, _body in answers), answers  # never a 500 or 503
    payments = stored(case_id)
    ok = sorted((body["id"], body["round"], body["entitlement_id"]) for status, body in answers if status == 201)
    assert ok == sorted((p.id, p.round_no, p.entitlement_id) for p in payments)
    for entitlement_id in {p.entitlement_id for p in payments}:
        rounds = sorted(p.round_no for p in payments if p.entitlement_id == entitlement_id)
        assert rounds == list(range(1, len(rounds) + 1)), rounds
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "relief_payment.record", AuditEvent.object_id == str(case_id))))
    assert sorted((e.after["entitlement_id"], e.after["round"]) for e in events) == sorted(
        (p.entitlement_id, p.round_no) for p in payments)
    status = db.session.get(ReliefCase, case_id).status
    assert status == ("paying" if payments else "approved")
    steps = db.session.scalar(select(func.count()).select_from(CaseTransition).where(
        CaseTransition.case_type == "relief", CaseTransition.case_id == case_id, CaseTransition.action == "pay"))
    assert steps == (1 if payments else 0)
    return payments


def test_fifty_parallel_payments_never_pay_more_than_approved(app, client, api):
    case = approved_case(api)
    remedy = entitlement(case, "sbpac.remedy.death")
    assert Decimal(remedy["amount"]) == Decimal("500000.00")
    body = {"entitlement_id": remedy["id"], "amount": "100000.00", "paid_on": "2024-08-01", "reference": "PV-2567/001"}
    answers = pay_in_parallel(app, api_token(client, "south_officer"), case["id"], [body] * THREADS)

    payments = assert_consistent(case["id"], answers)
    assert sum(p.amount for p in payments) == Decimal("500000.00")  # five rounds of 100,000.00, then no more
    assert [status for status, _body in answers].count(201) == 5, answers
    assert [status for status, _body in answers].count(422) == THREADS - 5, answers
    assert sorted(p.round_no for p in payments) == [1, 2, 3, 4, 5]


def test_parallel_payments_to_heirs_and_entitlements_keep_every_cap(app, client, api):
    """Each heir's share and the entitlement hold at once, and payments to two entitlements racing the
    approved → paying step are all stored (no stored payment answered 409)."""
    case = approved_case(api)
    remedy, welfare = entitlement(case, "sbpac.remedy.death"), entitlement(case, "moe.welfare.death")
    people = dict(db.session.execute(select(Person.citizen_id, Person.id)).all())
    shares = {people[s["citizen_id"]]: Decimal(s["amount"]) for s in welfare["beneficiary_shares"]}
    heirs = sorted(shares)
    bodies = []
    for i in range(THREADS):
        if i % 5 == 4:  # a fifth of the threads pay the remedy, 50,000.00 at a time (cap: ten of them)
            bodies.append({"entitlement_id": remedy["id"], "amount": "50000.00", "paid_on": "2024-08-01",
                           "reference": f"PV-R-{i}"})
        else:  # the others pay an heir 500,000.00 of a 1,166,666.6x share (cap: two each)
            bodies.append({"entitlement_id": welfare["id"], "amount": "500000.00", "paid_on": "2024-08-01",
                           "reference": f"PV-W-{i}", "person_id": heirs[i % 3]})
    answers = pay_in_parallel(app, api_token(client, "south_officer"), case["id"], bodies)

    payments = assert_consistent(case["id"], answers)
    to_remedy = [p for p in payments if p.entitlement_id == remedy["id"]]
    assert sum(p.amount for p in to_remedy) == Decimal("500000.00") and len(to_remedy) == 10
    for person_id, share in shares.items():
        paid = sum(p.amount for p in payments if p.entitlement_id == welfare["id"] and p.person_id == person_id)
        assert paid == Decimal("1000000.00") <= share
    assert [status for status, _body in answers].count(201) == 16, answers


def test_a_payment_whose_status_step_fails_is_not_stored(api, monkeypatch):
    """The payment and the approved → paying step commit together: when the step fails, nothing is stored."""
    case = approved_case(api)
    remedy = entitlement(case, "sbpac.remedy.death")

    def refuse(*_args, **_kwargs):
        raise Conflict("Someone else acted on this case at the same moment. Reload it to see what happened.")

    monkeypatch.setattr(workflow, "transition", refuse)
    answer = api("south_officer").post(f"/api/v1/relief-cases/{case['id']}/payments", json={
        "entitlement_id": remedy["id"], "amount": "100000.00", "paid_on": "2024-08-01", "reference": "PV-1"})
    assert answer.status_code == 409
    assert stored(case["id"]) == []
    assert db.session.get(ReliefCase, case["id"]).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "relief_payment.record")) == 0
