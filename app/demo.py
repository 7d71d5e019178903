"""Demo data for `flask seed-demo`: cooperatives in Chiang Mai, Khon Kaen and Pattani and one user per role.

Acceptance tests sign in with exactly these usernames.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.domain import clock
from app.extensions import db
from app.models import DebtCase, OrgUnit, Person, ReliefCase, Role, User
from app.services import audit, creditor_answers, creditors, payoffs, relief, relief_evidence, relief_input, relief_payments
from app.services.debt_cases import create_case
from app.services.debt_input import parse_case
from app.services.debt_plans import create_plan
from app.services.org import _add_unit, region_code, seed_reference_tree
from app.services.relief_rules import seed_rules
from app.services.users import hash_password
from app.services.workflow import TransitionRequest, transition
from app.services import signing_keys
from app.demo_repayments import seed_demo_repaying

DEMO_UNITS = [
    # code, name, kind, province code
    ("COOP-CMI-01", "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "cooperative", "50"),
    ("COOP-KKN-01", "สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", "cooperative", "40"),
    ("COOP-PTN-01", "สหกรณ์ออมทรัพย์ครูปัตตานี จำกัด", "cooperative", "94"),
    ("AREA-CMI-01", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1", "area_office", "50"),
]

# The paying units of the demo provinces (issue 19; domain.md "After approval" 3): the real area offices — primary
# (สพป.) by district number, secondary (สพม.) one per province — and a pension payer for each province. Seeded beside
# DEMO_UNITS (AREA-CMI-01 stays there: tests use it) but given no signing key: they issue no demo letters.
DEMO_PAYING_UNITS = [
    *[(f"AREA-CMI-{n:02d}", f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต {n}", "area_office", "50")
      for n in range(2, 7)],
    ("AREA-CMI-M", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาเชียงใหม่", "area_office", "50"),
    *[(f"AREA-KKN-{n:02d}", f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต {n}", "area_office", "40")
      for n in range(1, 6)],
    ("AREA-KKN-M", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาขอนแก่น", "area_office", "40"),
    *[(f"AREA-PTN-{n:02d}", f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาปัตตานี เขต {n}", "area_office", "94")
      for n in range(1, 4)],
    ("AREA-PTN-M", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาปัตตานี", "area_office", "94"),
    # The office that draws a retired teacher's pension and deducts from it (UnitKind.PENSION_PAYER).
    ("PENSION-CMI", "สำนักงานคลังจังหวัดเชียงใหม่ (ผู้จ่ายบำนาญ)", "pension_payer", "50"),
    ("PENSION-KKN", "สำนักงานคลังจังหวัดขอนแก่น (ผู้จ่ายบำนาญ)", "pension_payer", "40"),
    ("PENSION-PTN", "สำนักงานคลังจังหวัดปัตตานี (ผู้จ่ายบำนาญ)", "pension_payer", "94"),
]

# Demo letterheads (fictional numbers and contacts; administrators set the real ones on the unit page).
DEMO_LETTERHEADS = {
    "50": {"letter_prefix": "ศธ 0206.3", "address": "ศาลากลางจังหวัดเชียงใหม่ ถนนโชตนา อำเภอเมืองเชียงใหม่ "
           "จังหวัดเชียงใหม่ 50300", "section": "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
           "phone": "0 5311 2333", "email": "saraban@cmi.moe.example", "signer_position": "ศึกษาธิการจังหวัดเชียงใหม่"},
    "94": {"letter_prefix": "ศธ 0294.2", "address": "ถนนสะบารัง อำเภอเมืองปัตตานี จังหวัดปัตตานี 94000",
           "section": "กลุ่มนโยบายและแผน (งานเยียวยา)", "phone": "0 7333 1234", "email": "saraban@ptn.moe.example",
           "signer_position": "ศึกษาธิการจังหวัดปัตตานี"},
    "COOP-CMI-01": {"letter_prefix": "สอ.ครู ชม.", "address": "ถนนเชียงใหม่-ลำปาง อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50000",
                    "section": "ฝ่ายสินเชื่อ", "phone": "0 5321 0000", "signer_position": "ผู้จัดการสหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"},
}

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
    seed_rules()
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    for code, name, kind, province in DEMO_UNITS + DEMO_PAYING_UNITS:
        if code not in units:
            parent = units[province]
            units[code] = _add_unit(parent, code=code, name=name, kind=kind, province_code=province,
                                    region_no=parent.region_no)
            added_units += 1
    for code, letterhead in DEMO_LETTERHEADS.items():
        for name, value in letterhead.items():
            if not getattr(units[code], name):  # never overwrite what an administrator set
                setattr(units[code], name, value)
    added_users = 0
    for username, full_name, role, unit_code in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        # Each user's hash is made on its own, with its own salt (issue 14): equal passwords never look equal.
        if user is None:
            user = User(username=username, full_name=full_name, role=role.value, org_unit=units[unit_code],
                        password_hash=hash_password(password))
            db.session.add(user)
            db.session.flush()
            audit.record("user.create", actor=None, object_type="user", object_id=user.id,
                         org_path=user.org_unit.path, after={"username": username, "role": role.value})
            added_users += 1
        else:
            if not check_password_hash(user.password_hash, password):
                user.password_hash = hash_password(password)
            user.active = True
    # Issue 18: every cooperative of the tree is a creditor on file, beside the national creditors (after the
    # letterheads, so that a cooperative's creditor record has its address).
    creditors.seed()
    seed_demo_keys(units)  # issue 18: the demo's letters are signed
    db.session.commit()
    return {"units": added_units, "users": added_users}


# Demo teachers (fictional people; citizen IDs pass the checksum but belong to no one known).
DEMO_CASES = [
    ("coop_officer", {
        "teacher": {"citizen_id": "1101700230708", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี",
                    "birth_date": "1975-04-01", "position": "ครู ชำนาญการพิเศษ", "workplace": "โรงเรียนบ้านหนองผึ้ง"},
        "monthly_salary": "45000.00", "monthly_allowances": "3500.00", "paying_unit_code": "AREA-CMI-02",
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
        "monthly_salary": "38000.00", "monthly_allowances": "3500.00", "paying_unit_code": "AREA-CMI-M",
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
        "monthly_salary": "29000.00", "monthly_allowances": "0", "paying_unit_code": "AREA-KKN-01",
        "deductions": [{"kind": "gpf", "monthly_amount": "870.00"}],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", "creditor_type": "cooperative",
                   "outstanding": "450000.00", "annual_rate": "5.50", "monthly_payment": "7000.00",
                   "remaining_months": 90, "legal_status": "normal"}],
    }),
    # Retired teachers (about half of the indebted, domain.md "Scale"): the pension is receipts and base of the 30%
    # rule, and the area office that draws it is the paying unit (issue 17).
    ("coop_officer", {
        "teacher": {"citizen_id": "3500100444440", "title": "นาง", "first_name": "บุญเรือน", "last_name": "คำแก้ว",
                    "birth_date": "1961-03-05", "position": "ครู ชำนาญการพิเศษ (ข้าราชการบำนาญ)",
                    "workplace": "โรงเรียนบ้านสันกำแพง"},
        "retired": True, "monthly_pension": "31500.00", "monthly_salary": "0.00", "monthly_allowances": "0",
        "paying_unit_code": "AREA-CMI-01",
        "deductions": [{"kind": "funeral_welfare", "monthly_amount": "1000.00"}],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
                   "outstanding": "780000.00", "annual_rate": "5.75", "monthly_payment": "12000.00",
                   "remaining_months": 84, "legal_status": "normal"},
                  {"creditor_name": "เงินกู้นอกระบบ (นายทุนในหมู่บ้าน)", "creditor_type": "informal",
                   "outstanding": "50000.00", "annual_rate": "60.00", "monthly_payment": "5000.00",
                   "remaining_months": 14, "salary_deducted": False, "legal_status": "overdue"}],
    }),
    ("coop_officer", {
        "teacher": {"citizen_id": "3500200555553", "title": "นาย", "first_name": "สมบัติ", "last_name": "ทองดี",
                    "birth_date": "1958-11-20", "position": "ครู ชำนาญการ (ข้าราชการบำนาญ)"},
        "retired": True, "monthly_pension": "26000.00", "monthly_salary": "0.00",
        "paying_unit_code": "PENSION-CMI",
        "deductions": [{"kind": "funeral_welfare", "monthly_amount": "800.00"}],
        "debts": [{"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "900000.00",
                   "annual_rate": "6.90", "monthly_payment": "14000.00", "remaining_months": 96,
                   "legal_status": "normal"},
                  {"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
                   "outstanding": "300000.00", "annual_rate": "5.75", "monthly_payment": "6000.00",
                   "remaining_months": 60, "legal_status": "normal"}],
    }),
    ("coop_officer2", {
        "teacher": {"citizen_id": "3400100666664", "title": "นาง", "first_name": "ละเอียด", "last_name": "ศรีสุข",
                    "birth_date": "1962-06-01", "position": "ครู (ข้าราชการบำนาญ)"},
        "retired": True, "monthly_pension": "24000.00", "paying_unit_code": "PENSION-KKN",
        "deductions": [],
        "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูขอนแก่น จำกัด", "creditor_type": "cooperative",
                   "outstanding": "350000.00", "annual_rate": "5.50", "monthly_payment": "6500.00",
                   "remaining_months": 66, "legal_status": "normal"}],
    }),
]


def seed_demo_cases() -> int:
    """A few debt cases so the demo has something to look at; only where a cooperative has none. Commits."""
    added = 0
    for username, body in DEMO_CASES:
        officer = db.session.scalar(select(User).where(User.username == username))
        exists = db.session.scalar(select(DebtCase.id).where(
            DebtCase.cooperative_id == officer.org_unit_id,
            DebtCase.person.has(citizen_id=body["teacher"]["citizen_id"])))
        if exists is None:
            create_case(officer, parse_case(body))
            added += 1
    # the active case only for the demo itself (`flask seed-demo`), not for the tests' `decided` fixture
    users = {u.username: u for u in db.session.scalars(select(User))}
    return (added + _seed_demo_relief() + seed_demo_decisions() + _seed_demo_active(users)
            + seed_demo_repaying(users))


DEMO_RELIEF = {
    "incident": {"date": "2024-06-14", "province_code": "94", "district": "หนองจิก", "kind": "shooting",
                 "police_report_no": "123/2567", "summary": "ถูกยิงระหว่างเดินทางไปโรงเรียน"},
    "victim": {"citizen_id": "1949900123450", "title": "นาย", "first_name": "อับดุลเลาะ", "last_name": "สาแม",
               "birth_date": "1980-01-10", "employment_type": "civil_servant_teacher",
               "workplace": "โรงเรียนบ้านหนองจิก", "harm": "death", "chpk_member": True},
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
    victim = db.session.scalar(select(Person).where(Person.citizen_id == DEMO_RELIEF["victim"]["citizen_id"]))
    if victim is not None and db.session.scalar(select(ReliefCase.id).where(ReliefCase.victim_id == victim.id)):
        return 0
    officer = db.session.scalar(select(User).where(User.username == "south_officer"))
    relief.create_case(officer, relief_input.parse_relief(DEMO_RELIEF))
    return 1


# Decided cases, so every letter kind has something to print in the demo: a debt case consolidated into the
# cooperative and approved by the province, and a relief case verified, approved and paid once.
DEMO_DECIDED_DEBT = ("coop_officer", {
    "teacher": {"citizen_id": "3509900111117", "title": "นาง", "first_name": "พิมพ์ใจ", "last_name": "ศรีวงศ์",
                "birth_date": "1974-07-15", "position": "ครู ชำนาญการพิเศษ", "workplace": "โรงเรียนบ้านแม่ริม"},
    "monthly_salary": "52000.00", "monthly_allowances": "3500.00",
    "deductions": [{"kind": "tax", "monthly_amount": "1500.00"}, {"kind": "gpf", "monthly_amount": "1560.00"}],
    "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
               "outstanding": "1250000.00", "annual_rate": "5.75", "monthly_payment": "18000.00",
               "remaining_months": 100, "legal_status": "normal"},
              {"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "720000.00",
               "annual_rate": "6.90", "monthly_payment": "11000.00", "remaining_months": 90,
               "legal_status": "normal"},
              {"creditor_name": "บริษัทบัตรกรุงไทย จำกัด (มหาชน)", "creditor_type": "other_bank",
               "outstanding": "95000.00", "annual_rate": "16.00", "monthly_payment": "5000.00",
               "remaining_months": 24, "legal_status": "overdue"}],
})

# An active case (issue 19), so that `make run` shows a deduction list: approved, each creditor's answer and the
# payoff recorded, the agreement signed, deductions from next month (services/after_approval_steps.py).
DEMO_ACTIVE_DEBT = ("coop_officer", {
    # A retired teacher (about half of the indebted are; domain.md, "The 30% rule"): the pension is receipts and
    # base, and the pension payer receives the deduction list (domain.md, "After approval" 3).
    "teacher": {"citizen_id": "3501200777778", "title": "นาย", "first_name": "ประยูร", "last_name": "แสงทอง",
                "birth_date": "1961-01-25", "position": "ข้าราชการบำนาญ (ครู ชำนาญการพิเศษ)",
                "workplace": "โรงเรียนบ้านสันป่าตอง"},
    "retired": True, "monthly_pension": "48000.00", "monthly_salary": "0.00", "monthly_allowances": "3500.00",
    "paying_unit_code": "PENSION-CMI",
    "deductions": [{"kind": "tax", "monthly_amount": "1300.00"}],
    "debts": [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
               "outstanding": "1100000.00", "annual_rate": "5.75", "monthly_payment": "17000.00",
               "remaining_months": 96, "legal_status": "normal", "salary_deducted": True},
              {"creditor_name": "ธนาคารออมสิน (ช.พ.ค.)", "creditor_type": "gsb", "outstanding": "650000.00",
               "annual_rate": "6.90", "monthly_payment": "10500.00", "remaining_months": 84,
               "legal_status": "normal", "salary_deducted": True},
              {"creditor_name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "outstanding": "120000.00",
               "annual_rate": "7.12", "monthly_payment": "4200.00", "remaining_months": 36,
               "legal_status": "normal", "salary_deducted": True}],
})

DEMO_DECIDED_RELIEF = {
    "incident": {"date": "2025-03-02", "province_code": "94", "district": "สายบุรี", "kind": "bombing",
                 "police_report_no": "45/2568", "summary": "ระเบิดข้างทางขณะเดินทางกลับจากโรงเรียน"},
    "victim": {"citizen_id": "3940100222222", "title": "นาย", "first_name": "สมพงษ์", "last_name": "แก้วมณี",
               "birth_date": "1976-11-20", "employment_type": "civil_servant_teacher",
               "workplace": "โรงเรียนบ้านสายบุรี", "harm": "death"},
    "beneficiaries": [
        {"citizen_id": "3940100333334", "title": "นาง", "first_name": "มาลี", "last_name": "แก้วมณี",
         "birth_date": "1979-02-11", "relationship": "spouse", "bank_account": "402-1-23456-7"},
        {"citizen_id": "1940100444440", "title": "เด็กหญิง", "first_name": "ขวัญใจ", "last_name": "แก้วมณี",
         "birth_date": "2016-06-05", "relationship": "child", "education_level": "primary"},
    ],
    "split_method": "equal",
}

DEMO_EVIDENCE = b"%PDF-1.4\n% demo evidence\n"


def seed_demo_decisions() -> int:
    """One approved debt case and one approved, once-paid relief case, through the real services. Commits."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    added = 0
    username, body = DEMO_DECIDED_DEBT
    if db.session.scalar(select(DebtCase.id).where(
            DebtCase.person.has(citizen_id=body["teacher"]["citizen_id"]))) is None:
        case = create_case(users[username], parse_case(body))
        plan = create_plan(users[username], case.id, {
            "label": "รวมหนี้เข้าสหกรณ์ 4.75% 96 งวด",
            "consolidate": {"debt_ids": [d.id for d in case.debts], "annual_rate": "4.75",
                            "term_months": 96, "method": "annuity"}})
        transition("debt", users[username], case.id, TransitionRequest("submit", plan_id=plan.id))
        transition("debt", users["province_approver"], case.id,
                   TransitionRequest("approve", comment="เห็นชอบตามแผนรวมหนี้", resolution_no="ศธจ.ชม. 12/2569"))
        added += 1
    victim = DEMO_DECIDED_RELIEF["victim"]["citizen_id"]
    if db.session.scalar(select(ReliefCase.id).where(ReliefCase.victim.has(Person.citizen_id == victim))) is None:
        officer, approver = users["south_officer"], users["south_approver"]
        case = relief.create_case(officer, relief_input.parse_relief(DEMO_DECIDED_RELIEF))
        for kind in relief.missing_evidence(case):
            relief_evidence.add_evidence(officer, case.id, kind, f"{kind}.pdf", DEMO_EVIDENCE)
        transition("relief", officer, case.id, TransitionRequest("verify"))
        transition("relief", approver, case.id, TransitionRequest("approve", resolution_no="คกก.เยียวยา 2/2568"))
        first = next(e for e in case.entitlements if not e.schedule)  # a lump sum
        relief_payments.record_payment(officer, case.id, {"entitlement_id": first.id, "amount": "250000.00",
                                                 "paid_on": "2025-06-30", "reference": "PV-2568/014"})
        added += 1
    return added


