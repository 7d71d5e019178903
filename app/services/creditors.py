"""Creditors on file (issue 18; domain.md "After approval" 1; api-v1.md v1.1 "Creditors").

Creditors are organisations on file — type, name, branch, address and the position letters are addressed to — not
free text. Every cooperative of the org tree is one (org_unit_id set), and the issuing cooperative never writes to
itself: that rule compares org_unit_id with the cooperative's id, never names (letter_kinds/creditor_request.py).

Creditors are national reference data: every signed-in user may read them (a teacher in Chiang Mai may owe a bank
branch anywhere); cooperative officers, provincial officers and administrators may add them.

A debt names its creditor by `creditor_id`, or by a typed name (api-v1.md keeps `creditor_name`/`creditor_type`,
and v1 clients send only those). A typed name is matched, in this order:
1. the same name on file, normalised (white space collapsed, case folded; branch empty) — with the typed type; the
   same name on file under another type is refused on `creditor_type` (one record per lender: a second record of
   that name cannot exist, and guessing either type would be wrong);
2. the name without a trailing note in brackets ("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด (เงินกู้สามัญ)",
   "ธนาคารออมสิน (ช.พ.ค.)") — only to a creditor of the typed type;
3. otherwise a new creditor is created from the typed text (source "free_text", audited, listed by
   `flask creditors-report` and on the creditors page for an officer to check).
The debt keeps the typed name (what the teacher's contract says); letters take the creditor's own name and
addressee from the creditor on file.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import gettext as _
from app.labels import CREDITOR_TYPE_LABELS
from app.models import Creditor, Debt, DebtCase, OrgUnit, Role, UnitKind, User
from app.models.debt import CREDITOR_TYPES
from app.services import audit
from app.services.errors import Forbidden, NotFound, ValidationFailed

# Who may add creditors (issue 18): the officers who enter debts and the administrators who keep reference data.
EDITORS = frozenset({Role.COOPERATIVE_OFFICER.value, Role.PROVINCIAL_OFFICER.value, Role.ADMINISTRATOR.value})
# A cooperative's letters go to its manager ("ผู้จัดการสหกรณ์ออมทรัพย์ครู… จำกัด"): the addressee of the org tree's
# cooperatives and of a creditor created from a typed name, until an officer corrects it (thai-documents.md:
# letters are addressed to the head of the office by position).
DEFAULT_ADDRESSEE = "ผู้จัดการ"
REFERENCE_FILE = Path(__file__).resolve().parent.parent / "reference_data" / "creditors.csv"
MAX_SEARCH = 200
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


# ---- names ---------------------------------------------------------------------------------------

def clean(text: str | None) -> str:
    """Text as typed, less control and zero-width characters; white space runs become one space (NFC)."""
    text = "".join(ch for ch in (text or "") if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(unicodedata.normalize("NFC", text).split())


def match_key(name: str | None, branch: str | None = None) -> str:
    """What makes two creditors the same: name and branch, normalised (the same in migration 0016)."""
    return f"{clean(name).casefold()}|{clean(branch).casefold()}"


def without_note(name: str) -> str:
    return _TRAILING_NOTE.sub("", clean(name))


def addressee_line(name: str, branch: str | None, addressee: str | None) -> str:
    """Whom a letter to this creditor is addressed to, after "เรียน": the addressee position followed by the
    creditor's own name and branch ("ผู้จัดการ" + "สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด"), unless the addressee is already
    a whole title naming the creditor ("ผู้จัดการธนาคารออมสินสาขาเชียงใหม่")."""
    position = clean(addressee) or DEFAULT_ADDRESSEE
    name, branch = clean(name), clean(branch)
    squeezed = position.replace(" ", "")
    if name and name.replace(" ", "") in squeezed:
        return position
    line = f"{position}{name}"
    if branch and branch.replace(" ", "") not in squeezed:
        line += f" {branch_words(branch)}"
    return line


def branch_words(branch: str) -> str:
    """"เชียงใหม่" or "สาขาเชียงใหม่" → "สาขาเชียงใหม่" (officers type the branch either way)."""
    branch = clean(branch)
    return branch if branch.startswith("สาขา") else f"สาขา{branch}"


# ---- reading -------------------------------------------------------------------------------------

def _require_signed_in(actor: User) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise Forbidden()


def may_edit(actor: User | None) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.active
                and actor.role in EDITORS)


def search(actor: User, q: str = "", creditor_type: str = "", *, include_inactive: bool = False):
    """Creditors on file matching `q` (name or branch, case-insensitive) and the type, by name. Not scoped."""
    _require_signed_in(actor)
    stmt = select(Creditor)
    if not include_inactive:
        stmt = stmt.where(Creditor.active.is_(True))
    text = clean(q)[:100]
    if text:
        pattern = "%" + text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(Creditor.name).like(pattern, escape="\\"),
                              func.lower(Creditor.branch).like(pattern, escape="\\"),
                              Creditor.match_key.like(pattern, escape="\\")))
    if creditor_type:
        stmt = stmt.where(Creditor.creditor_type == creditor_type)
    return stmt.order_by(Creditor.name, Creditor.branch, Creditor.id)


def get(actor: User, creditor_id: int) -> Creditor:
    _require_signed_in(actor)
    creditor = db.session.get(Creditor, creditor_id) if isinstance(creditor_id, int) else None
    if creditor is None:
        raise NotFound()
    return creditor


FORM_CHOICES = 500  # creditors listed in the debt form's datalist; the picker searches the rest as one types


def form_choices() -> list[Creditor]:
    """The creditors the debt form offers without a search: the org tree's and the reference list first, by name."""
    return list(db.session.scalars(select(Creditor).where(Creditor.active.is_(True)).order_by(
        (Creditor.source == "free_text"), Creditor.name, Creditor.branch).limit(FORM_CHOICES)))


