"""Debt cases: register, edit, and keep the 30% analysis of each case current.

Every change: validate (debt_input.parse_case) → authorise (role + scope) → change → recompute →
audit → commit once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import false, func, select, update

from app.domain import clock
from app.domain.money import above_legal_rate
from app.domain.references import debt_case_reference
from app.extensions import db
from app.i18n import gettext as _
from app.models import CaseDeduction, CaseDelinquency, Debt, DebtCase, DebtCaseRollup, DebtGuarantor, OrgUnit, Person, UnitKind, User
from app.models.debt import EDITABLE_STATUSES
from app.services import audit, creditors, people, plan_upkeep
from app.services.case_figures import refresh_figures
from app.services.debt_input import CaseInput, income_errors, own_debt_message
from app.services.errors import Conflict, ValidationFailed
from app.services.permissions import require
from app.services.scope import get_scoped_or_404, prefix_match, scoped


def get_case(actor: User, case_id: int) -> DebtCase:
    """The one loader for a debt case: permission to read, then scope (404 outside it)."""
    require(actor, "view_debt_cases")
    return get_scoped_or_404(DebtCase, case_id, actor, DebtCase.org_path)


def cases_query(actor: User):
    require(actor, "view_debt_cases")
    return in_scope_of(select(DebtCase), actor)


def in_scope_of(stmt, actor: User):
    """The user's scope over debt cases (services/scope.py), said as an equality where it can be: a case copies
    its cooperative's id and province code (kept on every move, services/org.py), so the cases under a
    cooperative are those with its id and the cases under a province those with its code — which the composite
    indexes of migration 0008 answer in key order, and which PostgreSQL estimates well (a path LIKE beside the
    equality made it guess 90 times too few rows and pick a slow plan). Above a province: the path prefix."""
    return in_unit(stmt, actor.org_unit)


def in_unit(stmt, unit: OrgUnit):
    """The cases under `unit` (the caller's own, or a unit a report covers inside the caller's scope), said as
    in_scope_of says it."""
    if unit.kind == UnitKind.COOPERATIVE.value:
        return stmt.where(DebtCase.cooperative_id == unit.id)
    if unit.province_code and unit.kind == UnitKind.PROVINCE.value:
        return stmt.where(DebtCase.province_code == unit.province_code)
    return stmt.where(prefix_match(DebtCase.org_path, unit.path))


# ---- snapshots for the audit trail ---------------------------------------------------------------

def snapshot(case: DebtCase) -> dict:
    return case_snapshot(status=case.status, cooperative_code=case.cooperative.code,
                         citizen_id=case.person.citizen_id, monthly_salary=case.monthly_salary,
                         monthly_allowances=case.monthly_allowances, deductions=case.deductions,
                         debts=[(d.id, d) for d in case.debts],
                         chosen_plan_id=case.chosen_plan.id if case.chosen_plan else None,
                         retired=bool(case.retired), monthly_pension=case.monthly_pension,
                         paying_unit_code=case.paying_unit.code if case.paying_unit else None)


def case_snapshot(*, status: str, cooperative_code: str, citizen_id: str, monthly_salary: Decimal,
                  monthly_allowances: Decimal, deductions, debts, chosen_plan_id: int | None,
                  retired: bool = False, monthly_pension: Decimal = Decimal("0"),
                  paying_unit_code: str | None = None) -> dict:
    """A case as its audit rows record it, from rows (CaseDeduction, Debt) or from parsed input written in bulk
    (DeductionInput, DebtInput): `debts` are (id, debt) pairs."""
    return {
        "status": status, "cooperative": cooperative_code, "citizen_id": citizen_id,
        "monthly_salary": str(monthly_salary), "monthly_allowances": str(monthly_allowances),
        "retired": retired, "monthly_pension": str(monthly_pension), "paying_unit": paying_unit_code,
        "deductions": [[d.kind, d.label, str(d.monthly_amount)] for d in deductions],
        # The creditor on file comes after the figures (issue 18), then the guarantors and the free-text note
        # (issue 20), so earlier audit rows read the same up to them.
        "debts": [[debt_id, d.creditor_name, d.creditor_type, str(d.outstanding), str(d.annual_rate),
                   str(d.monthly_payment), d.remaining_months, d.legal_status, d.creditor_id,
                   guarantor_rows(d.guarantors), d.guarantors_note]
                  for debt_id, d in debts],
        "chosen_plan_id": chosen_plan_id,
    }


def guarantor_rows(guarantors) -> list[list]:
    """A debt's guarantors (DebtGuarantor rows, or parsed input; None: none given) as lists, for audit rows and
    for telling whether an edit changes them."""
    return [[g.citizen_id, g.title, g.first_name, g.last_name] for g in guarantors or ()]


# ---- the cooperative ------------------------------------------------------------------------------

def cooperative_for(actor: User, code: str | None) -> OrgUnit:
    if code is None:
        if actor.org_unit.kind == UnitKind.COOPERATIVE.value:
            return actor.org_unit
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"cooperative_code": _("This field is required.")})
    unit = db.session.scalar(scoped(select(OrgUnit).where(OrgUnit.code == code), OrgUnit.path, actor))
    if unit is None or unit.kind != UnitKind.COOPERATIVE.value:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"cooperative_code": _("No cooperative with this code in your area.")})
    return unit


# ---- the paying unit ------------------------------------------------------------------------------

# The units that deduct (domain.md, "After approval" 3): an area office for serving teachers, an area office or the
# pension payer for retired ones (paying_unit_error); the deduction lists are per unit of these kinds.
PAYING_UNIT_KINDS = (UnitKind.AREA_OFFICE.value, UnitKind.PENSION_PAYER.value)


def paying_unit_for(code: str | None) -> OrgUnit | None:
    """The unit that pays the teacher's salary or draws the pension (ส่วนราชการผู้เบิก): an area office, or for a
    retired teacher the pension payer (domain.md, "After approval" 3; api-v1.md v1.1 "paying_unit_code"; which kind
    fits the teacher is check_paying_unit's). Any active one, not only those in the caller's scope: a cooperative
    officer's scope holds neither, and a retired teacher's pension may be drawn in another province. Org units are
    no personal data, so naming one reveals nothing."""
    if code is None:
        return None
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or unit.kind not in PAYING_UNIT_KINDS or not unit.active:
        raise ValidationFailed(_("Please correct the marked fields."), {"paying_unit_code": _(
            "No area office or pension payer with this code (the paying unit is the area office that pays the "
            "salary, or for a retired teacher the area office or pension payer that pays the pension).")})
    return unit


def paying_unit_error(retired: bool, unit_kind: str | None) -> str | None:
    """A serving teacher is paid by an area office; a retired teacher's pension by an area office or a pension
    payer (domain.md, "After approval" 3)."""
    if unit_kind == UnitKind.PENSION_PAYER.value and not retired:
        return _("A serving teacher's paying unit is the area office that pays the salary, not a pension payer.")
    return None


def check_paying_unit(case: DebtCase) -> None:
    """The case as it will be: a PATCH may change the paying unit or the teacher's retirement alone."""
    message = paying_unit_error(bool(case.retired), case.paying_unit.kind if case.paying_unit else None)
    if message:
        raise ValidationFailed(_("Please correct the marked fields."), {"paying_unit_code": message})


def paying_unit_choices(cooperatives) -> list[OrgUnit]:
    """The area offices and pension payers of the cooperatives' provinces, offered first on the form (any active
    one's code is taken)."""
    provinces = {c.province_code for c in cooperatives if c.province_code}
    if not provinces:
        return []
    return list(db.session.scalars(select(OrgUnit).where(
        OrgUnit.kind.in_(PAYING_UNIT_KINDS), OrgUnit.active.is_(True),
        OrgUnit.province_code.in_(sorted(provinces))).order_by(OrgUnit.kind, OrgUnit.code)))


def debt_numbers(case: DebtCase) -> dict[int, int]:
    """Each debt's number as officers read it, by debt id: 1..n in the case's order (issue 21 point 8), never the
    database id."""
    return {d.id: number for number, d in enumerate(case.debts, start=1)}


def above_legal_rate_debts(case: DebtCase) -> list[tuple[int, Debt]]:
    """The debts (with their row index) whose rate is above the 15% a year of the Civil and Commercial Code s.654:
    recorded as charged, and flagged for the officer on the case page and in the API (issue 17, 7c)."""
    return [(i, d) for i, d in enumerate(case.debts) if above_legal_rate(d.annual_rate)]


def _check_income(case: DebtCase) -> None:
    errors = income_errors(bool(case.retired), case.monthly_salary, case.monthly_pension)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)


