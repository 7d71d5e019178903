"""A synthetic national dataset (issue 9): 77 provinces, 108 cooperatives, 1,000,000 debt cases with about
3,000,000 debts, 200,000 plans, and 5,000 relief cases with heirs and payment schedules — reproducible from a seed.

Debt cases are drawn from archetypes worked out by the application's domain code (archetypes.py) and written in
bulk with their ids assigned; cases that went through the workflow get their transitions, and approved ones the
approval snapshot built by the same function the workflow uses. Relief cases go through the relief service itself
(5,000 is few enough), so their entitlements and schedules come from the versioned rule tables.

After approval (issue 19, bench/national/after_approval.py): every case has a paying unit (area offices, a few per
province); cases past approval have their funnel days, creditor answers and payoffs, and active ones their
agreement day, first due month and deduction runs (deduction_lines.plan_runs, once per archetype). With
--active-cases N --province-active M exactly N cases are active, M of them in one province (the deduction-list
benchmark, bench/bench_deductions.py, wants 25,000 in a province and 1,000,000 in the nation).

Run: `python -m bench.national.generate [--database-url URL] [--cases N] [--seed S] [--active-cases N
--province-active M [--active-province 50]]` — or let bench.national.run
build the dataset it needs. The target database is emptied and migrated first.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.national.after_approval import COLUMNS as AFTER_APPROVAL_COLUMNS

CHUNK = 20_000
PLAN_SHARE = 0.20
CHOSEN_SHARE = 0.75
COOPERATIVES = 108
# Where a case with a chosen plan stands in the workflow (domain.md, Workflow); without a chosen plan it is a draft.
CHOSEN_STATUSES = (("submitted", 15), ("awaiting_regional", 5), ("returned", 5), ("rejected", 5),
                   ("approved", 35), ("active", 30), ("closed", 5))
FIRST_NAMES = ("สมชาย", "สมศักดิ์", "สมหญิง", "วิไลวรรณ", "ประเสริฐ", "สุดารัตน์", "กมล", "อรุณี", "ธนพล", "พิมพ์ใจ",
               "สุรชัย", "จันทร์เพ็ญ", "วีระ", "นงลักษณ์", "บุญมี", "ศรีสุดา", "ประยุทธ", "รัตนา", "สมบัติ", "อำไพ",
               "ชัยวัฒน์", "มาลี", "สุนทร", "พรทิพย์", "วิชัย", "กัลยา", "ธีรศักดิ์", "อุไรวรรณ", "เกษม", "ลำดวน",
               "อนุชา", "สายสุนีย์", "ไพโรจน์", "บุษบา", "เฉลิม", "ปราณี", "สมพงษ์", "จิราพร", "ณรงค์", "วันเพ็ญ",
               "ยุทธนา", "ศิริพร", "อภิชาติ", "ดวงใจ", "ทวีศักดิ์", "นิตยา", "สุเมธ", "อัมพร", "ปิยะ", "เยาวลักษณ์")
LAST_STEMS = ("ใจ", "ศรี", "วงศ์", "ทอง", "แก้ว", "บุญ", "สุข", "คำ", "จันทร์", "พรหม", "ชัย", "เพชร", "มั่น", "รุ่ง",
              "สม", "ประ", "อินทร์", "นาค", "เงิน", "ทิพย์", "ศักดิ์", "กิจ", "พันธ์", "สิทธิ์", "เจริญ", "ปัญญา", "ธรรม",
              "ภักดี", "สว่าง", "มณี")
LAST_ENDS = ("งาม", "ดี", "สุข", "ใหญ่", "ทอง", "ศรี", "วงศ์", "เจริญ", "มงคล", "ประเสริฐ", "รักษ์", "สวัสดิ์", "ไพศาล",
             "ทวี", "พงศ์", "กุล", "ชัย", "สกุล", "นิมิต", "รัตน์", "เดช", "ฤทธิ์", "ธรรม", "ศักดิ์", "วัฒน์", "อนันต์",
             "พานิช", "ภิรมย์", "สิน", "บุตร")
POSITIONS = ("ครู", "ครูชำนาญการ", "ครูชำนาญการพิเศษ", "ครูเชี่ยวชาญ", "ผู้อำนวยการโรงเรียน", "บุคลากรทางการศึกษา")
SCHOOL_WORDS = ("บ้านหนองบัว", "บ้านดอน", "วัดใหม่", "บ้านนา", "อนุบาล", "บ้านป่า", "ชุมชน", "บ้านโคก", "วัดป่า", "บ้านสวน")
START, END = datetime(2023, 10, 1), datetime(2026, 11, 20)  # fiscal years 2567 to 2570 (BE)


def citizen_id(serial: int, lead: str) -> str:
    """A valid, unique 13-digit ID: `lead`, 11 digits from a bijection of the serial, and the check digit
    (domain.md: s = Σ d_i·(14−i), check = (11 − s mod 11) mod 10)."""
    body = lead + f"{(serial * 7_919 + 104_729) % 10**11:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(body))
    return body + str((11 - total % 11) % 10)


@dataclass
class Actors:
    creator_id: int
    coop: tuple[int, str, str]        # id, username, role
    province: tuple[int, str, str]
    region: tuple[int, str, str]


def _actors() -> Actors:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    users = {u.username: u for u in db.session.scalars(select(User))}

    def who(name):
        user = users[name]
        return user.id, user.username, user.role

    return Actors(users["coop_officer"].id, who("coop_officer"), who("province_approver"), who("region_approver"))


def cooperatives(rng: random.Random):
    """108 cooperatives: every province's own, and a second one in the 31 provinces with most teachers.
    Returns [(unit, weight)] — weights give Bangkok and the big provinces their larger share of teachers."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OrgUnit
    from app.services.org import _add_unit

    provinces = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "province").order_by(OrgUnit.code)).all()
    big = {"10": 4.0, "50": 2.5, "30": 2.5, "40": 2.0, "34": 2.0, "41": 1.8, "90": 1.6, "20": 1.5}
    weight = {p.province_code: big.get(p.province_code, rng.lognormvariate(0, 0.35)) for p in provinces}
    coops = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "cooperative").order_by(OrgUnit.id)).all()
    have = {c.province_code for c in coops}
    for province in provinces:
        if province.province_code not in have:
            coops.append(_add_unit(province, code=f"COOP-{province.code}-01",
                                   name=f"สหกรณ์ออมทรัพย์ครู{province.name.removeprefix('สำนักงานศึกษาธิการจังหวัด')} จำกัด",
                                   kind="cooperative", province_code=province.province_code,
                                   region_no=province.region_no))
    by_weight = sorted(provinces, key=lambda p: -weight[p.province_code])
    for province in by_weight[:max(0, COOPERATIVES - len(coops))]:
        place = province.name.removeprefix("สำนักงานศึกษาธิการจังหวัด")
        coops.append(_add_unit(province, code=f"COOP-{province.code}-02",
                               name=f"สหกรณ์ออมทรัพย์ครูและบุคลากรทางการศึกษา{place} จำกัด",
                               kind="cooperative", province_code=province.province_code, region_no=province.region_no))
    db.session.commit()
    per_province: dict[str, int] = {}
    for coop in coops:
        per_province[coop.province_code] = per_province.get(coop.province_code, 0) + 1
    return [(coop, weight[coop.province_code] / per_province[coop.province_code]) for coop in coops]


