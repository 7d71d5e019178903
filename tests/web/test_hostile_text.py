"""Hostile text (issue 8) — very long, control characters, emoji, right-to-left marks, HTML and SQL fragments —
through the API and forms, then lists, case pages, the dashboard, exports and PDFs: no crash, no markup leaking."""
import copy
import unicodedata

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase
from tests.helpers import SPEC_CASE

HOSTILE = [
    '<script>alert("x")</script>',
    "Robert'); DROP TABLE debt_cases;--",
    "\u202eกรณี\u202c ทดสอบ 😀 \u200b",
    "ชื่อ\x07\x1b[31m",
    "ก" * 100,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_are_stored_as_text_and_shown_escaped(api, as_user, text):
    body = copy.deepcopy(SPEC_CASE)
    body["teacher"]["first_name"] = text
    body["teacher"]["workplace"] = text
    body["debts"][0]["creditor_name"] = text[:200]
    response = api("coop_officer").post("/api/v1/debt-cases", json=body)
    assert response.status_code in (201, 422), response.json
    if response.status_code == 422:  # refused field by field (e.g. control characters), never a 500
        assert response.json["error"]["fields"]
        return
    case_id = response.json["id"]
    stored = response.json["teacher"]["first_name"]
    assert not any(unicodedata.category(ch) == "Cc" for ch in stored)  # control characters never stored
    client = as_user("coop_officer")
    for url in (f"/debt-cases/{case_id}", "/debt-cases/", "/dashboard", "/people/", f"/debt-cases/?q={text[:20]}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script>alert(" not in page.get_data(as_text=True), url
    assert client.get("/debt-cases/?format=xlsx").status_code == 200
    summary = client.post("/letters/issue", data={"case_type": "debt", "case_id": case_id, "kind": "case_summary"})
    assert summary.status_code == 302
    pdf = client.get(summary.headers["Location"] + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_hostile_text_in_the_web_form_keeps_what_was_typed(as_user):
    client = as_user("coop_officer")
    hostile = '<img src=x onerror=alert(1)> 😀'
    response = client.post("/debt-cases/new", data={"teacher-citizen_id": "123", "teacher-first_name": hostile,
                                                    "monthly_salary": "abc", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<img src=x onerror" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert db.session.scalar(select(DebtCase.id)) is None


def test_nul_characters_are_refused_before_they_reach_the_database(api, client, as_user):
    """Found by fuzzing on PostgreSQL: ?status=%00 reached a query and PostgreSQL refused the NUL (a 500)."""
    assert api("coop_officer").get("/api/v1/debt-cases?status=%00").status_code == 400
    assert api("coop_officer").post("/api/v1/debt-cases", data='{"teacher": "\\u0000"}',
                                    headers={"Content-Type": "application/json"}).status_code == 400
    assert client.get("/verify/abc%00def").status_code == 400
    assert client.post("/login", data={"username": "a\x00b", "password": "x"}).status_code == 400
