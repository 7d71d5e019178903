"""Creditors on file (issue 18): seeding, matching typed names, adding, and the creditor request letter's addressing
and own-cooperative rule (domain.md "After approval" 1; api-v1.md v1.1 "Creditors")."""
import copy

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.cli import creditors_report_command
from app.extensions import db
from app.models import AuditEvent, CaseSnapshot, Creditor, Debt, DebtCase, OrgUnit
from app.services import creditors, letters
from app.services.debt_cases import create_case
from app.services.debt_input import parse_case
from app.services.errors import Forbidden, ValidationFailed
from tests.factories import act, new_case, unit_by_code, user
from tests.helpers import SPEC_CASE, at_once, three_debts
from tests.pdf.helpers import norm, pdf_text

CMI = "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"


def _case(debts):
    return create_case(user("coop_officer"), parse_case({**copy.deepcopy(SPEC_CASE), "debts": debts}))


def _debt(name, creditor_type, **more):
    return {"creditor_name": name, "creditor_type": creditor_type, "outstanding": "100000.00", "annual_rate": "6.00",
            "monthly_payment": "2000.00", "remaining_months": 60, **more}


def test_every_cooperative_of_the_tree_and_the_national_creditors_are_on_file():
    cooperatives = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "cooperative")).all()
    assert cooperatives
    for unit in cooperatives:
        creditor = creditors.of_unit(unit.id)
        assert creditor.name == unit.name and creditor.creditor_type == "cooperative" and creditor.addressee == "ผู้จัดการ"
    assert creditors.of_unit(unit_by_code("COOP-CMI-01").id).address == unit_by_code("COOP-CMI-01").address
    gsb = db.session.scalar(select(Creditor).where(Creditor.name == "ธนาคารออมสิน"))
    assert gsb.creditor_type == "gsb" and gsb.source == "reference"
    assert creditors.seed() == {"org_tree": 0, "reference": 0}  # idempotent


def test_a_typed_name_is_matched_to_the_creditor_on_file_white_space_and_notes_aside():
    coop = creditors.of_unit(unit_by_code("COOP-CMI-01").id)
    case = _case([_debt("  สหกรณ์ออมทรัพย์ครูเชียงใหม่   จำกัด ", "cooperative"),
                  _debt(f"{CMI} (เงินกู้สามัญ)", "cooperative", outstanding="5000.00", monthly_payment="500.00"),
                  _debt("ธนาคารออมสิน (ช.พ.ค.)", "gsb")])
    assert [d.creditor_id for d in case.debts[:2]] == [coop.id, coop.id]
    assert case.debts[1].creditor_name == f"{CMI} (เงินกู้สามัญ)"  # the debt keeps what was typed
    assert case.debts[2].creditor.name == "ธนาคารออมสิน"


def test_a_name_matching_none_becomes_one_new_creditor_however_often_it_is_typed():
    before = db.session.scalar(select(func.count(Creditor.id)))
    first = _case([_debt("บริษัท เงินด่วน จำกัด", "other")])
    second = _case([_debt("บริษัท  เงินด่วน จำกัด", "other")])
    assert first.debts[0].creditor_id == second.debts[0].creditor_id
    creditor = first.debts[0].creditor
    assert creditor.source == "free_text" and creditor.addressee == "ผู้จัดการ"
    assert db.session.scalar(select(func.count(Creditor.id))) == before + 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "creditor.create", AuditEvent.object_id == str(creditor.id))) == 1


def test_a_name_on_file_under_another_type_is_refused_on_the_type():
    with pytest.raises(ValidationFailed) as error:
        _case([_debt("ธนาคารกรุงไทย", "other_bank")])
    assert set(error.value.fields) == {"debts[0].creditor_type"}
    assert "ธนาคารกรุงไทย" in error.value.fields["debts[0].creditor_type"]


def test_a_creditor_id_gives_the_name_and_type_and_an_unknown_one_is_refused():
    gsb = db.session.scalar(select(Creditor).where(Creditor.name == "ธนาคารออมสิน"))
    case = _case([{"creditor_id": gsb.id, "outstanding": "1000.00", "annual_rate": "6", "monthly_payment": "100.00",
                   "remaining_months": 12}])
    assert (case.debts[0].creditor_name, case.debts[0].creditor_type, case.debts[0].creditor_id) == (
        "ธนาคารออมสิน", "gsb", gsb.id)
    with pytest.raises(ValidationFailed) as error:
        _case([{"creditor_id": 99999999, "outstanding": "1000.00", "annual_rate": "6", "monthly_payment": "100.00",
                "remaining_months": 12}])
    assert list(error.value.fields) == ["debts[0].creditor_id"]


