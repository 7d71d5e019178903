"""Dates people type are day/month/Buddhist year on every form, read back the same way, ISO still accepted, and no
page uses a native date picker (it shows mm/dd/Common Era)."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain import clock

from app.extensions import db
from app.models.relief import Payment as ReliefPayment


def _be(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def test_a_relief_payment_date_is_typed_in_the_buddhist_era(as_user, decided):
    _debt, relief = decided
    entitlement = next(e for e in relief.entitlements if not e.schedule and e.amount > sum(
        (p.amount for p in relief.payments if p.entitlement_id == e.id), Decimal("0")))
    client = as_user("south_officer")
    page = client.get(f"/relief-cases/{relief.id}").get_data(as_text=True)
    assert f'name="paid_on"' in page and f'value="{_be(clock.today())}"' in page and 'type="date"' not in page
    paid_on = clock.today() - timedelta(days=3)
    bad = client.post(f"/relief-cases/{relief.id}/payments", data={
        "entitlement_id": entitlement.id, "amount": "100.00", "paid_on": "31/02/2569", "reference": "PV-BE-1"})
    assert bad.status_code == 422 and 'value="31/02/2569"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(ReliefPayment).where(ReliefPayment.reference == "PV-BE-1")) is None
    client.post(f"/relief-cases/{relief.id}/payments", data={
        "entitlement_id": entitlement.id, "amount": "100.00", "paid_on": _be(paid_on), "reference": "PV-BE-1"})
    payment = db.session.scalar(select(ReliefPayment).where(ReliefPayment.reference == "PV-BE-1"))
    assert payment is not None and payment.paid_on == paid_on


def test_the_register_filters_by_typed_buddhist_era_dates(as_user, api, decided):
    debt, _ = decided
    api("province_officer").post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "approval_notice"})
    client = as_user("province_officer")
    today, tomorrow = clock.today(), clock.today() + timedelta(days=1)
    page = client.get(f"/letters?office=all&from={_be(today)}&to={_be(today)}").get_data(as_text=True)
    assert page.count('data-testid="register-row"') == 1 and f'value="{_be(today)}"' in page
    later = client.get(f"/letters?office=all&from={_be(tomorrow)}").get_data(as_text=True)
    assert later.count('data-testid="register-row"') == 0
    assert 'type="date"' not in page


def test_no_template_uses_a_native_date_input():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    assert [str(p) for p in templates.rglob("*.html") if 'type="date"' in p.read_text()] == []