# ---- rows ----------------------------------------------------------------------------------------

def _apply_rows(actor: User, case: DebtCase, data: CaseInput) -> set[int]:
    """Replace deductions; update debts by id, add new ones, drop missing ones. Returns dropped debt ids.
    Each debt points at its creditor on file (issue 18; services/creditors.resolve_for_debt)."""
    if data.deductions is not None:
        case.deductions = [CaseDeduction(position=i, kind=d.kind, label=d.label, monthly_amount=d.monthly_amount)
                           for i, d in enumerate(data.deductions)]
    dropped: set[int] = set()
    if data.debts is not None:
        existing = {d.id: d for d in case.debts}
        unknown = [i for i, d in enumerate(data.debts) if d.id is not None and d.id not in existing]
        if unknown:
            raise ValidationFailed(_("Please correct the marked fields."),
                                   {f"debts[{i}].id": _("This debt is not part of the case.") for i in unknown})
        creditors.resolve_for_debt(actor, data.debts)
        rows = []
        for i, item in enumerate(data.debts):
            debt = existing.get(item.id) if item.id is not None else None
            if debt is None:
                debt = Debt()
            for name in ("creditor_id", "creditor_name", "creditor_type", "outstanding", "annual_rate", "monthly_payment",
                         "remaining_months", "salary_deducted", "legal_status"):
                setattr(debt, name, getattr(item, name))
            _set_guarantors(debt, item)
            debt.position = i
            rows.append(debt)
        kept = {d.id for d in rows if d.id is not None}
        dropped = set(existing) - kept
        case.debts = rows
    return dropped