def _when(rng: random.Random, after: datetime, days: int) -> datetime:
    return min(END, after + timedelta(days=rng.randint(1, days), seconds=rng.randint(0, 86_399)))


def _transitions(rng, status: str, regional: bool, created: datetime, actors: Actors):
    """The steps a case in `status` went through: [(action, from, to, actor, comment, at)]."""
    steps, at = [], _when(rng, created, 30)
    steps.append(("submit", "draft", "submitted", actors.coop, None, at))
    if status == "returned":
        steps.append(("return", "submitted", "returned", actors.province, "กรุณาแนบหนังสือรับรองเงินเดือนฉบับล่าสุด",
                      _when(rng, at, 20)))
    elif status == "rejected":
        steps.append(("reject", "submitted", "rejected", actors.province, "ภาระหนี้เกินกว่าจะปรับโครงสร้างได้",
                      _when(rng, at, 20)))
    elif status in ("awaiting_regional", "approved", "active", "closed"):
        if regional:
            at = _when(rng, at, 20)
            steps.append(("approve", "submitted", "awaiting_regional", actors.province, None, at))
            if status != "awaiting_regional":
                steps.append(("approve", "awaiting_regional", "approved", actors.region, None, _when(rng, at, 20)))
        else:
            steps.append(("approve", "submitted", "approved", actors.province, None, _when(rng, at, 20)))
        if status in ("active", "closed"):
            steps.append(("activate", "approved", "active", actors.coop, None, _when(rng, steps[-1][5], 30)))
        if status == "closed":
            steps.append(("close", "active", "closed", actors.coop, None, _when(rng, steps[-1][5], 60)))
    return steps