def of_unit(unit_id: int) -> Creditor | None:
    return db.session.scalar(select(Creditor).where(Creditor.org_unit_id == unit_id))


# ---- adding --------------------------------------------------------------------------------------

@dataclass
class CreditorInput:
    name: str
    creditor_type: str
    branch: str | None
    address: str | None
    addressee: str
    org_unit_code: str | None


def _text(data: dict, key: str, errors: dict, *, required: bool, max_length: int) -> str | None:
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors[key] = _("This field is required.")
        return None
    if not isinstance(raw, str):
        errors[key] = _("Enter text.")
        return None
    value = clean(raw)
    if len(value) > max_length:
        errors[key] = _("Use at most %(n)d characters.", n=max_length)
        return None
    return value


def parse(data) -> CreditorInput:
    """A creditor from the API's JSON or the creditors page (same shape); every bad field listed."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("Please correct the marked fields."), {"": _("Send a JSON object.")})
    errors: dict[str, str] = {}
    creditor_type = data.get("creditor_type")
    if creditor_type not in CREDITOR_TYPES:
        errors["creditor_type"] = _("Choose the creditor type.")
    result = CreditorInput(
        name=_text(data, "name", errors, required=True, max_length=200),
        creditor_type=creditor_type if creditor_type in CREDITOR_TYPES else None,
        branch=_text(data, "branch", errors, required=False, max_length=200),
        address=_text(data, "address", errors, required=False, max_length=300),
        addressee=_text(data, "addressee", errors, required=False, max_length=200) or DEFAULT_ADDRESSEE,
        org_unit_code=_text(data, "org_unit_code", errors, required=False, max_length=32))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    return result


def _on_file(key: str) -> Creditor | None:
    return db.session.scalar(select(Creditor).where(Creditor.match_key == key))


def create(actor: User, data: CreditorInput, *, commit: bool = True) -> Creditor:
    """Add a creditor (cooperative officers, provincial officers, administrators); audited; one per name+branch."""
    _require_signed_in(actor)
    if not may_edit(actor):
        raise Forbidden()
    errors: dict[str, str] = {}
    unit = None
    if data.org_unit_code:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == data.org_unit_code))
        if unit is None or unit.kind != UnitKind.COOPERATIVE.value:
            errors["org_unit_code"] = _("No cooperative with this code in the org tree.")
        elif of_unit(unit.id) is not None:
            errors["org_unit_code"] = _("This cooperative is a creditor on file already (number %(id)d).",
                                        id=of_unit(unit.id).id)
        elif data.creditor_type != "cooperative":
            errors["creditor_type"] = _("A cooperative of the org tree is of the type savings cooperative.")
    existing = _on_file(match_key(data.name, data.branch))
    if existing is not None:
        errors["name"] = _("This creditor is on file already (number %(id)d); choose it instead.", id=existing.id)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    creditor = _add(actor, name=data.name, creditor_type=data.creditor_type, branch=data.branch,
                    address=data.address, addressee=data.addressee, org_unit=unit, source="entered")
    if commit:
        db.session.commit()
    return creditor


def _add(actor: User | None, *, name: str, creditor_type: str, branch=None, address=None,
         addressee: str = DEFAULT_ADDRESSEE, org_unit: OrgUnit | None = None, source: str) -> Creditor:
    creditor = Creditor(name=clean(name), creditor_type=creditor_type, branch=clean(branch) or None,
                        address=clean(address) or None, addressee=clean(addressee) or DEFAULT_ADDRESSEE,
                        org_unit_id=org_unit.id if org_unit else None, match_key=match_key(name, branch),
                        source=source)
    try:
        with db.session.begin_nested():  # a savepoint: two requests typing one new lender at the same moment
            db.session.add(creditor)
            db.session.flush()
    except IntegrityError:
        existing = _on_file(creditor.match_key)  # the other request's, committed first: one record per lender
        if existing is None or source == "entered":
            raise ValidationFailed(_("Please correct the marked fields."), {"name": _(
                "This creditor is on file already; choose it instead.")}) from None
        return existing
    audit.record("creditor.create", actor=actor, object_type="creditor", object_id=creditor.id,
                 org_path=org_unit.path if org_unit else "/", after=as_audit(creditor))
    return creditor


def as_audit(creditor: Creditor) -> dict:
    return {"name": creditor.name, "creditor_type": creditor.creditor_type, "branch": creditor.branch,
            "address": creditor.address, "addressee": creditor.addressee, "org_unit_id": creditor.org_unit_id,
            "source": creditor.source}


def as_json(creditor: Creditor) -> dict:
    """A creditor as the API shows it (api-v1.md v1.1, Creditors)."""
    return {"id": creditor.id, "name": creditor.name, "creditor_type": creditor.creditor_type,
            "branch": creditor.branch, "address": creditor.address, "addressee": creditor.addressee,
            "addressed_to": addressee_line(creditor.name, creditor.branch, creditor.addressee),
            "org_unit_code": creditor.org_unit.code if creditor.org_unit else None,
            "source": creditor.source, "active": creditor.active}


# ---- seeding -------------------------------------------------------------------------------------

def ensure_org_tree_creditors() -> int:
    """Every cooperative of the org tree is a creditor on file (api-v1.md v1.1): add those missing. A cooperative
    whose name is on file already (entered by hand before) is linked to that record. Returns how many were added or
    linked; the caller commits."""
    missing = db.session.scalars(select(OrgUnit).where(
        OrgUnit.kind == UnitKind.COOPERATIVE.value,
        ~select(Creditor.id).where(Creditor.org_unit_id == OrgUnit.id).exists()).order_by(OrgUnit.id)).all()
    done = 0
    for unit in missing:
        same_name = _on_file(match_key(unit.name))
        if same_name is not None:
            if same_name.org_unit_id is None and same_name.creditor_type == "cooperative":
                same_name.org_unit_id = unit.id
                same_name.address = same_name.address or unit.address
                audit.record("creditor.update", actor=None, object_type="creditor", object_id=same_name.id,
                             org_path=unit.path, before={"org_unit_id": None}, after={"org_unit_id": unit.id})
                done += 1
            continue
        _add(None, name=unit.name, creditor_type="cooperative", address=unit.address, org_unit=unit,
             source="org_tree")
        done += 1
    return done


def seed_reference_creditors() -> int:
    """The national creditors most teachers owe (app/reference_data/creditors.csv), those missing by name and
    branch; never overwrites what an officer set. Returns how many were added; the caller commits."""
    with REFERENCE_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    added = 0
    for row in rows:
        if _on_file(match_key(row["name"], row.get("branch"))) is None:
            _add(None, name=row["name"], creditor_type=row["creditor_type"], branch=row.get("branch") or None,
                 address=row.get("address") or None, addressee=row.get("addressee") or DEFAULT_ADDRESSEE,
                 source="reference")
            added += 1
    return added


def seed() -> dict[str, int]:
    return {"org_tree": ensure_org_tree_creditors(), "reference": seed_reference_creditors()}


# ---- debts ---------------------------------------------------------------------------------------

@dataclass
class Match:
    creditor: Creditor | None      # found on file
    conflict: Creditor | None      # the same name on file under another type


def match_name(name: str, creditor_type: str, on_file: dict[str, Creditor] | None = None) -> Match:
    """A typed creditor name against the creditors on file (the rules in this module's docstring)."""
    def lookup(key):
        return on_file.get(key) if on_file is not None else _on_file(key)

    same = lookup(match_key(name))
    if same is None and " สาขา" in clean(name):  # "ธนาคารออมสิน สาขาเชียงใหม่", as the form's list shows a branch
        head, _sep, branch = clean(name).rpartition(" สาขา")
        same = (lookup(match_key(head, branch)) or lookup(match_key(head, "สาขา" + branch))) if on_file is None else None
    if same is not None:
        return Match(same, None) if same.creditor_type == creditor_type else Match(None, same)
    bare = without_note(name)
    if bare and bare != clean(name):
        found = lookup(match_key(bare))
        if found is not None and found.creditor_type == creditor_type:
            return Match(found, None)
    return Match(None, None)


def type_conflict_message(creditor: Creditor) -> str:
    return _("%(name)s is on file as “%(type)s”: choose that type, or pick the creditor from the list.",
             name=creditor.name, type=CREDITOR_TYPE_LABELS.get(creditor.creditor_type, creditor.creditor_type))


def resolve_for_debt(actor: User | None, debts: list, *, path: str = "debts") -> list[Creditor]:
    """The creditor on file of each parsed debt (services/debt_input.DebtInput), set on it: `creditor_id` given
    (creditor_name/creditor_type then come from the creditor; an unknown id is refused on debts[i].creditor_id), or
    the typed name matched, or a new creditor created from it. Checks every debt before creating anything, and
    raises ValidationFailed listing every bad one. The caller's transaction; nothing committed."""
    errors: dict[str, str] = {}
    pending: list[tuple[object, Match]] = []
    ids = {d.creditor_id for d in debts if getattr(d, "creditor_id", None) is not None}
    by_id = {c.id: c for c in db.session.scalars(select(Creditor).where(Creditor.id.in_(sorted(ids))))} if ids else {}
    matched: dict[tuple[str, str], Match] = {}  # a file of 20,000 debts names a few hundred lenders
    for i, item in enumerate(debts):
        if item.creditor_id is not None:
            creditor = by_id.get(item.creditor_id)
            if creditor is None or not creditor.active:
                errors[f"{path}[{i}].creditor_id"] = _("No creditor with this number on file; choose one from the list.")
                continue
            item.creditor_name, item.creditor_type = creditor.name, creditor.creditor_type
            continue
        if not item.creditor_name or not item.creditor_type:
            continue  # refused by the parser already
        memo = (match_key(item.creditor_name), item.creditor_type)
        found = matched.get(memo) or matched.setdefault(memo, match_name(item.creditor_name, item.creditor_type))
        if found.conflict is not None:
            errors[f"{path}[{i}].creditor_type"] = type_conflict_message(found.conflict)
        pending.append((item, found))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    created: dict[str, Creditor] = {}
    if any(found.creditor is None for _item, found in pending):
        ensure_org_tree_creditors()  # a cooperative added to the tree since the last seeding is a creditor too
    for item, found in pending:
        creditor = found.creditor
        if creditor is None:
            creditor = created.get(match_key(item.creditor_name))
            if creditor is None:  # a cooperative linked by ensure_org_tree_creditors just now?
                creditor = match_name(item.creditor_name, item.creditor_type).creditor
            if creditor is None:
                creditor = created[match_key(item.creditor_name)] = _add(
                    actor, name=item.creditor_name, creditor_type=item.creditor_type, source="free_text")
        item.creditor_id = creditor.id
    return [by_id.get(d.creditor_id) or db.session.get(Creditor, d.creditor_id) for d in debts
            if d.creditor_id is not None]


def on_file_by_keys(names: set[str]) -> dict[str, Creditor]:
    """Creditors whose match key (branch empty) is one of these names' or their bare names' (bulk lookup)."""
    keys = sorted({match_key(n) for n in names} | {match_key(without_note(n)) for n in names})
    found: dict[str, Creditor] = {}
    for start in range(0, len(keys), 500):
        found.update((c.match_key, c) for c in db.session.scalars(
            select(Creditor).where(Creditor.match_key.in_(keys[start:start + 500]))))
    return found


# ---- the report ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    debt_id: int
    case_reference: str | None
    cooperative_code: str
    typed_name: str
    typed_type: str
    creditor_id: int | None
    creditor_name: str | None
    reason: str  # "free_text": creditor made from the typed name; "spelling": matched another spelling or type;
                 # "none": no creditor yet


def report(limit: int | None = None) -> list[ReportRow]:
    """Debts for an officer to check (migration 0016 and typed names since): those whose creditor was created from
    typed text, matched under another spelling or type, or not linked at all."""
    stmt = (select(Debt.id, DebtCase.reference, OrgUnit.code, Debt.creditor_name, Debt.creditor_type,
                   Creditor.id, Creditor.name, Creditor.creditor_type, Creditor.source)
            .join(DebtCase, DebtCase.id == Debt.case_id).join(OrgUnit, OrgUnit.id == DebtCase.cooperative_id)
            .outerjoin(Creditor, Creditor.id == Debt.creditor_id)
            .where(or_(Creditor.id.is_(None), Creditor.source == "free_text", Creditor.name != Debt.creditor_name,
                       Creditor.creditor_type != Debt.creditor_type))
            .order_by(OrgUnit.code, Debt.id))
    if limit:
        stmt = stmt.limit(limit)
    rows = []
    for debt_id, reference, code, typed, typed_type, cid, cname, ctype, source in db.session.execute(stmt):
        reason = "none" if cid is None else "free_text" if source == "free_text" else "spelling"
        if reason == "spelling" and clean(typed) == cname and ctype == typed_type:
            continue  # only white space differed
        rows.append(ReportRow(debt_id, reference, code, typed, typed_type, cid, cname, reason))
    return rows
