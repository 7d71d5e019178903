"""The figures of the home page (issue 21 point 9), each read in one statement the first time the page asks for it,
whatever the number of cases (docs/benchmarks.md, one million cases):
- debt cases by status from the trigger-kept rollup (as debt_cases.count_cases counts the list above the table), and
  from it the debt part of "waiting for me" (workflow.inbox_query's states; the relief part as the menu counts it);
- arrears from case_delinquency's own index, beside each case's scope and status (the list's `bucket=` set), only at
  a cooperative or a province, where the scope is an equality;
- relief cases by status, one GROUP BY over the few relief cases in scope;
- the after-approval steps of approved cases (domain.md, "After approval" 1–2) from the funnel's covering index;
- what came back (the newest returned cases and their latest return) and the evidence still missing, bounded lists;
- audit events and accounts for auditors and administrators.
Debt cases are scoped by cases_in_scope (the list pages' set, said as the indexes read it). services/home.py lays
the figures out per role, each beside the page that lists the same set.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import case, func, select

from app.domain import clock
from app.domain.workflow import DEBT_INBOX
from app.extensions import db
from app.models import (AuditEvent, CaseDelinquency, CaseTransition, ContinuationCheck, DebtCase, DebtCaseRollup,
                        Entitlement, Evidence, OrgUnit, ReliefCase, UnitKind, User)
from app.models.relief import PAYABLE_STATUSES
from app.services import debt_cases, list_exports, notify, relief, repayment_report, workflow
from app.services.permissions import can
from app.services.scope import prefix_match, scoped

CAME_BACK_SHOWN = 5          # issue 21 point 9: "what came back to me", up to five items
EVIDENCE_CASES_READ = 100    # the relief cases awaiting verification read for missing evidence, oldest first
COMMENT_SHOWN = 140          # characters of a return comment's first line
AUDIT_COUNTED = 10_000       # audit events counted for a tile; beyond, the tile says "more than 10,000"
# domain.md step 5: the buckets past 30 days, each a value of the case list's `bucket=` filter.
OVERDUE_BUCKETS = ("31-60", "61-90", "90+")


@dataclass(frozen=True)
class CameBack:
    """A case sent back with a comment (the latest "return" of its timeline)."""

    programme: str           # "debt" | "relief"
    case_id: int
    reference: str | None
    person: str
    returned_at: datetime | None
    returned_by: str
    comment: str


@dataclass(frozen=True)
class MissingEvidence:
    case_id: int
    reference: str | None
    person: str
    kinds: list[str]         # evidence kinds (the template names them with the evidence_label filter)


def first_line(text: str | None, limit: int = COMMENT_SHOWN) -> str:
    """The first line of a comment, cut at a word before `limit` characters (the workflow keeps comments on one
    line, services/workflow._apply, so this is mostly the cut)."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip() + "…"


def _at_cooperative_or_province(user: User) -> bool:
    """Where the scope of debt cases is an indexed equality (services/debt_cases.in_scope_of)."""
    unit = user.org_unit
    return unit.kind == UnitKind.COOPERATIVE.value or (unit.kind == UnitKind.PROVINCE.value and bool(unit.province_code))


def cases_in_scope(stmt, user: User):
    """debt_cases.in_scope_of's cases, said so that a status filter beside it is read from the (province, status)
    and funnel indexes (migrations 0008, 0020) instead of every case of the scope: a cooperative's cases are also
    its province's (a case copies both, kept on every move), and above a province — where a cooperative hangs only
    under a province (models/org) — the cases of a unit are those of its provinces, by code, as
    services/repayment_report._in_unit reads them. The same set as the list pages' scope."""
    unit = user.org_unit
    if _at_cooperative_or_province(user) or unit.parent_id is None:
        stmt = debt_cases.in_scope_of(stmt, user)
        if unit.kind == UnitKind.COOPERATIVE.value and unit.province_code:
            stmt = stmt.where(DebtCase.province_code == unit.province_code)
        return stmt
    codes = db.session.scalars(select(OrgUnit.province_code).where(
        prefix_match(OrgUnit.path, unit.path), OrgUnit.kind == UnitKind.PROVINCE.value,
        OrgUnit.province_code.is_not(None))).all()
    return stmt.where(DebtCase.province_code.in_(sorted(codes)))