CASE_COLUMNS = ("id", "reference", "status", "version", "person_id", "cooperative_id", "org_path", "province_code",
                "monthly_salary", "monthly_allowances", "non_debt_deductions", "debt_service", "total_outstanding",
                "net_income", "ratio", "meets_floor", "risk_group", "interest_remaining", "plan_interest_remaining",
                "plan_meets_floor", "created_by_id", "submitted_by_id", "status_since", "created_at", "updated_at",
                # issue 19 (bench/national/after_approval.py): the paying unit and the funnel days
                "paying_unit_id", "plan_version", "approved_on", "answered_on", "paid_off_on", "agreement_signed_on",
                "first_due_month")
PERSON_COLUMNS = ("id", "citizen_id", "title", "first_name", "last_name", "birth_date", "position", "workplace",
                  "created_at", "updated_at")
DEDUCTION_COLUMNS = ("id", "case_id", "position", "kind", "label", "monthly_amount")
DEBT_COLUMNS = ("id", "case_id", "position", "creditor_name", "creditor_type", "outstanding", "annual_rate",
                "monthly_payment", "remaining_months", "salary_deducted", "legal_status", "guarantors", "closed_on")
PLAN_COLUMNS = ("id", "case_id", "label", "spec", "result", "interest_saved", "meets_floor", "chosen",
                "created_by_id", "created_at")
TRANSITION_COLUMNS = ("id", "case_type", "case_id", "action", "from_state", "to_state", "actor_id", "actor_username",
                      "actor_role", "comment", "resolution_no", "org_path", "occurred_at")
SNAPSHOT_COLUMNS = ("id", "case_type", "case_id", "transition_id", "data", "sha256", "created_at")
COLUMNS = {"people": PERSON_COLUMNS, "debt_cases": CASE_COLUMNS, "debt_case_deductions": DEDUCTION_COLUMNS,
           "debts": DEBT_COLUMNS, "debt_plans": PLAN_COLUMNS, "case_transitions": TRANSITION_COLUMNS,
           "case_snapshots": SNAPSHOT_COLUMNS, **AFTER_APPROVAL_COLUMNS}
TABLES = tuple(COLUMNS)


@dataclass
class ActiveShare:
    """--active-cases/--province-active: exactly `cases` active cases, `in_province` of them in the province
    `province_code` (the rest spread over the other provinces by weight); no other case is active."""

    cases: int
    in_province: int
    province_code: str = "50"


