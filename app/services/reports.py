"""Dashboards and the summary report (issue 7; api-v1.md, "Reports"), at the caller's scope or a unit inside it.

Debt figures come from a rollup kept by database triggers (always equal to the cases; a test compares the two
after every kind of write), relief figures straight from the cases; each is folded here into totals, breakdowns
and drill-down rows. Definitions:
- debt_before: what the teachers still owe, principal (total_outstanding) plus the interest still to pay under the
  current terms; debt_after: the same under the chosen plan (cases with no chosen plan count as before);
  interest_saved = debt_before − debt_after.
- below_floor_before: cases whose current figures break the 30% floor; below_floor_after: cases that still break
  it under their chosen plan (or have no plan and break it now).
- Relief approved_amount: entitlements of approved, paying and closed cases; paid_amount: payments recorded.
- Serving and retired teachers (issue 17; about half of the indebted are retired): every debt figure is also split
  by whether the teacher is retired (DebtCase.retired, a key of the rollup since migration 0014); the API summary
  adds "by_retirement" beside the fields api-v1.md names, which keep their meaning (all teachers).
A fiscal year (BE, October to September) limits both programmes to cases registered in it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, literal, select

from app.domain import clock
from app.domain.clock import utcnow
from app.domain.thai_text import fiscal_year_bounds, fiscal_year_of
from app.extensions import db
from app.models import DebtCase, DebtCaseRollup, Entitlement, OrgUnit, Payment, ReliefCase, User
from app.models.debt import DebtCaseStatus
from app.models.relief import ReliefCaseStatus
from app.services.errors import NotFound
from app.services.relief import academic_year_of
from app.services.scope import in_scope, prefix_match

CENT = Decimal("0.01")
DEBT_STATUSES = tuple(s.value for s in DebtCaseStatus)
RELIEF_STATUSES = tuple(s.value for s in ReliefCaseStatus)
RISK_GROUPS = ("red", "orange", "yellow", "green")
DEBT_WAITING = {"submitted": "provincial", "awaiting_regional": "regional"}
RELIEF_DECIDED = ("approved", "paying", "closed")
# A unit's dashboard breaks its figures down by the units one level below it.
CHILD_KIND = {"ministry": "region", "region": "province", "province": "cooperative"}


def money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def report_unit(actor: User, code: str | None = None) -> OrgUnit:
    """The unit a report covers: the caller's own, or one inside the caller's scope (404 outside it)."""
    if not code:
        return actor.org_unit
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == str(code)[:32]))
    if unit is None or not in_scope(actor, unit.path):
        raise NotFound()
    return unit


def _window(model, fy: int | None):
    """Registered in the fiscal year: created_at (UTC) within [1 Oct, 1 Oct) Bangkok time."""
    if not fy:
        return []
    start, end = fiscal_year_bounds(fy)
    low, high = (datetime.combine(d, datetime.min.time()) - timedelta(hours=7) for d in (start, end))
    return [model.created_at >= low, model.created_at < high]


TEACHER_GROUPS = ("serving", "retired")


@dataclass
class GroupFigures:
    """One group of teachers (serving or retired): counts, debt and below-floor figures."""

    total: int = 0
    by_risk_group: dict = field(default_factory=lambda: dict.fromkeys(RISK_GROUPS, 0))
    below_floor_before: int = 0
    below_floor_after: int = 0
    debt_before: Decimal = Decimal("0")
    debt_after: Decimal = Decimal("0")

    @property
    def interest_saved(self) -> Decimal:
        return self.debt_before - self.debt_after

    def as_json(self) -> dict:
        return {"total": self.total, "by_risk_group": self.by_risk_group, "debt_before": str(self.debt_before),
                "debt_after": str(self.debt_after), "interest_saved": str(self.interest_saved),
                "below_floor_before": self.below_floor_before, "below_floor_after": self.below_floor_after}


@dataclass
class DebtFigures:
    total: int = 0
    by_status: dict = field(default_factory=lambda: dict.fromkeys(DEBT_STATUSES, 0))
    by_risk_group: dict = field(default_factory=lambda: dict.fromkeys(RISK_GROUPS, 0))
    below_floor_before: int = 0
    below_floor_after: int = 0
    with_plan: int = 0
    debt_before: Decimal = Decimal("0")
    debt_after: Decimal = Decimal("0")
    outstanding: Decimal = Decimal("0")
    by_retirement: dict = field(default_factory=lambda: {g: GroupFigures() for g in TEACHER_GROUPS})

    def add(self, status, risk, below_before, below_after, planned, retired, count, outstanding: Decimal,
            before: Decimal, after: Decimal) -> None:
        """One rollup row's figures, money already to the satang (_as_figures): a national dashboard adds some
        9,000 rows twice (the nation and the region), so nothing is converted here."""
        debt_before, debt_after = outstanding + before, outstanding + after
        group = self.by_retirement["retired" if retired else "serving"]
        group.total += count
        group.by_risk_group[risk] = group.by_risk_group.get(risk, 0) + count
        group.below_floor_before += count if below_before else 0
        group.below_floor_after += count if below_after else 0
        group.debt_before += debt_before
        group.debt_after += debt_after
        self.total += count
        self.by_status[status] = self.by_status.get(status, 0) + count
        self.by_risk_group[risk] = self.by_risk_group.get(risk, 0) + count
        self.below_floor_before += count if below_before else 0
        self.below_floor_after += count if below_after else 0
        self.with_plan += count if planned else 0
        self.outstanding += outstanding
        self.debt_before += debt_before
        self.debt_after += debt_after

    @property
    def interest_saved(self) -> Decimal:
        return self.debt_before - self.debt_after

    def as_json(self) -> dict:
        return {"total": self.total, "by_status": self.by_status, "by_risk_group": self.by_risk_group,
                "debt_before": str(self.debt_before), "debt_after": str(self.debt_after),
                "interest_saved": str(self.interest_saved), "below_floor_before": self.below_floor_before,
                "below_floor_after": self.below_floor_after,
                "by_retirement": {g: f.as_json() for g, f in self.by_retirement.items()}}


def _debt_rows(path: str, fy: int | None, group: dict[int, int] | None = None):
    """From the rollup the database keeps (DebtCaseRollup): a few thousand rows, whatever the number of cases.
    Each row is keyed by its cooperative, or with `group` ({cooperative id: key}) by the key of its cooperative,
    the cooperatives of one key summed together in the database (the dashboard's child units: the nation's 108
    cooperatives become its 18 regions, ~9,000 rows become ~2,000; issue 22 point 2); a cooperative outside
    `group` is keyed None."""
    r = DebtCaseRollup
    key = case(group, value=r.cooperative_id, else_=None) if group else r.cooperative_id
    stmt = (select(key, r.status, r.risk_group, r.meets_floor, r.meets_after, r.planned, r.retired,
                   func.sum(r.cases), func.sum(r.outstanding), func.sum(r.interest), func.sum(r.interest_after))
            .join(OrgUnit, OrgUnit.id == r.cooperative_id)
            .where(OrgUnit.path.startswith(path, autoescape=True), r.cases != 0,
                   *([r.fiscal_year == fy] if fy else []))
            .group_by(key, r.status, r.risk_group, r.meets_floor, r.meets_after, r.planned, r.retired))
    # Plain rows through the session's connection: the ORM's result machinery cost more than the SQL here.
    return db.session.connection().execute(stmt).all()


def direct_debt_rows(path: str, fy: int | None):
    """The same figures straight from the cases (what the rollup must always equal; used by tests)."""
    after_meets = func.coalesce(DebtCase.plan_meets_floor, DebtCase.meets_floor)
    planned = DebtCase.plan_interest_remaining.is_not(None)
    stmt = (select(DebtCase.cooperative_id, DebtCase.status, DebtCase.risk_group, DebtCase.meets_floor, after_meets,
                   planned, DebtCase.retired, func.count(), func.sum(DebtCase.total_outstanding),
                   func.sum(DebtCase.interest_remaining),
                   func.sum(func.coalesce(DebtCase.plan_interest_remaining, DebtCase.interest_remaining)))
            .where(DebtCase.org_path.startswith(path, autoescape=True), *_window(DebtCase, fy))
            .group_by(DebtCase.cooperative_id, DebtCase.status, DebtCase.risk_group, DebtCase.meets_floor,
                      after_meets, planned, DebtCase.retired))
    return db.session.execute(stmt).all()


def _as_figures(row) -> tuple:
    """A rollup row as DebtFigures.add takes it: below the floor rather than meeting it, sums to the satang."""
    status, risk, meets_before, meets_after, planned, retired, count, outstanding, before, after = row
    return (status, risk, not meets_before, not meets_after, bool(planned), bool(retired), count, money(outstanding),
            money(before), money(after))


@dataclass
class ReliefFigures:
    total: int = 0
    by_status: dict = field(default_factory=lambda: dict.fromkeys(RELIEF_STATUSES, 0))
    approved_amount: Decimal = Decimal("0")
    paid_amount: Decimal = Decimal("0")
    by_programme: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"total": self.total, "by_status": self.by_status, "approved_amount": str(self.approved_amount),
                "paid_amount": str(self.paid_amount)}


def relief_figures(path: str, fy: int | None) -> ReliefFigures:
    figures = ReliefFigures()
    in_path = [ReliefCase.org_path.startswith(path, autoescape=True), *_window(ReliefCase, fy)]
    for status, count in db.session.execute(select(ReliefCase.status, func.count()).where(*in_path)
                                            .group_by(ReliefCase.status)):
        figures.total += count
        figures.by_status[status] = figures.by_status.get(status, 0) + count
    approved = db.session.execute(
        select(Entitlement.programme, func.sum(Entitlement.amount)).join(ReliefCase)
        .where(*in_path, ReliefCase.status.in_(RELIEF_DECIDED)).group_by(Entitlement.programme)).all()
    paid = db.session.execute(
        select(Entitlement.programme, func.sum(Payment.amount)).join(Entitlement, Payment.entitlement_id == Entitlement.id)
        .join(ReliefCase, Payment.case_id == ReliefCase.id).where(*in_path).group_by(Entitlement.programme)).all()
    for programme, amount in approved:
        figures.by_programme.setdefault(programme, {"approved": Decimal("0"), "paid": Decimal("0")})["approved"] = money(amount)
        figures.approved_amount += money(amount)
    for programme, amount in paid:
        figures.by_programme.setdefault(programme, {"approved": Decimal("0"), "paid": Decimal("0")})["paid"] = money(amount)
        figures.paid_amount += money(amount)
    return figures


def scholarships(path: str) -> dict:
    """Scholarship and stipend entitlements still running (case approved or paying) and the children they keep
    at school; instalments due this academic year."""

    rows = db.session.execute(
        select(Entitlement.schedule).join(ReliefCase).where(
            ReliefCase.org_path.startswith(path, autoescape=True), ReliefCase.status.in_(("approved", "paying")),
            Entitlement.kind.in_(("scholarship", "stipend")))).scalars().all()
    year = str(academic_year_of(clock.today()))
    children = {item["person_id"] for schedule in rows for item in schedule if item["period"] >= year}
    due = sum(1 for schedule in rows for item in schedule if item["period"] == year)
    return {"active": sum(1 for schedule in rows if any(i["period"] >= year for i in schedule)),
            "children": len(children), "instalments_this_year": due, "academic_year": int(year)}


def _average_days_since(column, now: datetime):
    if db.engine.dialect.name == "postgresql":
        return func.avg(func.extract("epoch", literal(now) - column)) / 86400
    return func.avg(func.julianday(literal(now)) - func.julianday(column))


def waiting(path: str) -> list[dict]:
    """Cases waiting for a decision now, per tier: how many, the average and the longest wait in days. The debt
    cases' figures come from ix_debt_cases_waiting alone (status, path range, day; migration 0026)."""
    now = utcnow()
    out = []
    for model, states in ((DebtCase, DEBT_WAITING), (ReliefCase, {"verified": "provincial"})):
        rows = db.session.execute(
            select(model.status, func.count(), func.min(model.status_since), _average_days_since(model.status_since, now))
            .where(prefix_match(model.org_path, path), model.status.in_(tuple(states)))
            .group_by(model.status)).all()
        for status, count, oldest, average in rows:
            out.append({"programme": "debt" if model is DebtCase else "relief", "status": status,
                        "tier": states[status], "count": count, "average_days": round(float(average or 0), 1),
                        "longest_days": (now - oldest).days if isinstance(oldest, datetime) else
                        (now - datetime.fromisoformat(str(oldest))).days})
    return out


