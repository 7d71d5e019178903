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
    from app.services.relief_rules import seed_rules

    added_units = seed_reference_tree()
    seed_rules()
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


# Demo teachers (fictional people; citizen IDs pass the checksum but belong to no one known).
DEMO_CASES = [
    ("coop_officer", {
        "teacher": {"citizen_id": "1101700230708", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี",
                    "birth_date": "1975-04-01", "position": "ครู ชำนาญการพิเศษ", "workplace": "โรงเรียนบ้านหนองผึ้ง"},
        "monthly_salary": "45000.00", "monthly_allowances": "3500.00",
        "deductions": [{"kind": "tax", "monthly_amount": "1200.00"}, {"kind": "gpf", "monthly_amount": "1350.00"},
                       {"kind": "other", "label": "ประกันชีวิต", "monthly_amount": "800.00"}],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
                   "outstanding": "1850000.00", "annual_rate": "5.75", "monthly_payment": "21500.00",
                   "remaining_months": 132, "legal_status": "normal"},
                  {"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "600000.00",
                   "annual_rate": "6.90", "monthly_payment": "9000.00", "remaining_months": 96, "legal_status": "normal"},
                  {"creditor_name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "outstanding": "150000.00",
                   "annual_rate": "7.12", "monthly_payment": "4500.00", "remaining_months": 40,
                   "legal_status": "overdue"}],
    }),
    ("coop_officer", {
        "teacher": {"citizen_id": "3100100123451", "title": "นาย", "first_name": "วิชัย", "last_name": "สุขสวัสดิ์",
                    "birth_date": "1968-09-12", "position": "ครู ชำนาญการ", "workplace": "โรงเรียนสันทรายวิทยาคม"},
        "monthly_salary": "38000.00", "monthly_allowances": "3500.00",
        "deductions": [{"kind": "tax", "monthly_amount": "600.00"}, {"kind": "gpf", "monthly_amount": "1140.00"}],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
                   "outstanding": "980000.00", "annual_rate": "5.75", "monthly_payment": "15000.00",
                   "remaining_months": 84, "legal_status": "normal"},
                  {"creditor_name": "บริษัทบัตรเครดิต", "creditor_type": "other", "outstanding": "85000.00",
                   "annual_rate": "16.00", "monthly_payment": "6000.00", "remaining_months": 18, "legal_status": "sued"}],
    }),
    ("coop_officer2", {
        "teacher": {"citizen_id": "1409900123454", "title": "นางสาว", "first_name": "กัลยา", "last_name": "มั่นคง",
                    "birth_date": "1982-02-20", "position": "ครู", "workplace": "โรงเรียนบ้านโนนสะอาด"},
        "monthly_salary": "29000.00", "monthly_allowances": "0",
        "deductions": [{"kind": "gpf", "monthly_amount": "870.00"}],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", "creditor_type": "cooperative",
                   "outstanding": "450000.00", "annual_rate": "5.50", "monthly_payment": "7000.00",
                   "remaining_months": 90, "legal_status": "normal"}],
    }),
]


def seed_demo_cases() -> int:
    """A few debt cases so the demo has something to look at; only where a cooperative has none. Commits."""
    from app.models import DebtCase
    from app.services.debt_cases import create_case
    from app.services.debt_input import parse_case

    added = 0
    for username, body in DEMO_CASES:
        officer = db.session.scalar(select(User).where(User.username == username))
        exists = db.session.scalar(select(DebtCase.id).where(
            DebtCase.cooperative_id == officer.org_unit_id,
            DebtCase.person.has(citizen_id=body["teacher"]["citizen_id"])))
        if exists is None:
            create_case(officer, parse_case(body))
            added += 1
    return added + _seed_demo_relief()


DEMO_RELIEF = {
    "incident": {"date": "2024-06-14", "province_code": "94", "district": "หนองจิก", "kind": "shooting",
                 "police_report_no": "123/2567", "summary": "ถูกยิงระหว่างเดินทางไปโรงเรียน"},
    "victim": {"citizen_id": "1949900123450", "title": "นาย", "first_name": "อับดุลเลาะ", "last_name": "สาแม",
               "birth_date": "1980-01-10", "employment_type": "civil_servant_teacher",
               "workplace": "โรงเรียนบ้านหนองจิก", "harm": "death"},
    "beneficiaries": [
        {"citizen_id": "3949900123456", "title": "นาง", "first_name": "ซูไรดา", "last_name": "สาแม",
         "birth_date": "1982-05-01", "relationship": "spouse", "bank_account": "123-4-56789-0"},
        {"citizen_id": "1949900234561", "title": "เด็กชาย", "first_name": "อิมรอน", "last_name": "สาแม",
         "birth_date": "2015-03-01", "relationship": "child", "education_level": "primary"},
        {"citizen_id": "1949900345673", "title": "เด็กหญิง", "first_name": "นูรีตา", "last_name": "สาแม",
         "birth_date": "2019-08-01", "relationship": "child", "education_level": "kindergarten"},
    ],
    "split_method": "pension_heirs",
}


def _seed_demo_relief() -> int:
    from app.models import Person, ReliefCase
    from app.services import relief

    victim = db.session.scalar(select(Person).where(Person.citizen_id == DEMO_RELIEF["victim"]["citizen_id"]))
    if victim is not None and db.session.scalar(select(ReliefCase.id).where(ReliefCase.victim_id == victim.id)):
        return 0
    officer = db.session.scalar(select(User).where(User.username == "south_officer"))
    relief.create_case(officer, relief.parse_relief(DEMO_RELIEF))
    return 1