def test_adding_a_creditor_checks_fields_roles_and_duplicates():
    officer = user("province_officer")
    with pytest.raises(ValidationFailed) as error:
        creditors.parse({"name": " ", "creditor_type": "bank", "address": "x" * 301})
    assert set(error.value.fields) == {"name", "creditor_type", "address"}
    data = creditors.parse({"name": "ธนาคารออมสิน", "creditor_type": "gsb", "branch": "สาขาเชียงใหม่",
                            "addressee": "ผู้จัดการธนาคารออมสินสาขาเชียงใหม่", "address": "ถนนท่าแพ เชียงใหม่"})
    creditor = creditors.create(officer, data)
    assert creditor.source == "entered" and creditor.branch == "สาขาเชียงใหม่"
    assert creditors.addressee_line(creditor.name, creditor.branch, creditor.addressee) == "ผู้จัดการธนาคารออมสินสาขาเชียงใหม่"
    with pytest.raises(ValidationFailed) as again:
        creditors.create(officer, creditors.parse({"name": "ธนาคารออมสิน", "creditor_type": "gsb",
                                                   "branch": "สาขาเชียงใหม่ "}))
    assert "name" in again.value.fields
    with pytest.raises(ValidationFailed) as tree:  # the tree's cooperatives are on file already
        creditors.create(officer, creditors.parse({"name": "อื่น", "creditor_type": "cooperative",
                                                   "org_unit_code": "COOP-CMI-01"}))
    assert "org_unit_code" in tree.value.fields
    with pytest.raises(Forbidden):
        creditors.create(user("auditor"), data)


def test_addressee_lines():
    assert creditors.addressee_line(CMI, None, "ผู้จัดการ") == f"ผู้จัดการ{CMI}"
    assert creditors.addressee_line("ธนาคารกรุงไทย", "สาขาลำพูน", "ผู้จัดการ") == "ผู้จัดการธนาคารกรุงไทย สาขาลำพูน"
    assert creditors.addressee_line("ธนาคารออมสิน", None, "") == "ผู้จัดการธนาคารออมสิน"


def _approved(debts):
    case_id, plan_id = new_case({**three_debts(), "debts": debts}, consolidate_all=True)
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    act("province_approver", case_id, "approve")
    return db.session.get(DebtCase, case_id)


def test_the_pack_skips_the_issuing_cooperative_by_its_id_and_addresses_each_creditor_by_its_addressee():
    """The issue's letter: a debt typed "…จำกัด (เงินกู้สามัญ)" once got a letter from the cooperative to itself."""
    debts = three_debts()["debts"]
    debts[0]["creditor_name"] = f"{CMI} (เงินกู้สามัญ)"
    case = _approved(debts)
    pack = letters.creditor_pack(user("coop_officer"), case.id)
    assert [x.debt_id for x in pack] == [d.id for d in case.debts[1:]]
    assert [x.addressee for x in pack] == ["ผู้อำนวยการธนาคารออมสิน", "กรรมการผู้จัดการใหญ่ธนาคารกรุงไทย"]
    text = norm(pdf_text(letters.render(pack[:1])))
    assert norm("ผู้อำนวยการธนาคารออมสิน") in text and norm(f"ผู้จัดการ{CMI}") not in text.split("เรื่อง")[1][:200]
    assert pack[0].payload["data"]["request"]["creditor"]["name"] == "ธนาคารออมสิน"


def test_a_creditor_of_the_same_name_as_the_cooperative_but_not_it_gets_its_letter():
    """Names never decide: a creditor named like the cooperative with a branch is another creditor on file."""
    officer = user("coop_officer")
    other = creditors.create(officer, creditors.parse({"name": CMI, "branch": "สาขาฝาง", "creditor_type": "cooperative"}))
    debts = three_debts()["debts"]
    debts[0] = {k: v for k, v in debts[0].items() if k not in ("creditor_name", "creditor_type")} | {
        "creditor_id": other.id}
    case = _approved(debts)
    pack = letters.creditor_pack(officer, case.id)
    assert pack[0].debt_id == case.debts[0].id and pack[0].addressee == f"ผู้จัดการ{CMI} สาขาฝาง"