class DebtCaseGenerator:
    def __init__(self, writer, seed: int, archetype_count: int, actors: Actors, coops, log, total: int = 0,
                 active: ActiveShare | None = None, units: dict[str, list[int]] | None = None):
        from app.extensions import db
        from app.services import settings as settings_service
        from app.services.plan_settings import plan_settings
        from bench.national.after_approval import AfterApproval
        from bench.national.archetypes import pool
        from bench.national.writer import next_ids

        self.writer, self.actors, self.log = writer, actors, log
        self.rng = random.Random(seed)
        self.coops = [c for c, _w in coops]
        self.coop_weights = [w for _c, w in coops]
        self.settings = plan_settings()
        threshold = Decimal(settings_service.value("approval.regional_threshold"))
        started = time.perf_counter()
        archetypes = pool(archetype_count, seed, self.settings, END.date(), threshold)
        self.planned = [a for a in archetypes if a.plan]
        self.unplanned = [a for a in archetypes if not a.plan]
        log(f"  {len(archetypes):,} archetypes ({len(self.planned):,} with a plan) in "
            f"{time.perf_counter() - started:.0f} s")
        self.ids = next_ids(db.session, TABLES)
        self.first_case_id = self.ids["debt_cases"]
        self.after = AfterApproval(seed, units or {}, actors.creator_id, self._next, END.date())
        self.active = active
        self.forced = bytearray(total)  # 1: active in the chosen province, 2: active elsewhere
        if active is not None:
            picked = random.Random(seed + 20).sample(range(total), min(total, active.cases))
            for n, serial in enumerate(picked):
                self.forced[serial] = 1 if n < active.in_province else 2
            inside = [(c, w) for c, w in coops if c.province_code == active.province_code]
            outside = [(c, w) for c, w in coops if c.province_code != active.province_code]
            if not inside or (active.cases > active.in_province and not outside):
                raise SystemExit(f"no cooperative in province {active.province_code} (or none outside it)")
            self.inside = ([c for c, _w in inside], [w for _c, w in inside])
            self.outside = ([c for c, _w in outside], [w for _c, w in outside])

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def chunk(self, start: int, count: int) -> None:
        from app.domain.references import debt_case_reference
        from app.domain.thai_text import to_bangkok
        from app.programmes.debt import snapshot as debt_snapshot
        from app.services.snapshots import sha256_of as snapshot_hash

        rng, actors, after, active = self.rng, self.actors, self.after, self.active
        rows = {table: [] for table in TABLES}
        coops = rng.choices(self.coops, weights=self.coop_weights, k=count)
        for offset in range(count):
            serial = start + offset
            forced = self.forced[serial] if serial < len(self.forced) else 0
            coop = coops[offset]
            if forced:
                pool_, weights = self.inside if forced == 1 else self.outside
                coop = after.rng.choices(pool_, weights=weights)[0]
            planned = bool(forced) or rng.random() < PLAN_SHARE
            archetype = rng.choice(self.planned if planned else self.unplanned)
            created = START + timedelta(seconds=rng.randint(0, int((END - START).total_seconds())))
            person_id, case_id = self._next("people"), self._next("debt_cases")
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_STEMS) + rng.choice(LAST_ENDS)
            title = rng.choice(("นาย", "นาง", "นางสาว"))
            person = (person_id, citizen_id(serial, "3"), title, first, last, archetype.birth_date,
                      rng.choice(POSITIONS), "โรงเรียน" + rng.choice(SCHOOL_WORDS), created, created)
            rows["people"].append(person)
            deductions = [(self._next("debt_case_deductions"), case_id, i, kind, label, amount)
                          for i, (kind, label, amount) in enumerate(archetype.deductions)]
            debts = [(self._next("debts"), case_id, i, d["creditor_name"] or coop.name, d["creditor_type"],
                      d["outstanding"], d["annual_rate"], d["monthly_payment"], d["remaining_months"],
                      d["salary_deducted"], d["legal_status"], None, None) for i, d in enumerate(archetype.debts)]
            rows["debt_case_deductions"].extend(deductions)
            status, chosen, plan_row = "draft", False, None
            if planned:
                chosen = bool(forced) or rng.random() < CHOSEN_SHARE
                plan = archetype.plan
                spec = json.loads(json.dumps(plan["spec"]))
                spec["consolidate"]["debt_ids"] = [debts[k][0] for k in spec["consolidate"]["debt_ids"]]
                plan_row = (self._next("debt_plans"), case_id, plan["label"], spec, plan["result"],
                            plan["interest_saved"], plan["meets_floor"], chosen, actors.creator_id,
                            created + timedelta(minutes=rng.randint(5, 600)))
                rows["debt_plans"].append(plan_row)
                if forced:
                    status = "active"
                elif chosen:
                    status = rng.choices([s for s, _w in CHOSEN_STATUSES], weights=[w for _s, w in CHOSEN_STATUSES])[0]
                    if status == "awaiting_regional" and not archetype.regional:
                        status = "submitted"
                    if active is not None and status == "active":
                        status = "approved"  # exactly the active cases asked for
            steps = _transitions(rng, status, archetype.regional, created, actors) if status != "draft" else []
            status_since = steps[-1][5] if steps else created
            figures = archetype.chosen_figures if chosen else archetype.figures
            approved_at = next((s[5] for s in steps if s[2] == "approved"), None)
            activated_at = next((s[5] for s in steps if s[0] == "activate"), None)
            paying_unit_id = after.paying_unit(coop.province_code)
            days, closed = after.days(status, approved_at, activated_at, debts, case_id, rows)
            case = (case_id, debt_case_reference(case_id, to_bangkok(created).date()), status, 1 + len(steps),
                    person_id, coop.id, coop.path, coop.province_code, archetype.salary, archetype.allowances,
                    figures["non_debt_deductions"], figures["debt_service"], figures["total_outstanding"],
                    figures["net_income"], figures["ratio"], figures["meets_floor"], figures["risk_group"],
                    figures["interest_remaining"], figures["plan_interest_remaining"], figures["plan_meets_floor"],
                    actors.creator_id, actors.coop[0] if steps else None, status_since, created, status_since,
                    paying_unit_id, days["plan_version"], days["approved_on"], days["answered_on"],
                    days["paid_off_on"], days["agreement_signed_on"], days["first_due_month"])
            rows["debt_cases"].append(case)
            for action, source, target, (actor_id, username, role), comment, at in steps:
                transition_id = self._next("case_transitions")
                rows["case_transitions"].append((transition_id, "debt", case_id, action, source, target, actor_id,
                                                 username, role, comment, None, coop.path, at))
                if target == "approved":
                    data = debt_snapshot(self._transient(case, person, deductions, debts, plan_row, coop),
                                         archetype.affordability, self.settings)
                    data = json.loads(json.dumps(data, ensure_ascii=False))
                    rows["case_snapshots"].append((self._next("case_snapshots"), "debt", case_id, transition_id, data,
                                                   snapshot_hash(data), at))
                    if status == "active":  # a closed case paid its last instalment: no runs left to deduct
                        after.lines(archetype, data, at, debts, case_id, coop, paying_unit_id,
                                    days["first_due_month"], rows)
            # the old debts the model cooperative paid off are closed (after the snapshot, which froze them open)
            rows["debts"].extend(d[:-1] + (closed.get(d[0]),) for d in debts)
        for table in TABLES:
            self.writer.write(table, COLUMNS[table], rows[table])
        self.writer.commit()

    @staticmethod
    def _transient(case, person, deductions, debts, plan_row, coop):
        """The case as ORM objects that are never added to the session: debt_snapshot reads them as it
        reads a loaded case when the workflow approves."""
        from app.models import CaseDeduction, Debt, DebtCase, DebtPlan, Person

        obj = DebtCase(**dict(zip(CASE_COLUMNS, case)))
        obj.person = Person(**dict(zip(PERSON_COLUMNS, person)))
        obj.cooperative = coop
        obj.deductions = [CaseDeduction(**dict(zip(DEDUCTION_COLUMNS, row))) for row in deductions]
        # debts.guarantors is the column of the free-text note (the model's guarantors_note since issue 20; the
        # structured guarantors are rows of debt_guarantors, none generated): the column name is the COPY's, the
        # attribute the model's.
        attributes = tuple("guarantors_note" if c == "guarantors" else c for c in DEBT_COLUMNS)
        obj.debts = [Debt(**dict(zip(attributes, row))) for row in debts]
        obj.plans = [DebtPlan(**dict(zip(PLAN_COLUMNS, plan_row)))]
        return obj