def _set_guarantors(debt: Debt, item) -> None:
    """Given guarantors replace the debt's (issue 20: editing a case replaces them); rows are rewritten only when
    something in them changed. The note changes only when the input gives one (debt_input._guarantors)."""
    if item.guarantors is not None and guarantor_rows(item.guarantors) != guarantor_rows(debt.guarantors):
        debt.guarantors = [DebtGuarantor(position=j, citizen_id=g.citizen_id, title=g.title, first_name=g.first_name,
                                         last_name=g.last_name) for j, g in enumerate(item.guarantors)]
    if item.note_given:
        debt.guarantors_note = item.guarantors_note


def check_guarantors(case: DebtCase) -> None:
    """No one guarantees their own debt (issue 20), checked on the case as saved: a PATCH may change the teacher
    or the debts alone. The parser refuses it already when the request names both (debt_input._guarantors)."""
    own = case.person.citizen_id
    errors = {f"debts[{i}].guarantors[{j}].citizen_id": own_debt_message()
              for i, debt in enumerate(case.debts) for j, g in enumerate(debt.guarantors) if g.citizen_id == own}
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)


# ---- create and update ---------------------------------------------------------------------------

def create_case(actor: User, data: CaseInput, *, commit: bool = True) -> DebtCase:
    require(actor, "edit_debt_cases")
    cooperative = cooperative_for(actor, data.cooperative_code)
    paying_unit = paying_unit_for(data.paying_unit_code)
    person = people.register(actor, data.teacher, org_path=cooperative.path, field_path="teacher")
    case = DebtCase(person=person, cooperative=cooperative, org_path=cooperative.path,
                    province_code=cooperative.province_code, monthly_salary=data.monthly_salary,
                    monthly_allowances=data.monthly_allowances or Decimal("0"), created_by_id=actor.id,
                    retired=bool(data.retired), monthly_pension=data.monthly_pension or Decimal("0"),
                    paying_unit=paying_unit)
    check_paying_unit(case)
    db.session.add(case)
    _apply_rows(actor, case, data)
    check_guarantors(case)
    db.session.flush()
    case.reference = debt_case_reference(case.id, clock.today())
    refresh_figures(case)
    audit.record("debt_case.create", actor=actor, object_type="debt_case", object_id=case.id,
                 org_path=case.org_path, after=snapshot(case))
    if commit:
        db.session.commit()
    return case


def check_version(case: DebtCase, version: int | None) -> None:
    """Optimistic locking: a change based on an old read is refused, never silently merged."""
    if version is not None and version != case.version:
        raise Conflict(_("Someone else changed this case after you opened it (version %(theirs)d, yours "
                         "%(yours)d). Your input is kept below; reload to see their change.",
                         theirs=case.version, yours=version), {"version": str(case.version)})