def _rollup_in_scope(stmt, user: User):
    """A statement over the debt-case rollup, narrowed to the cooperatives in the user's scope."""
    return stmt.join(OrgUnit, OrgUnit.id == DebtCaseRollup.cooperative_id).where(
        prefix_match(OrgUnit.path, user.scope_path))


def _count_of(query):
    """How many rows an inbox query lists."""
    return select(func.count()).select_from(query.order_by(None).subquery())


@dataclass(frozen=True)
class MenuBadges:
    has_inbox: bool  # the role has an inbox ("waiting for me") in some programme
    inbox: int  # cases waiting for the user: Counts.inbox_total
    notices: int  # unread notices


def menu_badges(user: User) -> MenuBadges:
    """The menu's badges, on every page: the cases waiting for the user, counted as Counts.inbox counts them, and the
    unread notices — in one statement of scalar subqueries. Three statements had cost three round trips, about 2.5 ms
    of the case page on PostgreSQL at a million cases (issue 22 point 3)."""
    waiting = []
    if workflow.inbox_query(user, "debt") is not None:
        waiting.append(_rollup_in_scope(select(func.coalesce(func.sum(DebtCaseRollup.cases), 0)), user)
                       .where(DebtCaseRollup.status.in_(DEBT_INBOX.get(user.role, ()))))
    relief_inbox = workflow.inbox_query(user, "relief")
    if relief_inbox is not None:
        waiting.append(_count_of(relief_inbox))
    *inbox, unread = db.session.execute(select(*(q.scalar_subquery() for q in waiting),
                                               notify.unread_count_query(user).scalar_subquery())).one()
    return MenuBadges(has_inbox=bool(waiting), inbox=sum(int(n or 0) for n in inbox), notices=int(unread or 0))


