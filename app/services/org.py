"""The org tree: seeding the reference units and the administrators' changes to units."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import String, func, literal, select, update

from app.extensions import db
from app.i18n import gettext as _
from app.models import CaseTransition, DebtCase, Letter, LetterBatch, OrgUnit, ReliefCase, UnitKind, User
from app.models.org import ALLOWED_PARENT_KINDS
from app.services import audit
from app.services.errors import NotFound, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404
from app.storage import storage

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"
MINISTRY_CODE = "MOE"
MINISTRY_NAME = "สำนักงานปลัดกระทรวงศึกษาธิการ"
MINISTRY_NAME_EN = "Office of the Permanent Secretary, Ministry of Education"
BANGKOK_CODE = "10"


def region_code(region_no: int) -> str:
    return f"REG-{region_no:02d}"


def province_office_name(province_name: str, province_code: str) -> str:
    # Bangkok's office is สำนักงานศึกษาธิการกรุงเทพมหานคร (no จังหวัด: Bangkok is not a changwat).
    if province_code == BANGKOK_CODE:
        return f"สำนักงานศึกษาธิการ{province_name}"
    return f"สำนักงานศึกษาธิการจังหวัด{province_name}"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _add_unit(parent: OrgUnit | None, **fields) -> OrgUnit:
    unit = OrgUnit(parent=parent, **fields)
    db.session.add(unit)
    db.session.flush()  # the id makes the path
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    return unit


def seed_reference_tree() -> int:
    """Insert the ministry, the 18 regional offices and the 77 provincial offices that are missing.

    Idempotent, and it never overwrites a unit that exists: administrators' corrections stand.
    Returns how many units were added. The caller commits.
    """
    existing = {code: unit for code, unit in db.session.execute(select(OrgUnit.code, OrgUnit)).all()}
    added = 0
    ministry = existing.get(MINISTRY_CODE)
    if ministry is None:
        ministry = _add_unit(None, code=MINISTRY_CODE, name=MINISTRY_NAME, name_en=MINISTRY_NAME_EN,
                             kind=UnitKind.MINISTRY.value)
        added += 1
    regions: dict[int, OrgUnit] = {}
    for row in _read_csv("regions.csv"):
        number = int(row["region_no"])
        code = region_code(number)
        unit = existing.get(code)
        if unit is None:
            unit = _add_unit(ministry, code=code, name=row["name_th"],
                             name_en=f"Regional Education Office {number}",
                             kind=UnitKind.REGION.value, region_no=number)
            added += 1
        regions[number] = unit
    for row in _read_csv("provinces.csv"):
        if row["code"] in existing:
            continue
        number = int(row["region_no"]) if row["region_no"] else None
        parent = regions[number] if number else ministry  # Bangkok: directly under the ministry
        _add_unit(parent, code=row["code"], name=province_office_name(row["name_th"], row["code"]),
                  name_en=row["name_en"], kind=UnitKind.PROVINCE.value,
                  province_code=row["code"], region_no=number)
        added += 1
    return added


@dataclass
class UnitInput:
    code: str
    name: str
    name_en: str | None
    kind: str
    parent_id: int | None
    active: bool = True
    letterhead: dict | None = None  # LETTERHEAD fields; None leaves them as they are
    emblem: bytes | None = None     # a newly uploaded emblem image (checked by check_emblem)
    remove_emblem: bool = False     # back to no emblem: the 3 cm at the top of letters stay empty


LETTERHEAD = ("letter_prefix", "address", "section", "phone", "email", "signer_name", "signer_position")


def _apply_letterhead(unit: OrgUnit, data: UnitInput) -> None:
    for name in LETTERHEAD if data.letterhead is not None else ():
        value = " ".join(str(data.letterhead.get(name) or "").split())
        setattr(unit, name, value[:OrgUnit.__table__.c[name].type.length] or None)


def _snapshot(unit: OrgUnit) -> dict:
    return {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "kind": unit.kind,
            "parent_id": unit.parent_id, "active": unit.active, "path": unit.path,
            **{name: getattr(unit, name) for name in LETTERHEAD}}


def _validate(data: UnitInput, actor: User, unit: OrgUnit | None = None) -> OrgUnit | None:
    errors: dict[str, str] = {}
    code = data.code.strip()
    if not code:
        errors["code"] = _("Enter a code.")
    else:
        clash = db.session.scalar(select(OrgUnit.id).where(func.lower(OrgUnit.code) == code.lower()))
        if clash is not None and (unit is None or clash != unit.id):
            errors["code"] = _("Another unit already uses this code.")
    if not data.name.strip():
        errors["name"] = _("Enter a name.")
    try:
        kind = UnitKind(data.kind)
    except ValueError:
        errors["kind"] = _("Choose a kind of unit.")
        kind = None
    parent = None
    if data.parent_id is None:
        if kind is not None and ALLOWED_PARENT_KINDS[kind]:
            errors["parent_id"] = _("Choose the unit this one belongs to.")
    else:
        try:
            parent = get_scoped_or_404(OrgUnit, data.parent_id, actor)
        except NotFound:
            errors["parent_id"] = _("Choose a unit inside your scope.")
        if parent is not None and kind is not None and UnitKind(parent.kind) not in ALLOWED_PARENT_KINDS[kind]:
            errors["parent_id"] = _("A unit of this kind cannot belong to that unit.")
        if parent is not None and unit is not None and parent.path.startswith(unit.path):
            errors["parent_id"] = _("A unit cannot belong to itself or to a unit below it.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    return parent


# ---- the emblem of a unit's letters (issue 18) ------------------------------------------------------------------
# The regulation puts the emblem (about 3 cm high) centred at the top of an external letter (thai-documents.md).
# The national emblem (ครุฑ) is not bundled: each unit's administrator uploads the image its letters carry.

EMBLEM_MAX_BYTES = 1024 * 1024
EMBLEM_MIN_SIDE, EMBLEM_MAX_SIDE = 64, 3000  # pixels: 3 cm at 300 dpi is ~354 px
EMBLEM_FORMATS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class Emblem:
    png: bytes       # the image re-encoded as PNG: what is stored and printed
    width: int
    height: int
    source_format: str
    sha256: str

    @property
    def key(self) -> str:
        return f"emblems/{self.sha256}.png"


def check_emblem(data: bytes) -> Emblem:
    """An uploaded emblem, checked by its content (not its name or the browser's type): a PNG or JPEG of at most
    1 MB that decodes whole, 64 to 3,000 pixels a side. It is re-encoded as PNG, so nothing else in the file (a
    script, a second format appended) is ever stored or printed."""

    def refuse(message: str):
        raise ValidationFailed(_("Please correct the marked fields."), {"emblem": message})

    if not data:
        refuse(_("Choose an image file."))
    if len(data) > EMBLEM_MAX_BYTES:
        refuse(_("The emblem may be at most 1 MB."))
    declared = next((kind for magic, kind in EMBLEM_FORMATS.items() if data.startswith(magic)), None)
    if declared is None:
        refuse(_("The emblem must be a PNG or JPEG image."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != declared:
                refuse(_("The emblem must be a PNG or JPEG image."))
            width, height = probe.size
            if not (EMBLEM_MIN_SIDE <= min(width, height) and max(width, height) <= EMBLEM_MAX_SIDE):
                refuse(_("The emblem must be %(low)d to %(high)d pixels a side.", low=EMBLEM_MIN_SIDE,
                         high=EMBLEM_MAX_SIDE))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        refuse(_("The emblem could not be read as an image."))
    png = out.getvalue()
    return Emblem(png, width, height, declared, hashlib.sha256(png).hexdigest())


def _set_emblem(actor: User, unit: OrgUnit, data: UnitInput) -> None:
    """Store a new emblem (content-addressed: a key is never overwritten, so letters issued with an earlier
    emblem keep it) or remove it; audited as org_unit.emblem."""

    if data.emblem is None and not data.remove_emblem:
        return
    before = unit.emblem_key
    details: dict = {}
    if data.emblem is not None:
        emblem = check_emblem(data.emblem)
        if not storage().exists(emblem.key):
            storage().write(emblem.key, emblem.png)
        unit.emblem_key = emblem.key
        details = {"width": emblem.width, "height": emblem.height, "format": emblem.source_format,
                   "bytes": len(data.emblem)}
    else:
        unit.emblem_key = None
    if unit.emblem_key != before:
        audit.record("org_unit.emblem", actor=actor, object_type="org_unit", object_id=unit.id, org_path=unit.path,
                     before={"emblem_key": before}, after={"emblem_key": unit.emblem_key, **details})


def create_unit(actor: User, data: UnitInput) -> OrgUnit:
    require(actor, "manage_org_units")
    parent = _validate(data, actor)
    unit = _add_unit(parent, code=data.code.strip(), name=data.name.strip(),
                     name_en=(data.name_en or "").strip() or None, kind=data.kind,
                     province_code=parent.province_code if parent else None,
                     region_no=parent.region_no if parent else None, active=data.active)
    _apply_letterhead(unit, data)
    if data.emblem is not None:
        check_emblem(data.emblem)  # refused before anything is written
    audit.record("org_unit.create", actor=actor, object_type="org_unit", object_id=unit.id,
                 org_path=unit.path, after=_snapshot(unit))
    _set_emblem(actor, unit, data)
    db.session.commit()
    return unit


def update_unit(actor: User, unit_id: int, data: UnitInput) -> OrgUnit:
    require(actor, "manage_org_units")
    unit = get_scoped_or_404(OrgUnit, unit_id, actor)
    if unit.kind != data.kind:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"kind": _("The kind of an existing unit cannot change.")})
    if unit.id == actor.org_unit_id and data.parent_id != unit.parent_id:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"parent_id": _("You cannot move the unit you belong to.")})
    parent = _validate(data, actor, unit)
    if data.emblem is not None:
        check_emblem(data.emblem)  # refused before anything is changed
    before = _snapshot(unit)
    unit.code, unit.name = data.code.strip(), data.name.strip()
    unit.name_en = (data.name_en or "").strip() or None
    unit.active = data.active
    _apply_letterhead(unit, data)
    if parent is not None and parent.id != unit.parent_id:
        _move(unit, parent)
    old, new = audit.changed_fields(before, _snapshot(unit))
    if new:
        audit.record("org_unit.update", actor=actor, object_type="org_unit", object_id=unit.id,
                     org_path=unit.path, before=old, after=new)
    _set_emblem(actor, unit, data)
    db.session.commit()
    return unit


def _move(unit: OrgUnit, parent: OrgUnit) -> None:
    """Re-hang a unit and rewrite the paths of its whole subtree in one statement."""
    old_path = unit.path
    new_path = parent.path + f"{unit.id}/"
    unit.parent = parent
    if parent.province_code:
        unit.province_code = parent.province_code
    unit.region_no = parent.region_no if unit.kind != UnitKind.REGION.value else unit.region_no
    db.session.flush()
    for model, column in _path_copies():
        db.session.execute(
            update(model)
            .where(column.startswith(old_path, autoescape=True))
            .values({column.key: literal(new_path, String).concat(func.substr(column, len(old_path) + 1))})
            .execution_options(synchronize_session=False)
        )
    if unit.province_code:
        # a cooperative or area office moved to another province takes its cases with it
        for model in (DebtCase, ReliefCase):
            db.session.execute(update(model).where(model.org_path.startswith(new_path, autoescape=True))
                               .values(province_code=unit.province_code).execution_options(synchronize_session=False))
    db.session.expire_all()


def _path_copies():
    """Every column that copies an org path, so that a moved unit keeps its whole subtree in scope.
    The audit trail is left as it was written (append-only): it records where things were at the time."""
    return ((OrgUnit, OrgUnit.path), (DebtCase, DebtCase.org_path), (ReliefCase, ReliefCase.org_path),
            (CaseTransition, CaseTransition.org_path), (Letter, Letter.org_path), (LetterBatch, LetterBatch.org_path))
