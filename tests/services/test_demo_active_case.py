"""The demo (issue 19): `flask seed-demo` leaves one case fully activated — answered, paid off, agreement signed —
so that `make run` shows a deduction list; its paying units are the provinces' real area offices and pension
payers; seeding again adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from app.demo import DEMO_ACTIVE_DEBT, seed_demo_cases
from app.extensions import db
from app.models import DebtCase, DebtPayoff, DeductionLine


def test_the_demo_has_an_active_case_with_deduction_lines_and_seeds_once():
    assert seed_demo_cases() > 0
    active = db.session.scalar(select(DebtCase).where(DebtCase.person.has(
        citizen_id=DEMO_ACTIVE_DEBT[1]["teacher"]["citizen_id"])))
    assert active.status == "active" and active.agreement_signed_on is not None
    # a retired teacher: the pension payer deducts (domain.md, "After approval" 3)
    assert active.retired and active.paying_unit.code == "PENSION-CMI"
    assert db.session.scalar(select(func.count(DebtPayoff.id)).where(DebtPayoff.case_id == active.id)) == 2
    parts = set(db.session.scalars(select(DeductionLine.part).where(DeductionLine.case_id == active.id)))
    assert "new_loan" in parts and len(parts) == 2  # the new loan and the rescheduled bank debt
    lines = db.session.scalars(select(DeductionLine).where(DeductionLine.case_id == active.id)).all()
    assert {line.paying_unit_id for line in lines} == {active.paying_unit_id}
    retired = db.session.scalars(select(DebtCase).where(DebtCase.retired.is_(True))).all()
    assert {c.paying_unit.kind for c in retired if c.paying_unit} == {"area_office", "pension_payer"}
    assert seed_demo_cases() == 0