class Counts:
    """The figures of one user's home page; each property runs its statement the first time it is read."""

    def __init__(self, user: User, today: date | None = None):
        self.user = user
        self.today = today or clock.today()

    @cached_property
    def debt_by_status(self) -> dict[str, int]:
        """Debt cases in scope by status: the rollup summed, as debt_cases.count_cases counts the list's total."""
        if not can(self.user, "view_debt_cases"):
            return {}
        rows = db.session.execute(_rollup_in_scope(
            select(DebtCaseRollup.status, func.coalesce(func.sum(DebtCaseRollup.cases), 0)), self.user)
            .group_by(DebtCaseRollup.status))
        return {status: int(n) for status, n in rows}

    @cached_property
    def relief_by_status(self) -> dict[str, int]:
        """Relief cases in scope by status (relief.search_cases' scope)."""
        if not can(self.user, "view_relief_cases"):
            return {}
        rows = db.session.execute(scoped(select(ReliefCase.status, func.count(ReliefCase.id)), ReliefCase.org_path,
                                         self.user).group_by(ReliefCase.status))
        return {status: int(n) for status, n in rows}

    @cached_property
    def inbox(self) -> dict[str, int | None]:
        """Cases waiting for this user, by programme (None: the role has no inbox there): workflow.inbox_query's
        sets, as the menu's badge counts them — the debt cases in the inbox's states from the rollup (the same cases,
        kept exact by triggers; a scan of a cooperative's or region's cases otherwise), the few relief cases
        counted."""
        counts: dict[str, int | None] = {}
        for kind in ("debt", "relief"):
            query = workflow.inbox_query(self.user, kind)
            if query is None:
                counts[kind] = None
            elif kind == "debt":
                counts[kind] = sum(self.debt_by_status.get(s, 0) for s in DEBT_INBOX.get(self.user.role, ()))
            else:
                counts[kind] = db.session.scalar(_count_of(query))
        return counts

    @property
    def has_inbox(self) -> bool:
        return any(n is not None for n in self.inbox.values())

    @property
    def inbox_total(self) -> int:
        return sum(n or 0 for n in self.inbox.values())

    @cached_property
    def overdue(self) -> dict[str, int] | None:
        """Active cases in scope past 30 days, by bucket: the case list's `bucket=` set (debt_cases.search_cases),
        counted in one statement. Read from case_delinquency's own (province, bucket, cooperative) index — its
        scope columns are the case's, copied for this (models/repayments.CaseDelinquency) — so that only the cases
        behind are read, not every active case of the province; the case's own scope and status are checked too.
        None above a province, where no such equality holds."""
        if not can(self.user, "view_debt_cases") or not _at_cooperative_or_province(self.user):
            return None
        d, unit = CaseDelinquency, self.user.org_unit
        stmt = (select(d.bucket, func.count(d.case_id)).join(DebtCase, DebtCase.id == d.case_id)
                .where(d.province_code == unit.province_code, d.bucket.in_(OVERDUE_BUCKETS),
                       DebtCase.status == "active").group_by(d.bucket))
        if unit.kind == UnitKind.COOPERATIVE.value:
            stmt = stmt.where(d.cooperative_id == unit.id)
        found = dict(db.session.execute(cases_in_scope(stmt, self.user)).all())
        return {bucket: int(found.get(bucket, 0)) for bucket in OVERDUE_BUCKETS}

    @cached_property
    def approved_steps(self) -> dict[str, int]:
        """Approved cases by what they wait for (domain.md, "After approval" 1–2; the funnel's days, set by
        services/after_approval_steps.py): every creditor's answer, the payoffs, then activation."""
        if not can(self.user, "view_debt_cases"):
            return {}
        c = DebtCase
        waiting_answers = func.sum(case((c.answered_on.is_(None), 1), else_=0))
        waiting_payoff = func.sum(case((c.answered_on.is_not(None) & c.paid_off_on.is_(None), 1), else_=0))
        waiting_activation = func.sum(case((c.paid_off_on.is_not(None), 1), else_=0))
        # approved_on is set by every approval (after_approval_steps.after_transition): said here so that the
        # funnel's partial covering index (migration 0020) answers without reading the cases
        row = db.session.execute(cases_in_scope(
            select(waiting_answers, waiting_payoff, waiting_activation)
            .where(c.approved_on.is_not(None), c.status == "approved"), self.user)).one()
        return {"answers": int(row[0] or 0), "payoff": int(row[1] or 0), "activation": int(row[2] or 0)}

    @cached_property
    def repayments(self) -> repayment_report.Figures:
        """This month's repayment figures at the user's scope, as the repayment report shows them."""
        return repayment_report.report(self.user, self.today.replace(day=1)).figures

    @cached_property
    def checks_due(self) -> int:
        """The rows of the "enrolment checks due" page (relief_payments.checks_due): instalments of this academic
        year of approved or paying cases in scope without a check that found the child enrolled — in two
        statements instead of a read of every case's rows."""
        if not can(self.user, "view_relief_cases"):
            return 0
        period = str(relief.academic_year_of(self.today))
        schedules = db.session.execute(scoped(
            select(Entitlement.id, Entitlement.schedule).join(ReliefCase, ReliefCase.id == Entitlement.case_id)
            .where(ReliefCase.status.in_(PAYABLE_STATUSES)), ReliefCase.org_path, self.user)).all()
        wanted = [(eid, item["person_id"]) for eid, schedule in schedules for item in (schedule or ())
                  if item.get("period") == period]
        if not wanted:
            return 0
        latest: dict[tuple[int, int], bool] = {}   # the latest check decides (relief_payments.continuation_ok)
        for eid, person_id, enrolled in db.session.execute(
                select(ContinuationCheck.entitlement_id, ContinuationCheck.person_id, ContinuationCheck.enrolled)
                .where(ContinuationCheck.entitlement_id.in_(sorted({eid for eid, _p in wanted})),
                       ContinuationCheck.period == period).order_by(ContinuationCheck.id)):
            latest[eid, person_id] = bool(enrolled)
        return sum(1 for key in wanted if not latest.get(key, False))

    def came_back(self, programme: str) -> list[CameBack]:
        """The newest returned cases in scope (up to CAME_BACK_SHOWN) with their latest return comment."""
        model = DebtCase if programme == "debt" else ReliefCase
        if not can(self.user, f"view_{programme}_cases"):
            return []
        if programme == "debt":
            stmt = cases_in_scope(select(model.id), self.user)
        else:
            stmt = scoped(select(model.id), model.org_path, self.user)
        # the newest ids first, then those few cases with their people (not every returned case joined and sorted)
        ids = db.session.scalars(stmt.where(model.status == "returned")
                                 .order_by(model.status_since.desc(), model.id.desc()).limit(CAME_BACK_SHOWN)).all()
        if not ids:
            return []
        found = {c.id: c for c in db.session.scalars(select(model).where(model.id.in_(ids)))}
        cases = [found[i] for i in ids]
        returns = {}
        for case_id, comment, occurred_at, username, full_name in db.session.execute(
                select(CaseTransition.case_id, CaseTransition.comment, CaseTransition.occurred_at,
                       CaseTransition.actor_username, User.full_name)
                .outerjoin(User, User.id == CaseTransition.actor_id)
                .where(CaseTransition.case_type == programme, CaseTransition.case_id.in_([c.id for c in cases]),
                       CaseTransition.action == "return").order_by(CaseTransition.id)):
            returns[case_id] = (comment, occurred_at, full_name or username)
        items = []
        for c in cases:
            comment, occurred_at, who = returns.get(c.id, (None, c.status_since, ""))
            person = c.person if programme == "debt" else c.victim
            items.append(CameBack(programme, c.id, c.reference, person.full_name, occurred_at, who,
                                  first_line(comment)))
        return items

    @cached_property
    def missing_evidence(self) -> list[MissingEvidence]:
        """Relief cases awaiting verification (reported or returned) whose required evidence is not all on file
        (relief.REQUIRED_EVIDENCE), the longest waiting first, up to CAME_BACK_SHOWN."""
        if not can(self.user, "edit_relief_cases"):
            return []
        cases = db.session.scalars(scoped(select(ReliefCase), ReliefCase.org_path, self.user)
                                   .where(ReliefCase.status.in_(("reported", "returned")))
                                   .order_by(ReliefCase.status_since, ReliefCase.id).limit(EVIDENCE_CASES_READ)).all()
        if not cases:
            return []
        have: dict[int, set[str]] = {}
        for case_id, kind in db.session.execute(select(Evidence.case_id, Evidence.kind).where(
                Evidence.case_id.in_([c.id for c in cases]))):
            have.setdefault(case_id, set()).add(kind)
        items = []
        for c in cases:
            missing = [k for k in relief.REQUIRED_EVIDENCE.get(c.harm, ()) if k not in have.get(c.id, set())]
            if missing:
                items.append(MissingEvidence(c.id, c.reference, c.victim.full_name, missing))
        return items[:CAME_BACK_SHOWN]

    def audit_count(self, day_from: date, action: str = "") -> int:
        """Audit events in scope from `day_from` to today, the audit page's own statement counted up to
        AUDIT_COUNTED + 1 (a day of national imports writes an event per case: the page says "more than")."""
        stmt = list_exports.audit_trail(self.user, action=action, date_from=day_from.isoformat(),
                                        date_to=self.today.isoformat())
        first = stmt.order_by(None).with_only_columns(AuditEvent.id).limit(AUDIT_COUNTED + 1).subquery()
        return db.session.scalar(select(func.count()).select_from(first))

    @cached_property
    def users_by_state(self) -> dict[str, int]:
        """Staff accounts in scope, active and inactive (the users page's `state=` filter)."""
        rows = db.session.execute(scoped(select(User.active, func.count(User.id)).join(User.org_unit), OrgUnit.path,
                                         self.user).group_by(User.active))
        found = {bool(active): int(n) for active, n in rows}
        return {"active": found.get(True, 0), "inactive": found.get(False, 0)}

    @cached_property
    def units_by_kind(self) -> dict[str, int]:
        """Org units in scope by kind (the org-unit page's `kind=` filter)."""
        return dict(db.session.execute(scoped(select(OrgUnit.kind, func.count()), OrgUnit.path, self.user)
                                       .group_by(OrgUnit.kind)).all())
