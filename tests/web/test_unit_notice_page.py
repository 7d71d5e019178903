"""The deduction list page offers the provincial office each paying unit's notice for the month (issue 19):
POST /letters/deduction-notices issues it and opens the letter; issuing it again without a reason goes back to the
page with the refusal naming the letter. The month's list is stood in for (deduction_lists.items replaced)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Letter
from app.services import deduction_lists
from app.services.deduction_lists import Item, Line
from tests.helpers import citizen_id

UNIT = "AREA-CMI-01"


@pytest.fixture
def listed(monkeypatch):
    made = [Item(citizen_id(n), f"นางสมศรี ใจดี{n}", UNIT, "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1",
                 9000 + n, f"DC-{n}", (Line(1, "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "new_loan", Decimal("9700.00")),),
                 Decimal("9700.00"), "new") for n in range(3)]
    monkeypatch.setattr(deduction_lists, "items", lambda *args, **kwargs: iter(made))
    return made


def test_the_page_offers_the_notice_and_the_post_issues_it(listed, as_user):
    client = as_user("province_officer")
    page = client.get("/debt-cases/deductions?month=01/2570")
    assert page.status_code == 200 and 'data-testid="unit-notice-form"' in page.get_data(as_text=True)
    form = {"paying_unit_code": UNIT, "month": "01/2570", "next": "/debt-cases/deductions?month=01/2570"}
    issued = client.post("/letters/deduction-notices", data=form)
    letter = db.session.scalar(select(Letter).where(Letter.kind == "deduction_list_notice"))
    assert issued.status_code == 302 and issued.headers["Location"].endswith(f"/letters/{letter.id}")
    assert letter.payload["data"]["month"] == date(2027, 1, 1).isoformat() and letter.payload["data"]["count"] == 3
    again = client.post("/letters/deduction-notices", data=form, follow_redirects=True)
    assert again.request.path == "/debt-cases/deductions" and letter.number_text in again.get_data(as_text=True)
    reissued = client.post("/letters/deduction-notices", data={**form, "reissue_reason": "แก้ไข"})
    assert reissued.status_code == 302
    assert len(db.session.scalars(select(Letter).where(Letter.kind == "deduction_list_notice")).all()) == 2


def test_only_those_who_issue_it_see_the_form(listed, as_user):
    client = as_user("coop_officer")
    page = client.get("/debt-cases/deductions?month=01/2570").get_data(as_text=True)
    assert 'data-testid="unit-notice-form"' not in page
    assert client.post("/letters/deduction-notices", data={"paying_unit_code": UNIT, "month": "01/2570"}
                       ).status_code == 404  # the unit is outside a cooperative's scope