def update_case(actor: User, case_id: int, data: CaseInput, *, commit: bool = True) -> DebtCase:
    case = get_case(actor, case_id)
    require(actor, "edit_debt_cases")
    check_version(case, data.version)
    if case.status not in EDITABLE_STATUSES:
        raise Conflict(_("Only a draft or returned case can be changed."))
    before = snapshot(case)
    if data.teacher is not None:
        case.person = people.register(actor, data.teacher, org_path=case.org_path, field_path="teacher")
    if "cooperative_code" in data.present:
        cooperative = cooperative_for(actor, data.cooperative_code)
        case.cooperative, case.org_path, case.province_code = cooperative, cooperative.path, cooperative.province_code
    if data.monthly_salary is not None:
        case.monthly_salary = data.monthly_salary
    if data.monthly_allowances is not None:
        case.monthly_allowances = data.monthly_allowances
    if data.retired is not None:
        case.retired = data.retired
    if data.monthly_pension is not None:
        case.monthly_pension = data.monthly_pension
    if "paying_unit_code" in data.present:
        case.paying_unit = paying_unit_for(data.paying_unit_code)
    if {"retired", "paying_unit_code"} & data.present:
        check_paying_unit(case)
    if {"retired", "monthly_salary", "monthly_pension"} & data.present:
        _check_income(case)  # the case as it will be: a PATCH may change one of the three alone
    dropped = _apply_rows(actor, case, data)
    check_guarantors(case)
    db.session.flush()
    refresh_figures(case)
    plan_upkeep.after_case_change(actor, case, dropped)
    if "chosen_plan_id" in data.present:
        plan_upkeep.mark_chosen(case, data.chosen_plan_id)
    after = snapshot(case)
    old, new = audit.changed_fields(before, after)
    if new:
        claim_case(case, bump=True)
        audit.record("debt_case.update", actor=actor, object_type="debt_case", object_id=case.id,
                     org_path=case.org_path, before=old, after=new)
    if commit:
        db.session.commit()
    return case


