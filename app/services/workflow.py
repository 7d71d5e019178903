"""The workflow engine shared by both programmes: moves a case along its transition table
(app/domain/workflow.py) — role, state, guards, separation of duties, tiers — as one transaction with
its timeline row, audit record, approval snapshot and notices.

Races: the state change is a conditional UPDATE (same id, same state, same version); if another request
won, no row matches and the loser gets 409. So fifty simultaneous approvals make one approval, on SQLite
and PostgreSQL alike.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app import programmes
from app.domain import workflow as table
from app.domain.clock import utcnow
from app.extensions import db
from app.i18n import gettext as _
from app.labels import STATUS_LABELS
from app.models import CaseSnapshot, CaseTransition, User
from app.programmes import Programme
from app.services import audit, notify, snapshots
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.permissions import can


@dataclass
class TransitionRequest:
    action: str
    comment: str | None = None
    version: int | None = None
    plan_id: int | None = None
    resolution_no: str | None = None
    # Activation (api-v1.md v1.1): the day the agreement was signed and the first month payroll deducts, as sent.
    agreement_signed_on: object = None
    first_due_month: object = None


def transition(case_type: str, actor: User, case_id: int, request: TransitionRequest):
    """Move a case of any programme (app/programmes/) along its table (app/domain/workflow.py)."""
    kind = programmes.programme(case_type)
    rows = table.TABLES[case_type]
    case = kind.load(actor, case_id)
    action = request.action
    if action not in table.all_actions(case_type):
        raise ValidationFailed(_("Please correct the marked fields."), {"action": _("Unknown action.")})
    if not any(actor.role in t.roles for t in rows if t.action == action):
        raise Forbidden(_("Your role cannot do this."))
    if request.version is not None and request.version != case.version:
        raise Conflict(_("Someone else changed this case after you opened it. Reload it and try again."))
    options = [t for t in table.candidates(case_type, case.status, action) if actor.role in t.roles]
    if not options:
        raise Conflict(_("This action is not possible while the case is “%(status)s”.",
                         status=STATUS_LABELS.get(case.status, case.status)))
    if kind.prepare:
        kind.prepare(case, request)
    failures: list[str] = []
    for option in options:
        failures = [reason for reason in (kind.guard(g, case, request) for g in option.guards) if reason]
        if not failures:
            return _apply(actor, case, option, request, kind)
    raise ValidationFailed(failures[0], {"action": failures[0]})


def transition_debt_case(actor: User, case_id: int, request: TransitionRequest):
    return transition("debt", actor, case_id, request)


def _apply(actor: User, case, transition: table.Transition, request: TransitionRequest, kind: Programme):
    case_type = kind.name
    comment = " ".join((request.comment or "").split())[:2000] or None
    if transition.comment_required and not comment:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"comment": _("Say why: the comment goes to the cooperative.")})
    resolution = (request.resolution_no or "").strip()[:100] or None
    if transition.resolution_required and not resolution:
        raise ValidationFailed(_("Please correct the marked fields."),
                               {"resolution_no": _("Enter the committee's resolution number.")})
    # Separation of duties (domain.md): whoever created or submitted a case never approves it.
    if transition.approval and actor.id in (case.created_by_id, case.submitted_by_id):
        raise Forbidden(_("You created or submitted this case, so you cannot approve it."))

    model = type(case)
    source, now = case.status, utcnow()
    values = {"status": transition.target, "version": model.version + 1, "status_since": now}
    if transition.action == "submit":
        values["submitted_by_id"] = actor.id
    changed = db.session.execute(
        update(model).where(model.id == case.id, model.status == source, model.version == case.version)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict(_("Someone else acted on this case at the same moment. Reload it to see what happened."))
    row = CaseTransition(case_type=case_type, case_id=case.id, action=transition.action, from_state=source,
                         to_state=transition.target, actor_id=actor.id, actor_username=actor.username,
                         actor_role=actor.role, comment=comment, resolution_no=resolution,
                         org_path=case.org_path, occurred_at=now)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(case)
    after = {"status": transition.target, "comment": comment}
    if kind.after_transition:  # the programme's own records of the move (debt: after_approval.after_transition)
        after.update(kind.after_transition(actor, case, transition, request) or {})
    if transition.approval and transition.target == "approved":
        data = kind.snapshot(case)
        digest = snapshots.sha256_of(data)
        db.session.add(CaseSnapshot(case_type=case_type, case_id=case.id, transition_id=row.id, data=data,
                                    sha256=digest))
        after["snapshot_sha256"] = digest
    audit.record(f"{case_type}_case.{transition.action}", actor=actor, object_type=f"{case_type}_case",
                 object_id=case.id, org_path=case.org_path, before={"status": source}, after=after)
    _notify_next(case, transition, actor, kind)
    db.session.commit()
    return case


def _notify_next(case, transition: table.Transition, actor: User, kind: Programme):
    link = kind.link(case)
    waiting_roles = [role for role, states in table.INBOXES[kind.name].items() if transition.target in states
                     and role in (table.PROV_APPROVER, table.REG_APPROVER)]
    # Issue 21 point 2: the notice names the status and the action by their labels, not their codes.
    message = notify.transition_notice(case.reference, transition.target, transition.action, actor.full_name)
    if waiting_roles:
        return notify.notify(notify.users_covering(case.org_path, tuple(waiting_roles)), message, link)
    people = [db.session.get(User, uid) for uid in {case.created_by_id, case.submitted_by_id} if uid and uid != actor.id]
    return notify.notify([p for p in people if p is not None], message, link)


# ---- reading -------------------------------------------------------------------------------------

def history(case_type: str, case_id: int) -> list[CaseTransition]:
    return list(db.session.scalars(select(CaseTransition).where(
        CaseTransition.case_type == case_type, CaseTransition.case_id == case_id).order_by(CaseTransition.id)))


# The case's latest approval snapshot, read once per unit of work (services/snapshots.latest).
latest_snapshot = snapshots.latest


def available_actions(actor: User, case, case_type: str = "debt") -> list[str]:
    return table.actions_from(case_type, case.status, actor.role)


def inbox_query(actor: User, case_type: str = "debt"):
    """Cases waiting for this user's role in their scope, oldest first."""
    kind = programmes.programme(case_type)
    states = table.INBOXES[case_type].get(actor.role)
    if not states or not can(actor, kind.view_permission):
        return None
    model = kind.model
    return kind.in_scope(select(model), actor).where(model.status.in_(states)).order_by(model.status_since, model.id)