def children_of(unit: OrgUnit) -> list[OrgUnit]:
    kind = CHILD_KIND.get(unit.kind)
    if kind is None:
        return []
    stmt = select(OrgUnit).where(OrgUnit.path.startswith(unit.path, autoescape=True), OrgUnit.path != unit.path)
    if unit.kind == "ministry":  # regions, and provinces hung straight under the ministry (Bangkok)
        stmt = stmt.where(OrgUnit.parent_id == unit.id)
    else:
        stmt = stmt.where(OrgUnit.kind == kind)
    return list(db.session.scalars(stmt.order_by(OrgUnit.code)))


@dataclass
class Dashboard:
    unit: OrgUnit
    fiscal_year: int | None
    debt: DebtFigures
    relief: ReliefFigures
    rows: list[tuple[OrgUnit, DebtFigures]]
    waiting: list[dict]
    scholarships: dict


def dashboard(actor: User, code: str | None = None, fy: int | None = None) -> Dashboard:
    unit = report_unit(actor, code)
    children = children_of(unit)
    debt, per_child = DebtFigures(), {c.id: DebtFigures() for c in children}
    coop_paths = db.session.execute(select(OrgUnit.id, OrgUnit.path).where(
        OrgUnit.path.startswith(unit.path, autoescape=True), OrgUnit.kind == "cooperative")).all()
    # The child unit each cooperative lies under (the children's subtrees are disjoint), summed by in the database.
    child_of = {coop_id: child.id for coop_id, path in coop_paths for child in children if path.startswith(child.path)}
    for child_id, *values in _debt_rows(unit.path, fy, group=child_of):
        values = _as_figures(values)
        debt.add(*values)
        if child_id in per_child:
            per_child[child_id].add(*values)
    return Dashboard(unit=unit, fiscal_year=fy, debt=debt, relief=relief_figures(unit.path, fy),
                     rows=[(c, per_child[c.id]) for c in children], waiting=waiting(unit.path),
                     scholarships=scholarships(unit.path))


def summary(actor: User, province_code: str | None = None, fy: int | None = None) -> dict:
    """GET /api/v1/reports/summary (api-v1.md)."""
    unit = report_unit(actor, province_code)
    debt = DebtFigures()
    for _cooperative, *values in _debt_rows(unit.path, fy):
        debt.add(*_as_figures(values))
    return {"scope": {"code": unit.code, "name": unit.name, "kind": unit.kind}, "debt_cases": debt.as_json(),
            "relief_cases": relief_figures(unit.path, fy).as_json()}


def current_fiscal_year() -> int:
    return fiscal_year_of(clock.today())


def trail(actor: User, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the caller may open, top first (the dashboard's breadcrumb)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    found = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found and in_scope(actor, found[i].path)]
