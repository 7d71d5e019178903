import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OrgUnit, User
from app.services import org as org_service
from app.services.errors import ValidationFailed
from app.services.org import REFERENCE_DIR, UnitInput, seed_reference_tree
from tests.factories import OrgUnitFactory, unit_by_code

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def count(kind):
    return db.session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.kind == kind))


def test_reference_tree_has_ministry_18_regions_and_77_provinces():
    assert count("ministry") == 1
    assert count("region") == 18
    assert count("province") == 77


def test_provinces_carry_their_real_codes_names_and_regions():
    rows = list(csv.DictReader(open(REFERENCE_DIR / "provinces.csv", encoding="utf-8")))
    assert len(rows) == 77
    for row in rows:
        unit = unit_by_code(row["code"])
        assert unit.province_code == row["code"]
        assert row["name_th"] in unit.name
        assert unit.name_en == row["name_en"]
        if row["region_no"]:
            assert unit.parent.code == f"REG-{int(row['region_no']):02d}"
        else:
            assert unit.parent.code == "MOE"
    assert unit_by_code("50").name == "สำนักงานศึกษาธิการจังหวัดเชียงใหม่"
    assert unit_by_code("10").name == "สำนักงานศึกษาธิการกรุงเทพมหานคร"
    assert unit_by_code("94").parent.code == "REG-07"


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is only beside the project checkout")
@pytest.mark.parametrize("name", ["provinces.csv", "regions.csv"])
def test_bundled_reference_data_equals_the_checked_shared_copy(name):
    assert (REFERENCE_DIR / name).read_bytes() == (SHARED_DATA / name).read_bytes()


def test_paths_nest_every_unit_under_its_parent():
    for unit in db.session.scalars(select(OrgUnit)):
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.id}/"
        assert unit.path == expected


def test_seeding_again_adds_nothing_and_keeps_corrections():
    unit = unit_by_code("50")
    unit.name = "ชื่อที่ผู้ดูแลแก้ไข"
    db.session.commit()
    assert seed_reference_tree() == 0
    db.session.commit()
    assert unit_by_code("50").name == "ชื่อที่ผู้ดูแลแก้ไข"
    assert count("province") == 77


def admin():
    return db.session.scalar(select(User).where(User.username == "admin"))


def test_create_cooperative_is_audited_and_scoped_below_its_province():
    province = unit_by_code("40")
    unit = org_service.create_unit(admin(), UnitInput(
        code="COOP-KKN-02", name="สหกรณ์ออมทรัพย์ครูขอนแก่น 2 จำกัด", name_en=None, kind="cooperative",
        parent_id=province.id))
    assert unit.path.startswith(province.path) and unit.province_code == "40"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.create"))
    assert event.object_id == str(unit.id) and event.after["code"] == "COOP-KKN-02"
    assert event.actor_username == "admin"


@pytest.mark.parametrize("change, field", [
    ({"code": "COOP-CMI-01"}, "code"),      # taken
    ({"code": "  "}, "code"),
    ({"name": ""}, "name"),
    ({"kind": "planet"}, "kind"),
    ({"parent_id": None}, "parent_id"),
    ({"parent_id": "REGION"}, "parent_id"),  # a cooperative hangs under a province, not a region
])
def test_invalid_units_are_refused_with_field_errors_and_nothing_changes(change, field):
    data = {"code": "COOP-NEW-01", "name": "สหกรณ์ใหม่", "name_en": None, "kind": "cooperative",
            "parent_id": unit_by_code("50").id, **change}
    if data["parent_id"] == "REGION":
        data["parent_id"] = unit_by_code("REG-15").id
    before = db.session.scalar(select(func.count()).select_from(OrgUnit))
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as error:
        org_service.create_unit(admin(), UnitInput(**data))
    assert field in error.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_moving_a_province_rewrites_the_paths_of_its_whole_subtree():
    bangkok = unit_by_code("10")
    coop = OrgUnitFactory(parent=bangkok, code="COOP-BKK-01")
    db.session.commit()
    region = unit_by_code("REG-02")
    org_service.update_unit(admin(), bangkok.id, UnitInput(
        code="10", name=bangkok.name, name_en=bangkok.name_en, kind="province", parent_id=region.id))
    bangkok, coop = unit_by_code("10"), unit_by_code("COOP-BKK-01")
    assert bangkok.path == f"{region.path}{bangkok.id}/"
    assert coop.path == f"{bangkok.path}{coop.id}/"
    assert bangkok.region_no == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.update"))
    assert event.before["parent_id"] == unit_by_code("MOE").id and event.after["parent_id"] == region.id


def test_a_unit_cannot_move_below_its_own_subtree():
    region = unit_by_code("REG-15")
    with pytest.raises(ValidationFailed) as error:
        org_service.update_unit(admin(), region.id, UnitInput(
            code="REG-15", name=region.name, name_en=None, kind="region", parent_id=unit_by_code("50").id))
    assert "parent_id" in error.value.fields
    db.session.rollback()
    assert unit_by_code("REG-15").parent.code == "MOE"
