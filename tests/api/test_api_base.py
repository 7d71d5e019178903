import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken
from tests.helpers import DEMO_PASSWORD


def test_token_then_me(client, api):
    response = client.post("/api/v1/auth/token", json={"username": "coop_officer", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert len(body["token"]) >= 40 and body["expires_at"].endswith("Z")
    # only the hash is stored
    assert db.session.scalar(select(ApiToken.token_hash)) != body["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).json
    assert me["username"] == "coop_officer" and me["role"] == "cooperative_officer"
    assert me["org_unit"] == {"code": "COOP-CMI-01", "name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด",
                              "kind": "cooperative"}


def test_thai_is_sent_as_is_not_escaped(api):
    raw = api("coop_officer").get("/api/v1/me").get_data()
    assert "สหกรณ์".encode() in raw and b"\\u0e2a" not in raw


def test_bad_credentials_are_401_in_the_error_format(client):
    response = client.post("/api/v1/auth/token", json={"username": "coop_officer", "password": "nope"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_token_endpoint_throttles_like_the_web_form(client):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "coop_officer", "password": "nope"})
    response = client.post("/api/v1/auth/token", json={"username": "coop_officer", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_malformed_and_incomplete_bodies(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "malformed_json"
    response = client.post("/api/v1/auth/token", json={"username": "x"})
    assert response.status_code == 422 and response.json["error"]["fields"] == {"password": "required"}


def test_no_bad_or_expired_token_is_401(client, api):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    caller = api("auditor")
    for row in db.session.scalars(select(ApiToken)):
        row.expires_at -= timedelta(days=1)
    db.session.commit()
    response = caller.get("/api/v1/me")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_revoked_token_stops_working(api):
    caller = api("auditor")
    assert caller.delete("/api/v1/auth/token").status_code == 204
    assert caller.get("/api/v1/me").status_code == 401


def test_cookies_do_not_authenticate_the_api(client):
    client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    assert client.get("/api/v1/me").status_code == 401


def test_org_units_are_scoped_and_filterable(api):
    items = api("coop_officer").get("/api/v1/org-units").json["items"]
    assert [u["code"] for u in items] == ["COOP-CMI-01"]
    body = api("province_approver").get("/api/v1/org-units").json
    # the province, its cooperative, its seven area offices (สพป. เขต 1–6, สพม.) and its pension payer (issue 19)
    assert {u["code"] for u in body["items"]} == {"50", "COOP-CMI-01", "PENSION-CMI", "AREA-CMI-M",
                                                  *(f"AREA-CMI-0{n}" for n in range(1, 7))}
    region = api("region_approver").get("/api/v1/org-units?kind=province&per_page=200").json
    assert {u["code"] for u in region["items"]} == {"50", "51", "52", "58"}  # ศธภ.15's provinces
    assert all(u["parent_code"] == "REG-15" for u in region["items"])
    nation = api("ministry_viewer").get("/api/v1/org-units?kind=province&per_page=10&page=2").json
    assert nation["total"] == 77 and nation["page"] == 2 and nation["per_page"] == 10 and len(nation["items"]) == 10
    assert api("ministry_viewer").get("/api/v1/org-units?per_page=5000").json["per_page"] == 200
    bad = api("ministry_viewer").get("/api/v1/org-units?kind=planet")
    assert bad.status_code == 422 and "kind" in bad.json["error"]["fields"]


def test_unknown_api_paths_and_methods_answer_json(api):
    caller = api("auditor")
    response = caller.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = caller.put("/api/v1/me")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_openapi_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, (path, method)
    assert doc["paths"]["/auth/token"]["post"]["security"] == []
