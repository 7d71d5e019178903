"""One write path per fact (issue 15): the same debt case typed into the web form, sent to the API and uploaded in a
spreadsheet gives the same stored rows — person, case with every derived figure, deductions, debts — and the same
audit rows (person.create and debt_case.create with the same before and after). What may differ is what the channel
itself is: ids, timestamps, the reference's serial, who created it, the request address and the import's own
job events."""
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.domain import clock
from app.domain.references import debt_case_reference
from app.extensions import db
from app.models import AuditEvent, DebtCase, ImportJob, Person, User
from app.services import debt_import
from app.services.debt_import_sheet import COLUMNS

# One teacher, in the import template's column keys (services/debt_import_sheet.py): two debts, three deductions.
TEACHER = {"citizen_id": "1101700230708", "title": "นาง", "first_name": "สมศรี", "last_name": "ใจดี",
           "birth_date": "1975-04-01", "position": "ครู ชำนาญการพิเศษ", "workplace": "โรงเรียนบ้านหนองผึ้ง"}
INCOME = {"monthly_salary": "45000.00", "monthly_allowances": "3500.00"}
DEDUCTIONS = [("tax", None, "1200.00"), ("gpf", None, "1350.00"), ("other", "อื่น ๆ", "800.00")]
DEBTS = [{"creditor_name": "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "creditor_type": "cooperative",
          "outstanding": "1850000.00", "annual_rate": "5.75", "monthly_payment": "21500.00",
          "remaining_months": "132", "legal_status": "normal"},
         {"creditor_name": "ธนาคารกรุงไทย", "creditor_type": "ktb", "outstanding": "150000.00",
          "annual_rate": "7.12", "monthly_payment": "4500.00", "remaining_months": "40", "legal_status": "overdue"}]


def api_body() -> dict:
    return {"teacher": TEACHER, **INCOME,
            "deductions": [{"kind": k, **({"label": label} if label else {}), "monthly_amount": amount}
                           for k, label, amount in DEDUCTIONS],
            "debts": [{**d, "remaining_months": int(d["remaining_months"])} for d in DEBTS]}


def form_data() -> dict:
    data = {f"teacher-{k}": v for k, v in TEACHER.items()} | INCOME | {"action": "save"}
    for i, (kind, label, amount) in enumerate(DEDUCTIONS):
        data |= {f"deductions-{i}-kind": kind, f"deductions-{i}-label": label or "",
                 f"deductions-{i}-monthly_amount": amount}
    for i, item in enumerate(DEBTS):
        data |= {f"debts-{i}-{k}": v for k, v in item.items()} | {f"debts-{i}-salary_deducted": "y"}
    return data


def spreadsheet() -> bytes:
    teacher = TEACHER | INCOME | {f"deduction_{kind}": amount for kind, _label, amount in DEDUCTIONS}
    book = Workbook()
    sheet = book.active
    sheet.append([thai for _key, thai, _english in COLUMNS])
    for item in DEBTS:
        cells = teacher | item
        sheet.append([cells.get(key, "") for key, _thai, _english in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- entering the case ---------------------------------------------------------------------------------------

def by_form(as_user, api) -> None:
    response = as_user("coop_officer").post("/debt-cases/new", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def by_api(as_user, api) -> None:
    response = api("coop_officer").post("/api/v1/debt-cases", json=api_body())
    assert response.status_code == 201, response.json


def by_import(as_user, api) -> None:
    officer = db.session.scalar(select(User).where(User.username == "coop_officer"))
    job = debt_import.upload(officer, None, "members.xlsx", spreadsheet())
    debt_import.start_import(officer, job.id)
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "done"


# ---- what was stored -------------------------------------------------------------------------------------------

CHANNEL_COLUMNS = {"id", "case_id", "person_id", "reference", "created_by_id", "created_at", "updated_at",
                   "status_since"}


def columns_of(row) -> dict:
    return {c.name: getattr(row, c.key) for c in row.__mapper__.columns if c.name not in CHANNEL_COLUMNS}


def stored(after_event_id: int) -> dict:
    """The case of TEACHER as stored, and the audit rows written since `after_event_id`, less the channel."""
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.citizen_id == TEACHER["citizen_id"]))
    case = db.session.scalar(select(DebtCase).where(DebtCase.person_id == person.id))
    assert case.reference == debt_case_reference(case.id, clock.today())
    debt_positions = {d.id: d.position for d in case.debts}
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.id > after_event_id, AuditEvent.object_type.in_(("person", "debt_case"))).order_by(AuditEvent.id))
    return {
        "person": columns_of(person),
        "case": columns_of(case),
        "deductions": [columns_of(d) for d in case.deductions],
        "debts": [columns_of(d) for d in case.debts],
        "audit": [(e.action, e.object_type, e.object_id == str(person.id if e.object_type == "person" else case.id),
                   e.org_path, e.actor_username, e.before, _debt_ids_as_positions(e.after, debt_positions))
                  for e in events],
    }


def _debt_ids_as_positions(after: dict | None, positions: dict) -> dict | None:
    if after and "debts" in after:
        after = {**after, "debts": [[positions[row[0]], *row[1:]] for row in after["debts"]]}
    return after


def register_beforehand() -> None:
    """The teacher already on file (registered by an earlier, since closed, round), with another position: each
    channel must then link to the record and change it the same way (person.update)."""
    db.session.add(Person(citizen_id=TEACHER["citizen_id"], title=TEACHER["title"], first_name=TEACHER["first_name"],
                          last_name=TEACHER["last_name"], birth_date=None, position="ครู", workplace=None))
    db.session.commit()


def forget() -> None:
    """Take the case and its person away again, so that the next channel starts from the same state (the audit
    trail is append-only and stays: stored() reads only what came after)."""
    person = db.session.scalar(select(Person).where(Person.citizen_id == TEACHER["citizen_id"]))
    for case in db.session.scalars(select(DebtCase).where(DebtCase.person_id == person.id)):
        db.session.delete(case)
    db.session.flush()
    db.session.delete(person)
    db.session.commit()


def last_event_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


@pytest.mark.parametrize("registered", [False, True], ids=["new person", "person on file"])
def test_form_api_and_import_store_the_same_case_and_audit(as_user, api, registered):
    seen = {}
    for channel in (by_form, by_api, by_import):
        if registered:
            register_beforehand()
        start = last_event_id()
        channel(as_user, api)
        seen[channel.__name__] = stored(start)
        forget()
    form, through_api, imported = seen["by_form"], seen["by_api"], seen["by_import"]
    assert form == through_api
    assert form == imported
    # and it is the case that was typed, with its figures worked out: net 48,500 − 3,350 − 26,000 = 19,150
    assert (form["case"]["net_income"], str(form["case"]["ratio"]), form["case"]["risk_group"]) == (
        19150, "0.4256", "yellow")
    assert len(form["debts"]) == 2 and len(form["deductions"]) == 3 and form["case"]["interest_remaining"] > 0
    if registered:
        assert [a[:2] for a in form["audit"]] == [("person.update", "person"), ("debt_case.create", "debt_case")]
        assert form["audit"][0][5:] == ({"birth_date": None, "position": "ครู", "workplace": None},
                                         {"birth_date": "1975-04-01", "position": TEACHER["position"],
                                          "workplace": TEACHER["workplace"]})
    else:
        assert [a[:2] for a in form["audit"]] == [("person.create", "person"), ("debt_case.create", "debt_case")]
