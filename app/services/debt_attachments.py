"""Documents attached to a debt case (issue 21 point 8): the salary slip, the creditors' statements and agreements
the approver asked to see. Checked and stored as relief evidence is (services/uploads.py: PDF, JPEG or PNG by content,
the same size limit; app/storage.py under a random name), and served only to users in the case's scope.

Who does what: anyone who may read the case (debt_cases.get_case: permission, then scope, 404 outside it) lists and
downloads its files — the approver included, whatever the case's status. The case's cooperative officers
(edit_debt_cases; their scope is their cooperative) add and remove files while the case can still be changed, draft
or returned: what the province reviews and approves is not changed under it, and an approved or active case keeps
its files as they were. Every addition and removal is audited with the change, in one commit."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator

from app.extensions import db
from app.i18n import gettext as _
from app.models import DebtAttachment, DebtCase, User
from app.models.debt_attachments import ATTACHMENT_KINDS
from app.services import audit, uploads
from app.services.debt_cases import get_case
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.permissions import require
from app.storage import storage


def _case_to_change(actor: User, case_id: int) -> DebtCase:
    """The case, in scope, for a cooperative officer adding or removing a file: 409 unless draft or returned."""
    case = get_case(actor, case_id)
    require(actor, "edit_debt_cases")
    if not case.editable:
        raise Conflict(_("Documents are attached or removed while the case is a draft or returned; an approved "
                         "or submitted case keeps the ones it has."))
    return case


def _debt_of(case: DebtCase, raw) -> tuple[int | None, str | None]:
    """The debt a document is about (optional), as (id, None), or (None, the field's message)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    debt_id = int(text) if text.isdecimal() and len(text) < 12 else None
    if debt_id is None or debt_id not in {d.id for d in case.debts}:
        return None, _("Choose one of this case's debts, or none.")
    return debt_id, None


def _audited(row: DebtAttachment) -> dict:
    facts = {"id": row.id, "kind": row.kind, "filename": row.filename, "bytes": row.size, "sha256": row.sha256}
    return facts | ({"debt_id": row.debt_id} if row.debt_id else {})


def add_attachment(actor: User, case_id: int, kind: str, debt_id, filename: str | None,
                   content: bytes) -> DebtAttachment:
    """Attach one document; `debt_id` is the debt it is about, or blank."""
    case = _case_to_change(actor, case_id)
    errors = {}
    if kind not in ATTACHMENT_KINDS:
        errors["kind"] = _("Choose the kind of document.")
    chosen_debt, debt_error = _debt_of(case, debt_id)
    if debt_error:
        errors["debt_id"] = debt_error
    if problem := uploads.file_problem(content):  # PDF, JPEG or PNG by content, within the size limit
        errors["file"] = problem
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    row = DebtAttachment(case=case, kind=kind, debt_id=chosen_debt, filename=uploads.clean_filename(filename),
                         stored_name=secrets.token_hex(16), content_type=uploads.content_type_of(content),
                         size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    storage().write(row.key, content)
    audit.record("debt_attachment.add", actor=actor, object_type="debt_case", object_id=case.id,
                 org_path=case.org_path, after=_audited(row))
    db.session.commit()
    return row


def attachments_of(actor: User, case_id: int) -> list[DebtAttachment]:
    """The case's documents, oldest first, for anyone who may read the case."""
    return list(get_case(actor, case_id).attachments)


def attachment_file(actor: User, case_id: int, attachment_id: int) -> tuple[DebtAttachment, Iterator[bytes]]:
    """A document of a case in the actor's scope (404 otherwise), with its content a piece at a time."""
    case = get_case(actor, case_id)
    row = _attachment(case, attachment_id)
    return row, storage().chunks(row.key)


def delete_attachment(actor: User, case_id: int, attachment_id: int) -> None:
    case = _case_to_change(actor, case_id)
    row = _attachment(case, attachment_id)
    key, facts = row.key, _audited(row)
    db.session.delete(row)
    audit.record("debt_attachment.delete", actor=actor, object_type="debt_case", object_id=case.id,
                 org_path=case.org_path, before=facts)
    db.session.commit()
    # The file goes once its row is gone: a failure in between leaves a file no row names, never a row without its
    # file (docs/jobs-and-files.md, atomicity). The database store deletes in a transaction of its own.
    storage().delete(key)
    db.session.commit()


def _attachment(case: DebtCase, attachment_id: int) -> DebtAttachment:
    row = next((a for a in case.attachments if a.id == attachment_id), None)
    if row is None:
        raise NotFound()
    return row