def _seed_demo_active(users: dict) -> int:
    """DEMO_ACTIVE_DEBT consolidated into the cooperative (the bank debt rescheduled), approved, answered, paid off
    and activated, each step through its service, dated today. Once."""
    username, body = DEMO_ACTIVE_DEBT
    if db.session.scalar(select(DebtCase.id).where(
            DebtCase.person.has(citizen_id=body["teacher"]["citizen_id"]))) is not None:
        return 0
    officer = users[username]
    case = create_case(officer, parse_case(body))
    ids = [d.id for d in case.debts]
    plan = create_plan(officer, case.id, {
        "label": "รวมหนี้เข้าสหกรณ์ 4.75% 84 งวด ปรับงวดธนาคาร",
        "consolidate": {"debt_ids": ids[:2], "annual_rate": "4.75", "term_months": 84, "method": "annuity"},
        "reschedule": [{"debt_id": ids[2], "annual_rate": "6.00", "term_months": 48, "method": "annuity"}]})
    transition("debt", officer, case.id, TransitionRequest("submit", plan_id=plan.id))
    transition("debt", users["province_approver"], case.id,
               TransitionRequest("approve", comment="เห็นชอบ", resolution_no="ศธจ.ชม. 13/2569"))
    today = clock.today()
    for debt, reference in zip(case.debts[:2], ("สอ.ชม. 881/2569", "ออมสิน ชพค. 2569/412")):
        creditor_answers.record_response(officer, case.id, {
            "debt_id": debt.id, "response": "accepted", "responded_on": today.isoformat(), "reference": reference,
            "payoff_amount": str(debt.outstanding),
            "payoff_valid_until": (today + timedelta(days=30)).isoformat()})
    creditor_answers.record_response(officer, case.id, {
        "debt_id": ids[2], "response": "accepted", "responded_on": today.isoformat(), "reference": "กท. 55/2569"})
    for debt in case.debts[:2]:
        payoffs.record_payoff(officer, case.id, {"debt_id": debt.id, "amount": str(debt.outstanding),
                                                 "paid_on": today.isoformat(), "reference": f"TR-{debt.id}"})
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    case = db.session.get(DebtCase, case.id)
    transition("debt", officer, case.id, TransitionRequest(
        "activate", version=case.version, agreement_signed_on=today.isoformat(),
        first_due_month=next_month.strftime("%Y-%m")))
    return 1


def seed_demo_keys(units: dict) -> int:
    """A self-signed P-256 certificate for each demo unit that issues letters (issue 18), unless it has a key: its
    letters are signed. A real office uploads its own PKCS#12 on /admin/signing-keys."""

    codes = [code for code, _name, _kind, _province in DEMO_UNITS]
    codes += [unit for _u, _n, _r, unit in DEMO_USERS if units[unit].kind in signing_keys.ISSUING_KINDS]
    added = 0
    for code in dict.fromkeys(codes):
        if signing_keys.active_key(units[code].id) is None:
            signing_keys.create_self_signed(units[code], source="demo")
            added += 1
    return added
