"""Issue 14, items 5, 7, 8 and 9: bad input that used to give 500s, absolute URLs that followed the Host header,
personal answers that browsers could cache, and demo users that shared one password hash."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import DEMO_USERS
from app.models import User
from tests.helpers import login

# ---- item 5: a newline in ?next= (the JSON shapes are in tests/api/test_fuzz_openapi.py) ---------------------

@pytest.mark.parametrize("target", ["/debt-cases/\nSet-Cookie: x=1", "/\r\nLocation: //evil.example", "/%0a"])
def test_a_newline_in_next_never_reaches_a_header(client, target):
    signed_in = client.post("/login", data={"username": "coop_officer", "password": "test-pass-2569",
                                            "next": target})
    assert signed_in.status_code == 302
    assert "\n" not in signed_in.headers["Location"] and "evil" not in signed_in.headers["Location"]
    assert "x" not in client.get_cookie("session").value[:0]  # the session cookie is still the app's own


def test_a_control_character_in_next_or_the_address_never_gives_a_500(client):
    page = client.get("/login?next=/%0d%0aSet-Cookie:%20a=b")
    assert page.status_code == 200 and "Set-Cookie: a=b" not in str(page.headers)
    assert client.get("/debt-cases/%0a").status_code == 400
    response = client.get("/api/v1/debt-cases?status=%0a")
    assert response.status_code in (400, 401) and response.json["error"]["code"]


# ---- item 7: absolute URLs come from PUBLIC_BASE_URL only ----------------------------------------------------

def test_letter_urls_ignore_the_host_header(app, api, decided):
    debt, _relief = decided
    approver = api("province_approver")
    app.config["PUBLIC_BASE_URL"] = "https://krudesk.example.go.th/"
    try:
        issued = approver.post(f"/api/v1/debt-cases/{debt.id}/letters", json={"kind": "approval_notice"},
                               headers={"Host": "evil.example"})
        assert issued.status_code == 201, issued.json
        listed = approver.get(f"/api/v1/letters/{issued.json['id']}", headers={"Host": "evil.example"})
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost/"
    for body in (issued.json, listed.json):
        assert body["pdf_url"] == f"https://krudesk.example.go.th/api/v1/letters/{issued.json['id']}.pdf"
        assert body["verify_url"].startswith("https://krudesk.example.go.th/verify/")
        assert "evil" not in str(body)


def test_no_absolute_url_is_built_from_the_request_anywhere_in_app():
    """One base for every absolute URL: nothing in app/ asks Flask for one from the request."""
    from pathlib import Path

    offenders = [str(path) for path in Path("app").rglob("*.py")
                 if any(word in path.read_text() for word in ("_external=True", "host_url", "url_root"))]
    assert offenders == []


# ---- item 8: no caching of signed-in answers ------------------------------------------------------------------

def test_every_signed_in_answer_is_no_store(as_user, api, decided):
    debt, _relief = decided
    browser = as_user("province_officer")
    person_id = debt.person_id
    for url in ("/", f"/debt-cases/{debt.id}", f"/people/{person_id}", "/debt-cases/?format=csv",
                "/debt-cases/?format=xlsx", "/dashboard", "/dashboard?export=debt_status&format=csv"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    for url in (f"/api/v1/debt-cases/{debt.id}", "/api/v1/debt-cases"):
        response = api("province_officer").get(url)
        assert response.status_code == 200 and response.headers.get("Cache-Control") == "no-store", url


def test_public_pages_and_static_files_may_be_cached(client):
    assert "no-store" not in (client.get("/login").headers.get("Cache-Control") or "")
    assert "no-store" not in (client.get("/static/vendor/bootstrap/bootstrap.min.css").headers.get("Cache-Control") or "")


# ---- item 9: demo users do not share a hash -------------------------------------------------------------------

def test_each_demo_user_has_a_hash_of_its_own(db):
    hashes = db.session.scalars(select(User.password_hash).where(User.username.in_([u[0] for u in DEMO_USERS]))).all()
    assert len(hashes) == len(DEMO_USERS) >= 8
    assert len(set(hashes)) == len(hashes)
    salts = {h.split("$")[1] for h in hashes}
    assert len(salts) == len(hashes)


def test_seeding_again_with_the_same_password_keeps_hashes_and_sign_in(db, client):
    from app.demo import seed_demo
    from tests.helpers import DEMO_PASSWORD

    before = dict(db.session.execute(select(User.username, User.password_hash)).all())
    seed_demo(DEMO_PASSWORD)
    after = dict(db.session.execute(select(User.username, User.password_hash)).all())
    assert before == after
    assert login(client, "coop_officer").status_code == 302


# ---- item 6: an evidence file name is cleaned at input like any other text -------------------------------------

@pytest.mark.parametrize("name, stored", [("scan\x00.pdf", "scan.pdf"), ("ใบ\x07มรณบัตร\x1b[31m.pdf", "ใบมรณบัตร[31m.pdf"),
                                          ("../../etc/passwd\x00.pdf", "passwd.pdf"), ("\x00", "file")])
def test_an_evidence_file_name_with_control_characters_is_stored_clean_and_downloads(api, as_user, name, stored):
    import io

    from tests.helpers import PDF, death_case

    officer = api("south_officer")
    case = officer.post("/api/v1/relief-cases", json=death_case()).json
    added = officer.post(f"/api/v1/relief-cases/{case['id']}/evidence",
                         data={"kind": "police_report", "file": (io.BytesIO(PDF), name)},
                         content_type="multipart/form-data")
    assert added.status_code == 201, added.json
    evidence = officer.get(f"/api/v1/relief-cases/{case['id']}").json["evidence"][0]
    assert evidence["filename"] == stored
    browser = as_user("south_officer")
    for download in (lambda: officer.get(f"/api/v1/relief-cases/{case['id']}/evidence/{evidence['id']}"),
                     lambda: browser.get(f"/relief-cases/{case['id']}/evidence/{evidence['id']}")):
        response = download()  # each streamed file is read before the next request, as a browser does
        assert response.status_code == 200 and response.data == PDF
        assert "\x00" not in response.headers["Content-Disposition"]