def claim_case(case: DebtCase, *, bump: bool) -> None:
    """Make this transaction's change conditional on the case being, in the database, exactly the version
    and state it was read in: a concurrent approval or edit makes this one fail with 409 instead of
    landing on a case that has moved on. `bump` raises the version (a change to the case itself)."""
    version = case.version
    changed = db.session.execute(
        update(DebtCase).where(DebtCase.id == case.id, DebtCase.version == version,
                               DebtCase.status.in_(EDITABLE_STATUSES))
        .values(version=DebtCase.version + (1 if bump else 0)).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict(_("Someone else acted on this case at the same moment. Reload it to see what happened."))
    if bump:
        case.version = version + 1


@dataclass(frozen=True)
class Sort:
    """An order for the case list: its key columns (the last one unique) all ascending or all descending, so a
    page can continue after a row by comparing the row values (keyset pagination, app/web.py)."""

    columns: tuple
    descending: bool
    values: object  # case -> the key values of that case, in column order


SORTS = {
    "newest": Sort((DebtCase.id,), True, lambda c: (c.id,)),
    "oldest": Sort((DebtCase.id,), False, lambda c: (c.id,)),
    "ratio": Sort((DebtCase.ratio, DebtCase.id), False, lambda c: (c.ratio, c.id)),
    "debt": Sort((DebtCase.total_outstanding, DebtCase.id), True, lambda c: (c.total_outstanding, c.id)),
    "name": Sort((Person.first_name, Person.last_name, DebtCase.id), False,
                 lambda c: (c.person.first_name, c.person.last_name, c.id)),
}


def sort_of(name: str) -> Sort:
    return SORTS.get(name, SORTS["newest"])


@dataclass(frozen=True)
class _Columns:
    """Where the list's filters look: on the cases themselves, or on the dashboard rollup joined to the
    cooperatives (which counts the same cases, kept exact by triggers)."""

    path: object
    cooperative_id: object
    province_code: object
    status: object
    risk_group: object
    meets_floor: object
    meets_floor_after: object


ON_CASES = _Columns(DebtCase.org_path, DebtCase.cooperative_id, DebtCase.province_code, DebtCase.status,
                    DebtCase.risk_group, DebtCase.meets_floor,
                    func.coalesce(DebtCase.plan_meets_floor, DebtCase.meets_floor))
ON_ROLLUP = _Columns(OrgUnit.path, DebtCaseRollup.cooperative_id, OrgUnit.province_code, DebtCaseRollup.status,
                     DebtCaseRollup.risk_group, DebtCaseRollup.meets_floor, DebtCaseRollup.meets_after)


def _filtered(stmt, on: _Columns, *, status: str, risk_group: str, cooperative_code: str, province_code: str,
              unit_code: str, below_floor: str):
    """The list's filters; `unit_code` narrows to a unit's subtree (dashboard drill-down), `below_floor` is
    "before" or "after" the chosen plan."""
    if unit_code:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
        stmt = stmt.where(prefix_match(on.path, unit.path) if unit else false())
    if below_floor in ("before", "after"):
        stmt = stmt.where((on.meets_floor if below_floor == "before" else on.meets_floor_after).is_(False))
    if status:
        stmt = stmt.where(on.status == status)
    if risk_group:
        stmt = stmt.where(on.risk_group == risk_group)
    if cooperative_code:
        stmt = stmt.where(on.cooperative_id == select(OrgUnit.id).where(OrgUnit.code == cooperative_code)
                          .scalar_subquery())
    if province_code:
        stmt = stmt.where(on.province_code == province_code)
    return stmt


MATCHES_KEPT = 2_000  # case ids a search holds in memory (a bound list of ids on both databases)


def search_cases(actor: User, *, status: str = "", risk_group: str = "", cooperative_code: str = "",
                 province_code: str = "", text: str = "", sort: str = "newest", unit_code: str = "",
                 below_floor: str = "", bucket: str = ""):
    """The case list for web and API: scoped first, then filtered; text matches citizen ID or name.
    `unit_code` narrows to a unit's subtree (dashboard drill-down); `below_floor` is "before" or "after" the plan;
    `bucket` keeps the active cases in one delinquency bucket (issue 20; services/arrears.py keeps them)."""
    stmt = _filtered(cases_query(actor), ON_CASES, status=status, risk_group=risk_group,
                     cooperative_code=cooperative_code, province_code=province_code, unit_code=unit_code,
                     below_floor=below_floor)
    if bucket:
        stmt = stmt.where(DebtCase.status == "active", DebtCase.id.in_(
            select(CaseDelinquency.case_id).where(CaseDelinquency.bucket == bucket)))
    text = people.search_text(text)
    if text:
        # The people matching the text, then their cases in scope, worked out first: both databases then read
        # names and cases from indexes alone and sort a few hundred rows, where "newest first, 50 rows" otherwise
        # tempted PostgreSQL to walk every case backwards (docs/benchmarks.md). Up to MATCHES_KEPT cases are
        # fetched once here, so the page and its count (count_cases with this statement) share the work;
        # beyond that the match stays in the query as a materialised CTE.
        matched = stmt.with_only_columns(DebtCase.id).where(DebtCase.person_id.in_(people.matching(text)))
        ids = db.session.scalars(matched.limit(MATCHES_KEPT + 1)).all()
        if len(ids) <= MATCHES_KEPT:
            stmt = select(DebtCase).where(DebtCase.id.in_(ids))
        else:
            kept = matched.cte("matched").prefix_with("MATERIALIZED")
            stmt = select(DebtCase).where(DebtCase.id.in_(select(kept.c.id)))
    if sort == "name":
        stmt = stmt.join(DebtCase.person)
    order = sort_of(sort)
    return stmt.order_by(*(c.desc() if order.descending else c.asc() for c in order.columns))


def count_cases(actor: User, *, status: str = "", risk_group: str = "", cooperative_code: str = "",
                province_code: str = "", text: str = "", unit_code: str = "", below_floor: str = "",
                bucket: str = "", listed=None) -> int:
    """How many cases the list holds. Without a text search the count comes from the rollup the database
    keeps exact by triggers (migration 0006): a few hundred rows summed instead of every matching case. With
    one, it counts `listed` (search_cases' statement for these same filters) or builds it."""
    filters = {"status": status, "risk_group": risk_group, "cooperative_code": cooperative_code,
               "province_code": province_code, "unit_code": unit_code, "below_floor": below_floor}
    if people.search_text(text) or bucket:   # the rollup knows no buckets: count the cases
        listed = listed if listed is not None else search_cases(actor, text=text, bucket=bucket, **filters)
        return db.session.scalar(listed.order_by(None).with_only_columns(func.count(DebtCase.id)))
    require(actor, "view_debt_cases")
    rollup = DebtCaseRollup
    stmt = (select(func.coalesce(func.sum(rollup.cases), 0)).join(OrgUnit, OrgUnit.id == rollup.cooperative_id)
            .where(prefix_match(OrgUnit.path, actor.scope_path)))
    return int(db.session.scalar(_filtered(stmt, ON_ROLLUP, **filters)))


