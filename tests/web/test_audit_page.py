from datetime import date

from app.domain import clock

from tests.helpers import login


def test_auditor_sees_and_filters_the_trail(as_user, client):
    login(client, "coop_officer")
    client.post("/logout")
    client = as_user("auditor")
    page = client.get("/audit/?actor=coop_officer").get_data(as_text=True)
    assert "เข้าสู่ระบบ" in page and "ออกจากระบบ" in page
    page = client.get("/audit/?action=auth.sign_out").get_data(as_text=True)
    assert page.count("<tr>") == 2  # the header row and one sign-out
    today = clock.today().isoformat()
    assert "coop_officer" in client.get(f"/audit/?date_from={today}&date_to={today}").get_data(as_text=True)
    page = client.get("/audit/?date_from=2000-01-01&date_to=2000-01-02").get_data(as_text=True)
    assert "ไม่พบรายการที่ตรงกับเงื่อนไข" in page


def test_a_bad_date_filter_is_marked_not_a_crash(as_user):
    response = as_user("auditor").get("/audit/?date_from=31/02/2569")
    assert response.status_code == 200
    assert "กรุณากรอกวันที่ให้ถูกต้อง" in response.get_data(as_text=True)
    assert 'value="31/02/2569"' in response.get_data(as_text=True)  # what was typed stays


def test_the_dates_are_typed_and_shown_day_month_buddhist_year(as_user):
    client = as_user("auditor")
    today = clock.today()
    typed = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    page = client.get(f"/audit/?date_from={typed}&date_to={typed}").get_data(as_text=True)
    assert f'value="{typed}"' in page and "กรุณากรอกวันที่ให้ถูกต้อง" not in page
    assert "ไม่พบรายการที่ตรงกับเงื่อนไข" not in page  # today's sign-ins are listed
    assert 'type="date"' not in page
    # an ISO date (a bookmarked link) is read and shown the Thai way
    page = client.get(f"/audit/?date_from={today.isoformat()}").get_data(as_text=True)
    assert f'value="{typed}"' in page


def test_other_roles_cannot_read_the_trail(as_user):
    assert as_user("province_approver").get("/audit/").status_code == 403