# ---- relief, through the relief service ------------------------------------------------------------------

RELIEF_AREAS = (("94", ("หนองจิก", "ยะรัง", "สายบุรี", "โคกโพธิ์")), ("95", ("บันนังสตา", "รามัน", "ยะหา", "ธารโต")),
                ("96", ("ระแงะ", "รือเสาะ", "บาเจาะ", "ตากใบ")), ("90", ("จะนะ", "เทพา", "นาทวี", "สะบ้าย้อย")))
HARMS = (("death", 10), ("permanent_disability", 5), ("serious_injury", 20), ("minor_injury", 30),
         ("property_damage", 35))
EMPLOYMENT = (("civil_servant_teacher", 45), ("education_personnel", 20), ("government_employee", 15),
              ("temporary_staff", 15), ("student", 5))
LEVELS = ("kindergarten", "primary", "primary", "lower_secondary", "upper_secondary", "vocational", "higher")


def _relief_officers() -> dict[str, object]:
    """The provincial officer of each covered province: south_officer (Pattani) from the demo, and one more
    per other province, created here with the same password."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OrgUnit, User

    template = db.session.scalar(select(User).where(User.username == "south_officer"))
    officers = {"94": template}
    for code, _districts in RELIEF_AREAS[1:]:
        username = f"relief_officer_{code}"
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
            user = User(username=username, full_name=f"เจ้าหน้าที่เยียวยา {code}", role=template.role, org_unit=unit,
                        password_hash=template.password_hash)
            db.session.add(user)
        officers[code] = user
    db.session.commit()
    return officers


def relief_payload(rng: random.Random, serial: int) -> dict:
    province, districts = rng.choice(RELIEF_AREAS)
    harm = rng.choices([h for h, _w in HARMS], weights=[w for _h, w in HARMS])[0]
    occurred = date(2004, 1, 4) + timedelta(days=rng.randint(0, (END.date() - date(2004, 1, 4)).days - 30))
    last = rng.choice(LAST_STEMS) + rng.choice(LAST_ENDS)
    victim_born = occurred - timedelta(days=rng.randint(25 * 365, 58 * 365))
    beneficiaries = []
    if harm in ("death", "permanent_disability"):
        n = 0
        if rng.random() < 0.85:
            beneficiaries.append({"citizen_id": citizen_id(2 * serial + 1, "5"), "title": "นาง",
                                  "first_name": rng.choice(FIRST_NAMES), "last_name": last,
                                  "birth_date": (victim_born + timedelta(days=rng.randint(-900, 900))).isoformat(),
                                  "relationship": "spouse", "bank_account": f"{rng.randint(100, 999)}-{serial:06d}"})
        for n in range(rng.choice((0, 1, 1, 2, 2, 3))):
            born = occurred - timedelta(days=rng.randint(365, 17 * 365))
            beneficiaries.append({"citizen_id": citizen_id(10**7 + 4 * serial + n, "5"),
                                  "title": rng.choice(("เด็กชาย", "เด็กหญิง")), "first_name": rng.choice(FIRST_NAMES),
                                  "last_name": last, "birth_date": born.isoformat(), "relationship": "child",
                                  "education_level": rng.choice(LEVELS)})
        if not beneficiaries:
            beneficiaries.append({"citizen_id": citizen_id(2 * serial + 1, "5"), "title": "นาง",
                                  "first_name": rng.choice(FIRST_NAMES), "last_name": last,
                                  "birth_date": (victim_born - timedelta(days=25 * 365)).isoformat(),
                                  "relationship": "mother"})
    return {
        "incident": {"date": occurred.isoformat(), "province_code": province, "district": rng.choice(districts),
                     "kind": rng.choice(("shooting", "bombing", "arson", "attack", "other")),
                     "police_report_no": f"{serial % 900 + 1}/{occurred.year + 543}"},
        "victim": {"citizen_id": citizen_id(serial, "4"), "title": rng.choice(("นาย", "นาง", "นางสาว")),
                   "first_name": rng.choice(FIRST_NAMES), "last_name": last, "birth_date": victim_born.isoformat(),
                   "employment_type": rng.choices([e for e, _w in EMPLOYMENT], weights=[w for _e, w in EMPLOYMENT])[0],
                   "workplace": "โรงเรียน" + rng.choice(SCHOOL_WORDS), "harm": harm},
        "beneficiaries": beneficiaries,
        "split_method": "pension_heirs" if harm == "death" else "equal",
    }


def relief_cases(count: int, seed: int) -> int:
    from app.services import relief, relief_input

    rng = random.Random(seed + 1)
    officers = _relief_officers()
    for serial in range(count):
        payload = relief_payload(rng, serial)
        relief.create_case(officers[payload["incident"]["province_code"]], relief_input.parse_relief(payload))
    return count


# ---- the whole dataset -----------------------------------------------------------------------------------

def debt_dataset(cases: int, seed: int, archetypes: int, log=print, active: ActiveShare | None = None) -> None:
    """The cooperatives, the paying units and `cases` debt cases with their people, debts, plans, transitions and
    snapshots, and past approval their answers, payoffs, funnel days and deduction runs."""
    from app.extensions import db
    from bench.national.after_approval import paying_units
    from bench.national.writer import BulkWriter, reset_sequences

    started = time.perf_counter()
    coops = cooperatives(random.Random(seed))
    units = paying_units(log)
    generator = DebtCaseGenerator(BulkWriter(db.engine), seed, archetypes, _actors(), coops, log, total=cases,
                                  active=active, units=units)
    for start in range(0, cases, CHUNK):
        generator.chunk(start, min(CHUNK, cases - start))
        done = min(cases, start + CHUNK)
        if done % 100_000 == 0 or done == cases:
            log(f"  {done:,} debt cases after {time.perf_counter() - started:.0f} s")
    generator.writer.close()
    reset_sequences(db.session, TABLES)


def generate(cases: int, seed: int, archetypes: int, relief_count: int, log=print,
             active: ActiveShare | None = None) -> dict:
    """Fill the (freshly migrated, demo-seeded) database of the current app context. Returns what was made."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import Debt, DebtCase, DebtPlan, DeductionLine, ReliefCase
    from app.services import audit

    started = time.perf_counter()
    debt_dataset(cases, seed, archetypes, log, active)
    relief_started = time.perf_counter()
    relief_cases(relief_count, seed)
    log(f"  {relief_count:,} relief cases through the relief service in {time.perf_counter() - relief_started:.0f} s")
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
    else:
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # The load's trigger updates left the rollup's ~13,600 rows in 88 MB (fillfactor 50 keeps steady-state
            # updates heap-only, not a bulk load's): rewritten, as migration 0026 rewrote a dataset loaded before it
            # (2.4 MB; the national dashboard 78 → 50 ms on PostgreSQL, docs/benchmarks.md issue 22).
            conn.execute(text("VACUUM FULL debt_case_rollups"))
            conn.execute(text("VACUUM ANALYZE"))
    made = {"seed": seed, "requested": cases, "cases": db.session.scalar(select(func.count(DebtCase.id))),
            "debts": db.session.scalar(select(func.count(Debt.id))),
            "plans": db.session.scalar(select(func.count(DebtPlan.id))),
            "relief_cases": db.session.scalar(select(func.count(ReliefCase.id))),
            "active": db.session.scalar(select(func.count(DebtCase.id)).where(DebtCase.status == "active")),
            "deduction_lines": db.session.scalar(select(func.count(DeductionLine.id))),
            "active_share": ([active.cases, active.in_province, active.province_code] if active else None),
            "seconds": round(time.perf_counter() - started, 1)}
    audit.record("bench.dataset", actor=None, object_type="dataset", after=made)
    db.session.commit()
    log(f"  dataset made in {made['seconds']:.0f} s: {made}")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a new SQLite file under instance/")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--archetypes", type=int, default=20_000)
    parser.add_argument("--relief", type=int, default=5_000)
    parser.add_argument("--active-cases", type=int, help="exactly this many active cases (all with a plan, "
                        "answered, paid off, with deduction runs); no other case is active")
    parser.add_argument("--province-active", type=int, default=0,
                        help="of the active cases, this many in --active-province")
    parser.add_argument("--active-province", default="50", help="province code (default 50, Chiang Mai)")
    args = parser.parse_args()
    from bench.national.dataset import fresh_app

    active = None
    if args.active_cases is not None:
        if args.active_cases > args.cases or args.province_active > args.active_cases:
            parser.error("--province-active ≤ --active-cases ≤ --cases")
        active = ActiveShare(args.active_cases, args.province_active, args.active_province)
    app = fresh_app(args.database_url)
    with app.app_context():
        generate(args.cases, args.seed, args.archetypes, args.relief, active=active)


if __name__ == "__main__":
    main()
