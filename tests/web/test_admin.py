from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OrgUnit, User
from tests.factories import unit_by_code


def test_admin_creates_a_user_through_the_form(as_user):
    client = as_user("admin")
    unit = unit_by_code("COOP-PTN-01")
    response = client.post("/admin/users/new", data={
        "username": "somsri", "full_name": "สมศรี ใจดี", "email": "somsri@example.org",
        "role": "cooperative_officer", "org_unit_id": unit.id, "active": "y",
        "password": "good-pass-2569", "password_confirm": "good-pass-2569"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "somsri"))
    assert user.org_unit.code == "COOP-PTN-01" and user.active
    assert "สมศรี ใจดี" in client.get("/admin/users?q=somsri").get_data(as_text=True)


def test_a_bad_user_form_keeps_what_was_typed_and_marks_each_field(as_user):
    client = as_user("admin")
    response = client.post("/admin/users/new", data={
        "username": "coop_officer", "full_name": "ชื่อที่พิมพ์ไว้", "email": "",
        "role": "provincial_approver", "org_unit_id": unit_by_code("COOP-PTN-01").id,
        "password": "short", "password_confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="ชื่อที่พิมพ์ไว้"' in page and 'value="coop_officer"' in page
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in page  # form-level validator
    # service-level checks run once the form is well-formed
    response = client.post("/admin/users/new", data={
        "username": "coop_officer", "full_name": "ชื่อที่พิมพ์ไว้", "role": "provincial_approver",
        "org_unit_id": unit_by_code("COOP-PTN-01").id, "password": "short", "password_confirm": "short"})
    page = response.get_data(as_text=True)
    assert "ชื่อผู้ใช้นี้มีผู้ใช้แล้ว" in page
    assert "บทบาทนี้สังกัดหน่วยงานประเภทนี้ไม่ได้" in page
    assert "ใช้อย่างน้อย 10 ตัวอักษร" in page
    assert 'data-field="username"' in page and 'data-field="org_unit_id"' in page
    assert db.session.scalar(select(User).where(User.full_name == "ชื่อที่พิมพ์ไว้")) is None


def test_admin_edits_deactivates_and_resets_a_password(as_user):
    client = as_user("admin")
    target = db.session.scalar(select(User).where(User.username == "coop_officer2"))
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "full_name": "สุดารัตน์ ศรีสุขใจ", "email": "", "role": "cooperative_officer",
        "org_unit_id": target.org_unit_id, "active": "y"})
    assert response.status_code == 302
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    assert db.session.get(User, target.id).active is False
    response = client.post(f"/admin/users/{target.id}/password",
                           data={"password": "fresh-pass-2569", "password_confirm": "fresh-pass-2569"})
    assert response.status_code == 302
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(target.id))))
    assert {"user.update", "user.deactivate", "user.reset_password"} <= actions


def test_admin_adds_a_cooperative_under_a_province(as_user):
    client = as_user("admin")
    province = unit_by_code("94")
    response = client.post("/admin/org-units/new", data={
        "kind": "cooperative", "code": "COOP-PTN-02", "name": "สหกรณ์ออมทรัพย์ครูปัตตานี 2 จำกัด",
        "name_en": "", "parent_id": province.id, "active": "y"})
    assert response.status_code == 302
    unit = unit_by_code("COOP-PTN-02")
    assert unit.parent_id == province.id and unit.path.startswith(province.path)


def test_a_bad_unit_form_keeps_input(as_user):
    client = as_user("admin")
    response = client.post("/admin/org-units/new", data={
        "kind": "cooperative", "code": "COOP-CMI-01", "name": "ชื่อใหม่ที่พิมพ์", "parent_id": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "รหัสนี้มีหน่วยงานอื่นใช้แล้ว" in page and "กรุณาเลือกหน่วยงานต้นสังกัด" in page
    assert 'value="ชื่อใหม่ที่พิมพ์"' in page
    assert db.session.scalar(select(OrgUnit).where(OrgUnit.name == "ชื่อใหม่ที่พิมพ์")) is None


def test_admin_moves_bangkok_under_a_region(as_user):
    client = as_user("admin")
    bangkok, region = unit_by_code("10"), unit_by_code("REG-02")
    response = client.post(f"/admin/org-units/{bangkok.id}/edit", data={
        "kind": "province", "code": "10", "name": bangkok.name, "name_en": "Bangkok",
        "parent_id": region.id, "active": "y"})
    assert response.status_code == 302
    assert unit_by_code("10").parent.code == "REG-02"


def test_admin_changes_a_rule_through_the_page(as_user):
    from app.models import EntitlementRule

    client = as_user("admin")
    rule = db.session.scalar(select(EntitlementRule).where(EntitlementRule.code == "sbpac.remedy.death"))
    form = client.get("/admin/rules").get_data(as_text=True)
    assert 'type="date"' not in form and 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in form  # Thai users type dd/mm/BE
    bad = client.post(f"/admin/rules/{rule.id}/version", data={"amount": "700000", "effective_from": "01/01/2568",
                                                              "source": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="700000"' in page and 'value="01/01/2568"' in page  # kept as typed
    good = client.post(f"/admin/rules/{rule.id}/version", data={"amount": "700000", "effective_from": "01/01/2568",
                                                               "source": "มติคณะรัฐมนตรี (ทดสอบ)"})
    assert good.status_code == 302
    versions = db.session.scalars(select(EntitlementRule).where(EntitlementRule.code == "sbpac.remedy.death")
                                  .order_by(EntitlementRule.effective_from)).all()
    assert [str(v.amount) for v in versions] == ["500000.00", "700000.00"]
    assert str(versions[0].effective_to) == "2024-12-31"
    from app.models import AuditEvent

    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rule.new_version")) is not None
