"""Demo data for `flask seed-demo`: cooperatives in Chiang Mai, Khon Kaen and Pattani and one user per role.

Acceptance tests sign in with exactly these usernames.
"""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OrgUnit, Role, User
from app.services import audit
from app.services.org import _add_unit, region_code, seed_reference_tree
from app.services.users import hash_password

DEMO_UNITS = [
    # code, name, kind, province code
    ("COOP-CMI-01", "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "50"),
    ("COOP-KKN-01", "สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", "cooperative", "40"),
    ("COOP-PTN-01", "สหกรณ์ออมทรัพย์ครูปัตตานี จำกัด", "cooperative", "94"),
    ("AREA-CMI-01", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1", "area_office", "50"),
]

CHIANG_MAI_REGION = 15  # regions.csv: ศธภ.15 has its seat in Chiang Mai (50)

DEMO_USERS = [
    # username, full name, role, unit code
    ("admin", "ผู้ดูแลระบบ ส่วนกลาง", Role.ADMINISTRATOR, "MOE"),
    ("coop_officer", "สมชาย ใจงาม", Role.COOPERATIVE_OFFICER, "COOP-CMI-01"),
    ("coop_officer2", "สุดารัตน์ ศรีสุข", Role.COOPERATIVE_OFFICER, "COOP-KKN-01"),
    ("province_officer", "วิไลวรรณ คำดี", Role.PROVINCIAL_OFFICER, "50"),
    ("province_approver", "ประเสริฐ วงศ์ใหญ่", Role.PROVINCIAL_APPROVER, "50"),
    ("region_approver", "กมล ทองคำ", Role.REGIONAL_APPROVER, region_code(CHIANG_MAI_REGION)),
    ("south_officer", "อับดุลเลาะ มะแซ", Role.PROVINCIAL_OFFICER, "94"),
    ("south_approver", "นูรีซัน สาและ", Role.PROVINCIAL_APPROVER, "94"),
    ("ministry_viewer", "อรุณี ประเสริฐศักดิ์", Role.MINISTRY_VIEWER, "MOE"),
    ("auditor", "ธนพล ตรวจสอบ", Role.AUDITOR, "MOE"),
]


def seed_demo(password: str) -> dict[str, int]:
    """Create what is missing; set every demo user's password to `password`. Idempotent. Commits."""
    added_units = seed_reference_tree()
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    for code, name, kind, province in DEMO_UNITS:
        if code not in units:
            parent = units[province]
            units[code] = _add_unit(parent, code=code, name=name, kind=kind, province_code=province,
                                    region_no=parent.region_no)
            added_units += 1
    added_users = 0
    password_hash = hash_password(password)
    for username, full_name, role, unit_code in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=full_name, role=role.value, org_unit=units[unit_code],
                        password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            audit.record("user.create", actor=None, object_type="user", object_id=user.id,
                         org_path=user.org_unit.path, after={"username": username, "role": role.value})
            added_users += 1
        else:
            user.password_hash = password_hash
            user.active = True
    db.session.commit()
    return {"units": added_units, "users": added_users}