def test_an_older_snapshot_without_creditors_reads_the_current_creditor_rows():
    case = _approved(three_debts()["debts"])
    snapshot = db.session.scalar(select(CaseSnapshot).where(CaseSnapshot.case_id == case.id))
    older = copy.deepcopy(snapshot.data)
    for debt in older["debts"]:
        del debt["creditor_id"], debt["creditor"]
    snapshot.data = older
    db.session.commit()
    pack = letters.creditor_pack(user("coop_officer"), case.id)
    assert [x.addressee for x in pack] == ["ผู้อำนวยการธนาคารออมสิน", "กรรมการผู้จัดการใหญ่ธนาคารกรุงไทย"]
    # and with no creditor row at all (a debt never linked): the old addressing by the typed name
    db.session.get(Debt, case.debts[1].id).creditor_id = None
    db.session.commit()
    draft = letters.prepare(user("coop_officer"), "debt", case.id, "creditor_request", case.debts[1].id)
    assert draft.addressee == "ผู้จัดการธนาคารออมสิน (ช.พ.ค.)"


def test_the_report_lists_debts_whose_creditor_came_from_typed_text(app):
    case = _case([_debt("นายทุน บ้านดอน", "informal"), _debt(f"{CMI} (เงินกู้สามัญ)", "cooperative")])
    rows = {r.debt_id: r for r in creditors.report()}
    assert rows[case.debts[0].id].reason == "free_text"
    assert rows[case.debts[1].id].reason == "spelling" and rows[case.debts[1].id].creditor_name == CMI
    with app.test_request_context():
        result = CliRunner().invoke(creditors_report_command, [], obj=None, standalone_mode=False)
    assert result.exception is None, result.output
    assert "นายทุน บ้านดอน" in result.output and "debts to check" in result.output


def test_the_import_dry_run_lists_new_creditor_names_and_refuses_a_type_conflict():
    from app.services import debt_import
    from tests.factories import run_import
    from tests.helpers import member_rows, xlsx

    rows = member_rows(3)
    rows[1][16], rows[1][17] = "บริษัท ลิสซิ่ง ดอยสุเทพ จำกัด", "other"
    rows[3][16], rows[3][17] = "บริษัท  ลิสซิ่ง ดอยสุเทพ จำกัด", "other"  # the same lender, spaced otherwise
    job = run_import("coop_officer", xlsx(rows))
    assert job.status == "valid", job.errors
    assert job.summary["new_creditor_count"] == 1
    assert job.summary["new_creditors"] == [{"name": "บริษัท ลิสซิ่ง ดอยสุเทพ จำกัด", "creditor_type": "other",
                                             "rows": [3, 5]}]
    assert db.session.scalar(select(Creditor.id).where(Creditor.name.like("%ดอยสุเทพ%"))) is None  # a dry run
    debt_import.start_import(user("coop_officer"), job.id)
    made = db.session.scalars(select(Creditor).where(Creditor.name.like("%ดอยสุเทพ%"))).all()
    assert len(made) == 1 and made[0].source == "free_text"
    linked = db.session.scalars(select(Debt).where(Debt.creditor_id == made[0].id)).all()
    assert len(linked) == 2
    assert db.session.scalar(select(func.count(Debt.id)).where(Debt.creditor_id.is_(None))) == 0

    conflict = member_rows(1)
    conflict[1][17] = "other_bank"  # ธนาคารออมสิน is on file as gsb
    bad = run_import("coop_officer", xlsx(conflict))
    assert bad.status == "invalid" and [(e["row"], "ธนาคารออมสิน" in e["message"]) for e in bad.errors] == [(3, True)]


@pytest.mark.commits  # threads, each with its own connection
def test_two_requests_adding_one_new_lender_at_the_same_moment_make_one_creditor(app):
    """Both looked the name up and found nothing; both insert: the second finds the first's row (no 500)."""
    name = "นายทุนเงินด่วน บ้านใหม่"
    key = creditors.match_key(name)
    assert creditors._on_file(key) is None

    def add(_i):
        creditor = creditors._add(None, name=name, creditor_type="informal", source="free_text")
        db.session.commit()
        return creditor.match_key

    assert at_once(app, 2, add) == [key, key]
    assert db.session.scalar(select(func.count(Creditor.id)).where(Creditor.match_key == key)) == 1
