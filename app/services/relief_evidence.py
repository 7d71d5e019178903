"""Evidence for relief cases: PDF, JPEG or PNG, checked by content, stored under random names and served only
to users in the case's scope (domain.md, "Relief cases")."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator

from app.extensions import db
from app.i18n import gettext as _
from app.models import Evidence, User
from app.services import audit, uploads
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.permissions import require
from app.services.relief import get_case
from app.storage import storage

EVIDENCE_KINDS = ("death_certificate", "police_report", "medical_certificate", "disability_certificate",
                  "house_registration", "marriage_certificate", "birth_certificate", "claimant_id",
                  "damage_assessment", "enrolment_proof", "other")


def _key(row: Evidence) -> str:
    return f"evidence/{row.stored_name}"  # under the instance folder, as before the storage existed


def add_evidence(actor: User, case_id: int, kind: str, filename: str, content: bytes) -> Evidence:
    case = get_case(actor, case_id)
    require(actor, "edit_relief_cases")
    if not case.accepts_evidence:
        raise Conflict(_("A closed or rejected case takes no more evidence."))
    errors = {}
    if kind not in EVIDENCE_KINDS:
        errors["kind"] = _("Choose one of: %(options)s.", options=", ".join(EVIDENCE_KINDS))
    if problem := uploads.file_problem(content):  # PDF, JPEG or PNG by content, within the size limit
        errors["file"] = problem
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors)
    row = Evidence(case=case, kind=kind, filename=uploads.clean_filename(filename),
                   stored_name=secrets.token_hex(16), content_type=uploads.content_type_of(content),
                   size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    storage().write(_key(row), content)
    audit.record("relief_evidence.add", actor=actor, object_type="relief_case", object_id=case.id,
                 org_path=case.org_path, after={"kind": kind, "filename": row.filename, "sha256": row.sha256})
    db.session.commit()
    return row


def evidence_file(actor: User, case_id: int, evidence_id: int) -> tuple[Evidence, Iterator[bytes]]:
    """An evidence file of a case in the actor's scope (404 otherwise), with its content a piece at a time."""
    case = get_case(actor, case_id)
    row = next((e for e in case.evidence if e.id == evidence_id), None)
    if row is None:
        raise NotFound()
    return row, storage().chunks(_key(row))


