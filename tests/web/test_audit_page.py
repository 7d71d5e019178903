from datetime import date

from tests.helpers import login


def test_auditor_sees_and_filters_the_trail(as_user, client):
    login(client, "coop_officer")
    client.post("/logout")
    client = as_user("auditor")
    page = client.get("/audit/?actor=coop_officer").get_data(as_text=True)
    assert "เข้าสู่ระบบ" in page and "ออกจากระบบ" in page
    page = client.get("/audit/?action=auth.sign_out").get_data(as_text=True)
    assert page.count("<tr>") == 2  # the header row and one sign-out
    today = date.today().isoformat()
    assert "coop_officer" in client.get(f"/audit/?date_from={today}&date_to={today}").get_data(as_text=True)
    page = client.get("/audit/?date_from=2000-01-01&date_to=2000-01-02").get_data(as_text=True)
    assert "ไม่พบรายการที่ตรงกับเงื่อนไข" in page


def test_a_bad_date_filter_is_marked_not_a_crash(as_user):
    response = as_user("auditor").get("/audit/?date_from=25/11/2569")
    assert response.status_code == 200
    assert "กรุณากรอกวันที่ให้ถูกต้อง" in response.get_data(as_text=True)


def test_other_roles_cannot_read_the_trail(as_user):
    assert as_user("province_approver").get("/audit/").status_code == 403
