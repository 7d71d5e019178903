"""The v1.1 letter kinds on the pages (issue 20): the case page offers a guarantor notice for each guaranteed debt
60 or more days overdue, says why it waits otherwise, and the batch page gathers every such case in scope.

The case's first instalment is due in February 2027 (due day 28 February): 60 days overdue on 29 April 2027."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain import clock
from app.extensions import db
from app.models import Letter, LetterBatch
from app.models.guarantors import DebtGuarantor
from app.services import arrears
from tests.helpers import at, active_case

DAY_60 = date(2027, 4, 29)




def guaranteed_active_case(api):
    _officer, url, ids, _plan = active_case(api)
    db.session.add(DebtGuarantor(debt_id=ids[1], position=0, citizen_id="3100100123451", title="นาย",
                                 first_name="ประเสริฐ", last_name="วงศ์สวัสดิ์"))
    db.session.flush()
    return int(url.rsplit("/", 1)[1]), ids


def test_the_case_page_offers_the_notice_per_overdue_debt_and_issues_it(api, as_user):
    case_id, ids = guaranteed_active_case(api)
    page = as_user("coop_officer").get(f"/debt-cases/{case_id}").get_data(as_text=True)
    assert f'data-testid="issue-guarantor_notice-{ids[1]}"' not in page  # not yet due: nothing overdue today
    assert "ผู้ค้ำประกัน" in page or "guarantor" in page.lower()  # said why, in the waiting list
    as_user("coop_officer").post("/logout")
    with at(DAY_60):
        client = as_user("coop_officer")
        page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
        assert f'data-testid="issue-guarantor_notice-{ids[1]}"' in page
        assert f'data-testid="issue-guarantor_notice-{ids[2]}"' not in page  # no guarantor
        response = client.post("/letters/issue", data={"case_type": "debt", "case_id": case_id,
                                                       "kind": "guarantor_notice", "debt_id": ids[1]})
        letter = db.session.scalar(select(Letter).where(Letter.kind == "guarantor_notice"))
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/letters/{letter.id}")
        page = client.get(f"/debt-cases/{case_id}").get_data(as_text=True)
        assert f'data-testid="reprint-guarantor_notice-{ids[1]}"' in page and letter.number_text in page


def test_the_batch_page_gathers_the_overdue_cases_and_prints_their_notices(api, as_user):
    case_id, ids = guaranteed_active_case(api)
    with at(DAY_60):
        arrears.assess(clock.today(), case_ids=[case_id])
        client = as_user("coop_officer")
        form = client.get("/letters/batches/new?kind=guarantor_notice").get_data(as_text=True)
        assert f'id="case-{case_id}" checked' in form and 'data-testid="batch-overdue-note"' in form
        response = client.post("/letters/batches/new", data={"kind": "guarantor_notice", "case_ids": [str(case_id)]})
        batch = db.session.scalar(select(LetterBatch))
        assert response.status_code == 302 and batch.status == "done"
        assert [x.debt_id for x in db.session.scalars(select(Letter).where(Letter.batch_id == batch.id))] == [ids[1]]
        form = client.get("/letters/batches/new?kind=guarantor_notice").get_data(as_text=True)
        assert f'id="case-{case_id}" >' in form and f'id="case-{case_id}" checked' not in form  # notified
